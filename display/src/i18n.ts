import type { i18n as I18n } from 'i18next';
import { createI18n, type Language } from '../../shared-web/i18n.ts';

/** Display texts (under `display.`), on top of the shared ones (wait bands, errors). */
export const displayMessages = {
  nl: {
    display: {
      title: 'Wachtkamer',
      nowCalling: 'Nu aan de beurt',
      toCounter: 'naar',
      noCalls: 'Nog geen oproepen',
      recent: 'Eerdere oproepen',
      waiting: 'Wachtrij',
      waitingTotal_one: '{{count}} persoon wacht',
      waitingTotal_other: '{{count}} personen wachten',
      service: 'Dienst',
      people: 'Wachtend',
      expected: 'Verwachte wachttijd',
      offline: 'Verbinding verbroken — opnieuw verbinden…',
      unpaired: 'Dit scherm is nog niet gekoppeld. Open /display#token=… met de koppelcode van de beheerder.',
      enableSound: 'Klik of druk op een toets om geluid aan te zetten',
      pairingCode: 'Koppelcode',
      pair: 'Koppelen',
      recall: 'herhaald',
      clock: 'Tijd',
      ticker: 'Mededeling',
    },
  },
  en: {
    display: {
      title: 'Waiting room',
      nowCalling: 'Now serving',
      toCounter: 'to',
      noCalls: 'No calls yet',
      recent: 'Previous calls',
      waiting: 'Queue',
      waitingTotal_one: '{{count}} person waiting',
      waitingTotal_other: '{{count}} people waiting',
      service: 'Service',
      people: 'Waiting',
      expected: 'Expected wait',
      offline: 'Connection lost — reconnecting…',
      unpaired: 'This screen is not paired yet. Open /display#token=… with the pairing code from your administrator.',
      enableSound: 'Click or press a key to enable sound',
      pairingCode: 'Pairing code',
      pair: 'Pair',
      recall: 'repeated',
      clock: 'Time',
      ticker: 'Announcement',
    },
  },
};

/** The screen follows `?lang=` (default nl); the spoken call is always Dutch. A display never remembers a choice. */
export function createDisplayI18n(language: Language): I18n {
  return createI18n(displayMessages, { language, remember: false });
}
