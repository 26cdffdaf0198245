import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BookingProtection } from '../../../../server/contracts/fairness.ts';
import { api } from '../../../../shared-web/api.ts';
import type { Send } from './send.ts';

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

/**
 * Fair booking when slots are scarce (rule 8): hold and confirmation, proof-of-work, mailbox and phone
 * caps, the per-day velocity limit, rolling release and the share kept for phone and desk bookings.
 * Saved with PUT /locations/{id}/booking-protection; the server audits every change.
 */
export function FairBookingSection({ base, token, send }: { base: string; token: string | null; send: Send }) {
  const { t, i18n } = useTranslation();
  const [s, setS] = useState<BookingProtection | null>(null);
  const [version, setVersion] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reloads after a save (version).
  useEffect(() => {
    let live = true;
    api
      .get<BookingProtection>(`${base}/booking-protection`, { token })
      .then((p) => live && setS(p))
      .catch(() => live && setS(null));
    return () => {
      live = false;
    };
  }, [base, token, version]);
  if (!s) return null;
  const set = (patch: Partial<BookingProtection>) => setS({ ...s, ...patch });
  const dayName = (d: number) =>
    new Intl.DateTimeFormat(i18n.language, { weekday: 'short' }).format(new Date(Date.UTC(2024, 0, d)));
  const num = (v: string) => Number(v);
  return (
    <section className="card" aria-labelledby="admin-fair">
      <h2 id="admin-fair">{t('agent.admin.fair.title')}</h2>
      <p>{t('agent.admin.fair.intro')}</p>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void send('PUT', `${base}/booking-protection`, s).then((ok) => ok && setVersion((v) => v + 1));
        }}
      >
        <fieldset>
          <legend>{t('agent.admin.fair.hold')}</legend>
          <label className="inline">
            <input
              type="checkbox"
              checked={s.confirmationRequired}
              onChange={(e) => set({ confirmationRequired: e.target.checked })}
            />
            {t('agent.admin.fair.confirmationRequired')}
          </label>
          <label>
            {t('agent.admin.fair.holdMinutes')}
            <input
              type="number"
              min={5}
              max={30}
              value={s.holdMinutes}
              onChange={(e) => set({ holdMinutes: num(e.target.value) })}
            />
          </label>
        </fieldset>
        <fieldset>
          <legend>{t('agent.admin.fair.challenge')}</legend>
          <label>
            {t('agent.admin.fair.challengeMode')}
            <select
              value={s.challengeMode}
              onChange={(e) => set({ challengeMode: e.target.value as BookingProtection['challengeMode'] })}
            >
              <option value="off">{t('agent.admin.fair.challengeOff')}</option>
              <option value="under-pressure">{t('agent.admin.fair.challengePressure')}</option>
              <option value="always">{t('agent.admin.fair.challengeAlways')}</option>
            </select>
          </label>
          <label>
            {t('agent.admin.fair.pressureBookings')}
            <input
              type="number"
              min={1}
              value={s.challengePressureBookings}
              onChange={(e) => set({ challengePressureBookings: num(e.target.value) })}
            />
          </label>
        </fieldset>
        <fieldset>
          <legend>{t('agent.admin.fair.caps')}</legend>
          <label>
            {t('agent.admin.fair.mailboxCap')}
            <input
              type="number"
              min={1}
              max={100}
              value={s.mailboxCap ?? ''}
              placeholder={t('agent.admin.fair.default')}
              onChange={(e) => set({ mailboxCap: e.target.value === '' ? null : num(e.target.value) })}
            />
          </label>
          <label className="inline">
            <input
              type="checkbox"
              checked={s.mailboxNormalise}
              onChange={(e) => set({ mailboxNormalise: e.target.checked })}
            />
            {t('agent.admin.fair.mailboxNormalise')}
          </label>
          <label className="inline">
            <input type="checkbox" checked={s.phoneCap} onChange={(e) => set({ phoneCap: e.target.checked })} />
            {t('agent.admin.fair.phoneCap')}
          </label>
          <label>
            {t('agent.admin.fair.velocity')}
            <input
              type="number"
              min={1}
              value={s.dayVelocityLimit ?? ''}
              placeholder={t('agent.admin.fair.none')}
              onChange={(e) => set({ dayVelocityLimit: e.target.value === '' ? null : num(e.target.value) })}
            />
          </label>
        </fieldset>
        <fieldset>
          <legend>{t('agent.admin.fair.release')}</legend>
          <label>
            {t('agent.admin.fair.releaseMode')}
            <select
              value={s.releaseMode}
              onChange={(e) => set({ releaseMode: e.target.value as BookingProtection['releaseMode'] })}
            >
              <option value="off">{t('agent.admin.fair.releaseOff')}</option>
              <option value="daily">{t('agent.admin.fair.releaseDaily')}</option>
              <option value="weekly">{t('agent.admin.fair.releaseWeekly')}</option>
            </select>
          </label>
          <label>
            {t('agent.admin.fair.releaseTime')}
            <input type="time" value={s.releaseTime} onChange={(e) => set({ releaseTime: e.target.value })} />
          </label>
          <label>
            {t('agent.admin.fair.releaseDaysAhead')}
            <input
              type="number"
              min={0}
              max={365}
              value={s.releaseDaysAhead}
              onChange={(e) => set({ releaseDaysAhead: num(e.target.value) })}
            />
          </label>
          <fieldset className="weekdays">
            <legend>{t('agent.admin.fair.releaseWeekdays')}</legend>
            {WEEKDAYS.map((d) => (
              <label className="inline" key={d}>
                <input
                  type="checkbox"
                  checked={s.releaseWeekdays.includes(d)}
                  onChange={(e) =>
                    set({
                      releaseWeekdays: e.target.checked
                        ? [...s.releaseWeekdays, d].sort((a, b) => a - b)
                        : s.releaseWeekdays.filter((x) => x !== d),
                    })
                  }
                />
                {dayName(d)}
              </label>
            ))}
          </fieldset>
        </fieldset>
        <fieldset>
          <legend>{t('agent.admin.fair.phoneShareTitle')}</legend>
          <label>
            {t('agent.admin.fair.phoneShare')}
            <input
              type="number"
              min={0}
              max={90}
              value={Math.round(s.phoneShare * 100)}
              onChange={(e) => set({ phoneShare: num(e.target.value) / 100 })}
            />
          </label>
          <label>
            {t('agent.admin.fair.phoneShareReleaseHours')}
            <input
              type="number"
              min={0}
              max={672}
              value={s.phoneShareReleaseHours}
              onChange={(e) => set({ phoneShareReleaseHours: num(e.target.value) })}
            />
          </label>
        </fieldset>
        <button type="submit" className="primary">
          {t('agent.admin.save')}
        </button>
      </form>
    </section>
  );
}
