import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Setup } from '../setup-model.ts';
import { CheckboxField, NumberField } from './fields.tsx';
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
        <NumberField
          label={t('agent.admin.grid')}
          min={1}
          max={60}
          value={s.slotGridMinutes}
          onValue={(v) => setS({ ...s, slotGridMinutes: v ?? 0 })}
        />
        <NumberField
          label={t('agent.admin.walkInShare')}
          min={0}
          max={100}
          value={Math.round(s.walkInShare * 100)}
          onValue={(v) => setS({ ...s, walkInShare: (v ?? 0) / 100 })}
        />
        <NumberField
          label={t('agent.admin.minNotice')}
          min={0}
          value={s.minNoticeMinutes}
          onValue={(v) => setS({ ...s, minNoticeMinutes: v ?? 0 })}
        />
        <NumberField
          label={t('agent.admin.maxDaysAhead')}
          min={1}
          max={366}
          value={s.maxDaysAhead}
          onValue={(v) => setS({ ...s, maxDaysAhead: v ?? 0 })}
        />
        <CheckboxField
          label={t('agent.admin.goodFriday')}
          checked={s.closedOnGoodFriday}
          onValue={(v) => setS({ ...s, closedOnGoodFriday: v })}
        />
        <CheckboxField
          label={t('agent.admin.liberationDay')}
          checked={s.closedOnLiberationDay}
          onValue={(v) => setS({ ...s, closedOnLiberationDay: v })}
        />
        <CheckboxField
          label={t('agent.admin.callAndStart')}
          checked={s.callAndStart}
          aria-describedby="admin-call-and-start-hint"
          onValue={(v) => setS({ ...s, callAndStart: v })}
        />
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
