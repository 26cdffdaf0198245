import { describe, expect, it } from 'vitest';
import { type AppointmentMailView, renderAppointmentMail } from './messages.ts';

const view: AppointmentMailView = {
  reference: 'ABCDEFGHJKMN',
  language: 'nl',
  startsAt: new Date('2026-12-01T10:00:00Z'),
  endsAt: new Date('2026-12-01T10:20:00Z'),
  timeZone: 'Europe/Amsterdam',
  locationName: 'Stadskantoor Zijlsingel',
  address: 'Zijlsingel 1, 2013 DN Haarlem',
  services: [
    {
      nameNl: 'Paspoort aanvragen',
      nameEn: 'Apply for a passport',
      persons: 2,
      necessitiesNl: ['Pasfoto'],
      necessitiesEn: ['Photo'],
    },
  ],
  manageUrl: 'http://localhost:3000/manage/ABCDEFGHJKMN#token=t',
  customerName: 'Anna',
  followUp: { byAppointment: false, earliestDate: '2026-12-08', booked: false },
};

describe('renderAppointmentMail', () => {
  it('confirms in Dutch with local time, what to bring, the walk-in pickup and the manage link', () => {
    const { subject, text } = renderAppointmentMail('confirmation', view);
    expect(subject).toBe('Bevestiging van uw afspraak (ABCDEFGHJKMN)');
    expect(text).toContain('dinsdag 1 december 2026, 11:00–11:20');
    expect(text).toContain('- Paspoort aanvragen × 2');
    expect(text).toContain('- Pasfoto');
    expect(text).toContain('U haalt uw document op zonder afspraak, vanaf 8 december 2026');
    expect(text).toContain(view.manageUrl);
  });

  it('says when the pickup needs an appointment, in English', () => {
    const { text } = renderAppointmentMail('confirmation', {
      ...view,
      language: 'en',
      followUp: { byAppointment: true, earliestDate: '2026-12-08', booked: false },
    });
    expect(text).toContain('Tuesday 1 December 2026, 11:00–11:20');
    expect(text).toContain('Collecting the document needs an appointment, from 8 December 2026.');
  });

  it('leaves the manage link out of reminders (only its hash is stored) and what to bring out of cancellations', () => {
    expect(renderAppointmentMail('reminder', { ...view, manageUrl: null }).text).toContain('bevestigingsmail');
    expect(renderAppointmentMail('cancellation', view).text).not.toContain('Neem mee');
  });
});
