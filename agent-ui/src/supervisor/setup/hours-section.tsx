import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Setup, type Weekday, weeklyRule } from '../setup-model.ts';
import { DayPicker } from './day-picker.tsx';
import { SelectField, TextField } from './fields.tsx';
import { ruleText } from './rule-text.ts';
import type { Send } from './send.ts';
import { SetupTable } from './setup-table.tsx';

/** Opening, appointment and walk-in hours as weekly rules. */
export function HoursSection({ setup, base, send }: { setup: Setup; base: string; send: Send }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<'opening' | 'appointments' | 'walk-in'>('opening');
  const [days, setDays] = useState<Weekday[]>(['MO', 'TU', 'WE', 'TH', 'FR']);
  const [opensAt, setOpensAt] = useState('09:00');
  const [closesAt, setClosesAt] = useState('16:00');
  const [startsOn, setStartsOn] = useState(new Date().toISOString().slice(0, 10));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (days.length === 0) return;
    void send('POST', `${base}/schedule-rules`, { kind, rrule: weeklyRule(days), startsOn, opensAt, closesAt });
  };
  return (
    <section className="card" aria-labelledby="admin-hours">
      <h2 id="admin-hours">{t('agent.admin.schedules')}</h2>
      <SetupTable
        headers={[t('agent.admin.kind'), t('agent.admin.days'), t('agent.admin.time'), t('agent.admin.period')]}
        rows={setup.scheduleRules}
        rowKey={(r) => r.id}
        cells={(r) => (
          <>
            <td>{t(`agent.admin.hoursKind.${r.kind}`)}</td>
            <td>{ruleText(t, r.rrule)}</td>
            <td>
              {r.opensAt}–{r.closesAt}
            </td>
            <td>
              {r.startsOn}
              {r.endsOn ? ` – ${r.endsOn}` : ''}
            </td>
          </>
        )}
        deletePath={(r) => `${base}/schedule-rules/${r.id}`}
        send={send}
      />
      <form className="row" onSubmit={submit} aria-label={t('agent.admin.addHours')}>
        <SelectField
          label={t('agent.admin.kind')}
          value={kind}
          options={(['opening', 'appointments', 'walk-in'] as const).map((k) => ({
            value: k,
            label: t(`agent.admin.hoursKind.${k}`),
          }))}
          onValue={setKind}
        />
        <DayPicker value={days} onChange={setDays} name="hours-days" />
        <TextField label={t('agent.admin.from')} type="time" value={opensAt} onValue={setOpensAt} required />
        <TextField label={t('agent.admin.until')} type="time" value={closesAt} onValue={setClosesAt} required />
        <TextField label={t('agent.admin.startsOn')} type="date" value={startsOn} onValue={setStartsOn} required />
        <button type="submit">{t('agent.admin.add')}</button>
      </form>
    </section>
  );
}
