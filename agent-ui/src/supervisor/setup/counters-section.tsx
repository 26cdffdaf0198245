import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServiceInfo } from '../../catalog.ts';
import type { Setup } from '../setup-model.ts';
import type { Send } from './send.ts';

/** Counters, the services each can serve, and whether it is in use. */
export function CountersSection({
  setup,
  services,
  base,
  send,
  serviceName,
}: {
  setup: Setup;
  services: ServiceInfo[];
  base: string;
  send: Send;
  serviceName: (code: string) => string;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  return (
    <section className="card" aria-labelledby="admin-counters">
      <h2 id="admin-counters">{t('agent.admin.counters')}</h2>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">{t('agent.admin.name')}</th>
            {services.map((s) => (
              <th scope="col" key={s.code}>
                {s.name}
              </th>
            ))}
            <th scope="col">{t('agent.admin.active')}</th>
          </tr>
        </thead>
        <tbody>
          {setup.counters.map((c) => (
            <tr key={c.id}>
              <th scope="row">{c.name}</th>
              {services.map((s) => (
                <td key={s.code}>
                  <input
                    type="checkbox"
                    aria-label={`${c.name}: ${serviceName(s.code)}`}
                    checked={c.skills.includes(s.code)}
                    onChange={(e) =>
                      void send('PATCH', `${base}/counters/${c.id}`, {
                        skills: e.target.checked ? [...c.skills, s.code] : c.skills.filter((x) => x !== s.code),
                      })
                    }
                  />
                </td>
              ))}
              <td>
                <input
                  type="checkbox"
                  aria-label={`${c.name}: ${t('agent.admin.active')}`}
                  checked={c.active}
                  onChange={(e) => void send('PATCH', `${base}/counters/${c.id}`, { active: e.target.checked })}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="row"
        aria-label={t('agent.admin.addCounter')}
        onSubmit={async (e) => {
          e.preventDefault();
          if (await send('POST', `${base}/counters`, { name: name.trim(), skills: [] })) setName('');
        }}
      >
        <label>
          {t('agent.admin.name')}
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={60} required />
        </label>
        <button type="submit">{t('agent.admin.addCounter')}</button>
      </form>
    </section>
  );
}
