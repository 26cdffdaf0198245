import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatLocalDate, localDateOf } from '../../../../shared-web/datetime.ts';
import type { Setup } from '../setup-model.ts';
import { SelectField, TextField } from './fields.tsx';
import type { Send } from './send.ts';
import { SetupTable } from './setup-table.tsx';

/** Coming closures (local and bridge days) beside the public holidays the server knows. */
export function ClosuresSection({ setup, base, send }: { setup: Setup; base: string; send: Send }) {
  const { t, i18n } = useTranslation();
  const [date, setDate] = useState('');
  const [kind, setKind] = useState<'bridge' | 'local'>('local');
  const [reason, setReason] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await send('POST', `${base}/closures`, { date, kind, reason })) setReason('');
  };
  // Past closures no longer matter to a planner; the list shows what is coming.
  const today = localDateOf(new Date(), setup.location.timeZone);
  const rows = [
    ...setup.closures
      .filter((c) => c.date >= today)
      .map((c) => ({ key: `c${c.id}`, date: c.date, reason: c.reason, id: c.id as number | null })),
    ...setup.holidays.map((h) => ({ key: `h${h.date}`, date: h.date, reason: h.name, id: null })),
  ].sort((a, b) => a.date.localeCompare(b.date));
  return (
    <section className="card" aria-labelledby="admin-closures">
      <h2 id="admin-closures">{t('agent.admin.closures')}</h2>
      <SetupTable
        headers={[t('agent.admin.date'), t('agent.admin.reason')]}
        rows={rows.slice(0, 30)}
        rowKey={(r) => r.key}
        cells={(r) => (
          <>
            <td>{formatLocalDate(r.date, i18n.language)}</td>
            <td>{r.id === null ? `${r.reason} (${t('agent.admin.holiday')})` : r.reason}</td>
          </>
        )}
        deletePath={(r) => (r.id === null ? null : `/closures/${r.id}`)}
        send={send}
      />
      <form className="row" onSubmit={submit} aria-label={t('agent.admin.addClosure')}>
        <TextField label={t('agent.admin.date')} type="date" value={date} onValue={setDate} required />
        <SelectField
          label={t('agent.admin.kind')}
          value={kind}
          options={(['local', 'bridge'] as const).map((k) => ({ value: k, label: t(`agent.admin.closureKind.${k}`) }))}
          onValue={setKind}
        />
        <TextField label={t('agent.admin.reason')} value={reason} onValue={setReason} maxLength={200} required />
        <button type="submit">{t('agent.admin.add')}</button>
      </form>
    </section>
  );
}
