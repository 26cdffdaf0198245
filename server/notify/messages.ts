import { DateTime } from 'luxon';
import { formatCheckInCode } from '../contracts/check-in.ts';
import type { MailKind } from './outbox-store.ts';

/** What a mail about an appointment says; pure, so every text is tested without a database. */
export interface AppointmentMailView {
  reference: string;
  /** The 6-digit code for the kiosk's keypad, valid on the day of the appointment (null: not issued). */
  checkInCode?: string | null;
  language: 'nl' | 'en';
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  locationName: string;
  address: string;
  services: { nameNl: string; nameEn: string; persons: number; necessitiesNl: string[]; necessitiesEn: string[] }[];
  /** Link to see, move or cancel; null when the token is not at hand (reminders: the token is hashed). */
  manageUrl: string | null;
  customerName: string;
  followUp?: { byAppointment: boolean; earliestDate: string; booked: boolean } | null;
  /** A hold (double opt-in): the link that confirms it, and until when it is held. */
  hold?: { confirmUrl: string; until: Date } | null;
}

function when(view: AppointmentMailView): string {
  const start = DateTime.fromJSDate(view.startsAt, { zone: view.timeZone }).setLocale(view.language);
  const end = DateTime.fromJSDate(view.endsAt, { zone: view.timeZone });
  return `${start.toFormat('cccc d LLLL yyyy')}, ${start.toFormat('HH:mm')}–${end.toFormat('HH:mm')}`;
}

function serviceLines(view: AppointmentMailView): string[] {
  return view.services.map((s) => `- ${view.language === 'en' ? s.nameEn : s.nameNl} × ${s.persons}`);
}

function checkInLines(view: AppointmentMailView): string[] {
  if (!view.checkInCode) return [];
  const code = formatCheckInCode(view.checkInCode);
  return view.language === 'en'
    ? [`Check-in code for the kiosk at the entrance: ${code} (valid on the day of your appointment)`]
    : [`Inchecken bij de zuil bij de ingang met code: ${code} (geldig op de dag van uw afspraak)`];
}

function totalPersons(view: AppointmentMailView): number {
  return Math.max(1, ...view.services.map((s) => s.persons));
}

function bring(view: AppointmentMailView): string[] {
  const all = view.services.flatMap((s) => (view.language === 'en' ? s.necessitiesEn : s.necessitiesNl));
  return [...new Set(all)].map((n) => `- ${n}`);
}

function followUpLine(view: AppointmentMailView): string[] {
  const f = view.followUp;
  if (!f) return [];
  const date = DateTime.fromISO(f.earliestDate).setLocale(view.language).toFormat('d LLLL yyyy');
  if (view.language === 'en') {
    if (f.booked) return ['', 'Your appointment to collect the document is booked as well (see the separate e-mail).'];
    return f.byAppointment
      ? ['', `Collecting the document needs an appointment, from ${date}.`]
      : ['', `Collect your document without an appointment, from ${date}, during walk-in hours.`];
  }
  if (f.booked) return ['', 'Uw afspraak om het document op te halen is ook gemaakt (zie de aparte e-mail).'];
  return f.byAppointment
    ? ['', `Voor het ophalen van het document maakt u een afspraak, vanaf ${date}.`]
    : ['', `U haalt uw document op zonder afspraak, vanaf ${date}, tijdens de inloopuren.`];
}

const subjects: Record<'nl' | 'en', Record<Exclude<MailKind, 'ticket-due'>, string>> = {
  nl: {
    hold: 'Bevestig uw afspraak',
    confirmation: 'Bevestiging van uw afspraak',
    reminder: 'Herinnering: uw afspraak is morgen',
    cancellation: 'Uw afspraak is geannuleerd',
    reschedule: 'Uw afspraak is verplaatst',
  },
  en: {
    hold: 'Please confirm your appointment',
    confirmation: 'Your appointment is confirmed',
    reminder: 'Reminder: your appointment is tomorrow',
    cancellation: 'Your appointment is cancelled',
    reschedule: 'Your appointment has moved',
  },
};

export function renderAppointmentMail(
  kind: Exclude<MailKind, 'ticket-due'>,
  view: AppointmentMailView,
): { subject: string; text: string } {
  const en = view.language === 'en';
  const subject = `${subjects[view.language][kind]} (${view.reference})`;
  const lines: string[] = [en ? `Dear ${view.customerName},` : `Beste ${view.customerName},`, ''];
  if (kind === 'cancellation') {
    lines.push(en ? 'Your appointment has been cancelled:' : 'Uw afspraak is geannuleerd:');
  } else if (kind === 'reminder') {
    lines.push(en ? 'A reminder of your appointment tomorrow:' : 'Een herinnering aan uw afspraak van morgen:');
  } else if (kind === 'hold') {
    const until = view.hold ? DateTime.fromJSDate(view.hold.until, { zone: view.timeZone }).toFormat('HH:mm') : '';
    lines.push(
      en
        ? `We are holding this time for you until ${until}. It is only booked once you confirm it with this link:`
        : `We houden deze tijd voor u vast tot ${until}. De afspraak is pas gemaakt als u hem bevestigt met deze link:`,
      '',
      view.hold?.confirmUrl ?? '',
      '',
      en
        ? 'Without confirmation the time becomes free again for someone else.'
        : 'Zonder bevestiging komt de tijd weer vrij voor iemand anders.',
    );
  } else if (kind === 'reschedule') {
    lines.push(en ? 'Your appointment now is:' : 'Uw afspraak is nu:');
  } else {
    lines.push(en ? 'Your appointment is booked:' : 'Uw afspraak is gemaakt:');
  }
  lines.push(
    '',
    `${en ? 'When' : 'Wanneer'}: ${when(view)}`,
    `${en ? 'Where' : 'Waar'}: ${view.locationName}, ${view.address}`,
    `${en ? 'Reference' : 'Referentie'}: ${view.reference}`,
    ...(kind === 'cancellation' ? [] : checkInLines(view)),
    '',
    ...serviceLines(view),
  );
  if (kind !== 'cancellation' && kind !== 'hold') {
    const persons = totalPersons(view);
    const heading =
      persons > 1
        ? en
          ? `Please bring, for each of the ${persons} persons:`
          : `Neem mee, voor elk van de ${persons} personen:`
        : en
          ? 'Please bring:'
          : 'Neem mee:';
    lines.push('', heading, ...bring(view));
    lines.push(...followUpLine(view));
    if (view.manageUrl) {
      lines.push('', en ? 'See, move or cancel your appointment:' : 'Bekijk, verplaats of annuleer uw afspraak:');
      lines.push(view.manageUrl);
    } else {
      lines.push(
        '',
        en
          ? 'To move or cancel, use the link in your confirmation e-mail.'
          : 'Verplaatsen of annuleren kan via de link in uw bevestigingsmail.',
      );
    }
  }
  lines.push('', en ? 'Kind regards,' : 'Met vriendelijke groet,', view.locationName);
  return { subject, text: lines.join('\n') };
}
