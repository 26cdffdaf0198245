import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Setup, type Weekday, weeklyRule } from '../setup-model.ts';
import { DayPicker } from './day-picker.tsx';
import { SelectField, TextField } from './fields.tsx';
import { ruleText } from './rule-text.ts';
import type { Send } from './send.ts';
import { SetupTable } from './setup-table.tsx';

/** When each counter is staffed, and for appointments, walk-ins or both. */
export function RosterSection({ setup, base, send }: { setup: Setup; base: string; send: Send }) {
  const { t } = useTranslation();
  const [counterId, setCounterId] = useState<number>(setup.counters[0]?.id ?? 0);
  const [days, setDays] = useState<Weekday[]>(['MO', 'TU', 'WE', 'TH', 'FR']);
  const [startsAt, setStartsAt] = useState('09:00');
  const [endsAt, setEndsAt] = useState('16:00');
  const [mode, setMode] = useState<'appointments' | 'walk-in' | 'both'>('both');
  const [startsOn, setStartsOn] = useState(new Date().toISOString().slice(0, 10));
  const counterName = (id: number) => setup.counters.find((c) => c.id === id)?.name ?? String(id);
  const rules = [...setup.rosterRules].sort(
    (a, b) =>
      counterName(a.counterId).localeCompare(counterName(b.counterId), 'nl', { numeric: true }) ||
      a.startsAt.localeCompare(b.startsAt),
  );
  return (
    <section className="card" aria-labelledby="admin-roster">
      <h2 id="admin-roster">{t('agent.admin.rosters')}</h2>
      <SetupTable
        headers={[t('agent.admin.counter'), t('agent.admin.days'), t('agent.admin.time'), t('agent.admin.mode')]}
        rows={rules}
        rowKey={(r) => r.id}
        cells={(r) => (
          <>
            <th scope="row">{counterName(r.counterId)}</th>
            <td>{r.rrule ? ruleText(t, r.rrule) : r.startsOn}</td>
            <td>
              {r.startsAt}–{r.endsAt}
            </td>
            <td>{t(`agent.admin.rosterMode.${r.mode}`)}</td>
          </>
        )}
        deletePath={(r) => `${base}/roster-rules/${r.id}`}
        send={send}
      />
      <form
        className="row"
        aria-label={t('agent.admin.addRoster')}
        onSubmit={(e) => {
          e.preventDefault();
          if (days.length === 0) return;
          void send('POST', `${base}/roster-rules`, {
            counterId,
            rrule: weeklyRule(days),
            startsOn,
            startsAt,
            endsAt,
            mode,
          });
        }}
      >
        <SelectField
          label={t('agent.admin.counter')}
          value={counterId}
          options={setup.counters.map((c) => ({ value: c.id, label: c.name }))}
          onValue={setCounterId}
        />
        <DayPicker value={days} onChange={setDays} name="roster-days" />
        <TextField label={t('agent.admin.from')} type="time" value={startsAt} onValue={setStartsAt} required />
        <TextField label={t('agent.admin.until')} type="time" value={endsAt} onValue={setEndsAt} required />
        <SelectField
          label={t('agent.admin.mode')}
          value={mode}
          options={(['both', 'appointments', 'walk-in'] as const).map((m) => ({
            value: m,
            label: t(`agent.admin.rosterMode.${m}`),
          }))}
          onValue={setMode}
        />
        <TextField label={t('agent.admin.startsOn')} type="date" value={startsOn} onValue={setStartsOn} required />
        <button type="submit">{t('agent.admin.add')}</button>
      </form>
    </section>
  );
}
