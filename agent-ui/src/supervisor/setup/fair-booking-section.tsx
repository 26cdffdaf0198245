import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BookingProtection } from '../../../../server/contracts/fairness.ts';
import { api } from '../../../../shared-web/api.ts';
import { CheckboxField, NumberField, SelectField, TextField } from './fields.tsx';
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
          <CheckboxField
            label={t('agent.admin.fair.confirmationRequired')}
            checked={s.confirmationRequired}
            onValue={(v) => set({ confirmationRequired: v })}
          />
          <NumberField
            label={t('agent.admin.fair.holdMinutes')}
            min={5}
            max={30}
            value={s.holdMinutes}
            onValue={(v) => set({ holdMinutes: v ?? 0 })}
          />
        </fieldset>
        <fieldset>
          <legend>{t('agent.admin.fair.challenge')}</legend>
          <SelectField
            label={t('agent.admin.fair.challengeMode')}
            value={s.challengeMode}
            options={[
              { value: 'off', label: t('agent.admin.fair.challengeOff') },
              { value: 'under-pressure', label: t('agent.admin.fair.challengePressure') },
              { value: 'always', label: t('agent.admin.fair.challengeAlways') },
            ]}
            onValue={(v) => set({ challengeMode: v })}
          />
          <NumberField
            label={t('agent.admin.fair.pressureBookings')}
            min={1}
            value={s.challengePressureBookings}
            onValue={(v) => set({ challengePressureBookings: v ?? 0 })}
          />
        </fieldset>
        <fieldset>
          <legend>{t('agent.admin.fair.caps')}</legend>
          <NumberField
            label={t('agent.admin.fair.mailboxCap')}
            min={1}
            max={100}
            value={s.mailboxCap}
            placeholder={t('agent.admin.fair.default')}
            onValue={(v) => set({ mailboxCap: v })}
          />
          <CheckboxField
            label={t('agent.admin.fair.mailboxNormalise')}
            checked={s.mailboxNormalise}
            onValue={(v) => set({ mailboxNormalise: v })}
          />
          <CheckboxField
            label={t('agent.admin.fair.phoneCap')}
            checked={s.phoneCap}
            onValue={(v) => set({ phoneCap: v })}
          />
          <NumberField
            label={t('agent.admin.fair.velocity')}
            min={1}
            value={s.dayVelocityLimit}
            placeholder={t('agent.admin.fair.none')}
            onValue={(v) => set({ dayVelocityLimit: v })}
          />
        </fieldset>
        <fieldset>
          <legend>{t('agent.admin.fair.release')}</legend>
          <SelectField
            label={t('agent.admin.fair.releaseMode')}
            value={s.releaseMode}
            options={[
              { value: 'off', label: t('agent.admin.fair.releaseOff') },
              { value: 'daily', label: t('agent.admin.fair.releaseDaily') },
              { value: 'weekly', label: t('agent.admin.fair.releaseWeekly') },
            ]}
            onValue={(v) => set({ releaseMode: v })}
          />
          <TextField
            label={t('agent.admin.fair.releaseTime')}
            type="time"
            value={s.releaseTime}
            onValue={(v) => set({ releaseTime: v })}
          />
          <NumberField
            label={t('agent.admin.fair.releaseDaysAhead')}
            min={0}
            max={365}
            value={s.releaseDaysAhead}
            onValue={(v) => set({ releaseDaysAhead: v ?? 0 })}
          />
          <fieldset className="weekdays">
            <legend>{t('agent.admin.fair.releaseWeekdays')}</legend>
            {WEEKDAYS.map((d) => (
              <CheckboxField
                key={d}
                label={dayName(d)}
                checked={s.releaseWeekdays.includes(d)}
                onValue={(on) =>
                  set({
                    releaseWeekdays: on
                      ? [...s.releaseWeekdays, d].sort((a, b) => a - b)
                      : s.releaseWeekdays.filter((x) => x !== d),
                  })
                }
              />
            ))}
          </fieldset>
        </fieldset>
        <fieldset>
          <legend>{t('agent.admin.fair.phoneShareTitle')}</legend>
          <NumberField
            label={t('agent.admin.fair.phoneShare')}
            min={0}
            max={90}
            value={Math.round(s.phoneShare * 100)}
            onValue={(v) => set({ phoneShare: (v ?? 0) / 100 })}
          />
          <NumberField
            label={t('agent.admin.fair.phoneShareReleaseHours')}
            min={0}
            max={672}
            value={s.phoneShareReleaseHours}
            onValue={(v) => set({ phoneShareReleaseHours: v ?? 0 })}
          />
        </fieldset>
        <button type="submit" className="primary">
          {t('agent.admin.save')}
        </button>
      </form>
    </section>
  );
}
