import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Setup } from '../setup-model.ts';
import type { Send } from './send.ts';

/**
 * The location's settings: slot grid, walk-in share, notice, horizon, optional holidays, and whether one key
 * at the counter calls and starts serving the next visitor.
 */
export function SettingsSection({ setup, base, send }: { setup: Setup; base: string; send: Send }) {
  const { t } = useTranslation();
  const [s, setS] = useState(setup.location);
  useEffect(() => setS(setup.location), [setup.location]);
  return (
    <section className="card" aria-labelledby="admin-settings">
      <h2 id="admin-settings">{t('agent.admin.settings')}</h2>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void send('PATCH', `${base}/settings`, {
            slotGridMinutes: s.slotGridMinutes,
            walkInShare: s.walkInShare,
            minNoticeMinutes: s.minNoticeMinutes,
            maxDaysAhead: s.maxDaysAhead,
            closedOnGoodFriday: s.closedOnGoodFriday,
            closedOnLiberationDay: s.closedOnLiberationDay,
            callAndStart: s.callAndStart,
          });
        }}
      >
        <label>
          {t('agent.admin.grid')}
          <input
            type="number"
            min={1}
            max={60}
            value={s.slotGridMinutes}
            onChange={(e) => setS({ ...s, slotGridMinutes: Number(e.target.value) })}
          />
        </label>
        <label>
          {t('agent.admin.walkInShare')}
          <input
            type="number"
            min={0}
            max={100}
            value={Math.round(s.walkInShare * 100)}
            onChange={(e) => setS({ ...s, walkInShare: Number(e.target.value) / 100 })}
          />
        </label>
        <label>
          {t('agent.admin.minNotice')}
          <input
            type="number"
            min={0}
            value={s.minNoticeMinutes}
            onChange={(e) => setS({ ...s, minNoticeMinutes: Number(e.target.value) })}
          />
        </label>
        <label>
          {t('agent.admin.maxDaysAhead')}
          <input
            type="number"
            min={1}
            max={366}
            value={s.maxDaysAhead}
            onChange={(e) => setS({ ...s, maxDaysAhead: Number(e.target.value) })}
          />
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={s.closedOnGoodFriday}
            onChange={(e) => setS({ ...s, closedOnGoodFriday: e.target.checked })}
          />
          {t('agent.admin.goodFriday')}
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={s.closedOnLiberationDay}
            onChange={(e) => setS({ ...s, closedOnLiberationDay: e.target.checked })}
          />
          {t('agent.admin.liberationDay')}
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={s.callAndStart}
            aria-describedby="admin-call-and-start-hint"
            onChange={(e) => setS({ ...s, callAndStart: e.target.checked })}
          />
          {t('agent.admin.callAndStart')}
        </label>
        <p id="admin-call-and-start-hint" className="muted">
          {t('agent.admin.callAndStartHint')}
        </p>
        <button type="submit" className="primary">
          {t('agent.admin.save')}
        </button>
      </form>
    </section>
  );
}
