import type { ClientErrorCode } from '../api.ts';
import type { WaitBandKey } from '../wait-band.ts';

/** Dutch is the default language. English (en.ts) must have every key: a test compares them. */
const errors: Record<ClientErrorCode, string> = {
  'validation-failed': 'Niet alle gegevens zijn goed ingevuld. Controleer de velden en probeer het opnieuw.',
  unauthorized: 'U bent niet (meer) aangemeld, of de link is niet geldig.',
  'invalid-credentials': 'Gebruikersnaam of wachtwoord klopt niet. Controleer ze en probeer het opnieuw.',
  forbidden: 'Dit mag u niet doen.',
  'challenge-required': 'Wacht even tot de controle tegen robots klaar is en probeer het dan opnieuw.',
  'challenge-invalid': 'De controle tegen robots is verlopen of mislukt. Probeer het opnieuw.',
  'invalid-origin': 'Dit verzoek komt niet van deze website en is geweigerd.',
  'not-found': 'Niet gevonden. Controleer het nummer of de link.',
  'method-not-allowed': 'Dit kan hier niet.',
  'slot-unavailable': 'Deze tijd is net door iemand anders gekozen. Kies een andere tijd.',
  'booking-limit-reached': 'Op dit e-mailadres staan al te veel afspraken. Annuleer eerst een andere afspraak.',
  'invalid-state': 'Dit kan niet meer: de afspraak of het volgnummer is al verder in behandeling.',
  conflict: 'Er is net iets veranderd. Probeer het opnieuw.',
  'hold-expired': 'De tijd om te bevestigen is voorbij. De tijd is weer vrij; maak een nieuwe afspraak.',
  'outside-walk-in-hours': 'Zonder afspraak kunt u nu geen volgnummer trekken: de inloop is gesloten.',
  'payload-too-large': 'Er zijn te veel gegevens verstuurd.',
  'unsupported-media-type': 'Het verzoek heeft een verkeerd formaat.',
  'check-in-too-early': 'U bent te vroeg om u te melden. Meld u kort voor uw afspraak.',
  'check-in-too-late': 'U bent te laat voor uw afspraak. Trek een volgnummer of vraag het aan een medewerker.',
  'outside-opening-hours': 'Het stadskantoor is nu gesloten voor deze dienst.',
  'idempotency-key-reused': 'Dit verzoek is al eerder met andere gegevens verstuurd. Begin opnieuw.',
  'rate-limited': 'Te veel verzoeken achter elkaar. Wacht even en probeer het opnieuw.',
  internal: 'Er ging bij ons iets mis. Probeer het later opnieuw.',
  unavailable: 'Het systeem kan op dit moment niets opslaan. Probeer het over enkele minuten opnieuw.',
  network: 'Geen verbinding met de server. Controleer uw internetverbinding en probeer het opnieuw.',
  unknown: 'Er ging iets mis. Probeer het opnieuw.',
};

const band: Record<WaitBandKey, string> = {
  none: 'geen wachttijd',
  lt5: 'minder dan 5 minuten',
  '5-10': '5–10 minuten',
  '10-20': '10–20 minuten',
  '20-30': '20–30 minuten',
  '30-60': '30–60 minuten',
  gt60: 'meer dan een uur',
};

export const nl = {
  common: {
    appName: 'Loket',
    loading: 'Bezig met laden…',
    retry: 'Opnieuw proberen',
    back: 'Vorige',
    next: 'Volgende',
    close: 'Sluiten',
    cancel: 'Annuleren',
    skipToContent: 'Naar de inhoud',
    persons_one: '{{count}} persoon',
    persons_other: '{{count}} personen',
  },
  lang: {
    label: 'Taal',
    switchTo: 'English',
    switchToLabel: 'Switch to English',
  },
  offline: {
    title: 'Geen verbinding',
    text: 'De verbinding met de server is verbroken. We proberen het steeds opnieuw.',
    back: 'De verbinding is hersteld.',
  },
  wait: {
    unknown: 'onbekend',
    band,
    noCounterOpen: 'geen balie open',
    noCounterOpenUntil: 'geen balie open; opent om {{time}}',
    walkInClosed: 'inloop gesloten',
    walkInClosedUntil: 'inloop gesloten; opent om {{time}}',
  },
  errors,
};

/** The shape every language must match (string leaves). */
type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type SharedMessages = Widen<typeof nl>;
