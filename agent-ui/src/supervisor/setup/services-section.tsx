import { useTranslation } from 'react-i18next';
import type { ServiceInfo } from '../../catalog.ts';
import type { Setup } from '../setup-model.ts';
import type { Send } from './send.ts';

/** Which services this location offers online and to walk-ins. */
export function ServicesSection({
  setup,
  services,
  base,
  send,
}: {
  setup: Setup;
  services: ServiceInfo[];
  base: string;
  send: Send;
}) {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="admin-services">
      <h2 id="admin-services">{t('agent.admin.services')}</h2>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">{t('agent.admin.name')}</th>
            <th scope="col">{t('agent.admin.minutes')}</th>
            <th scope="col">{t('agent.admin.maxPersons')}</th>
            <th scope="col">{t('agent.admin.online')}</th>
            <th scope="col">{t('agent.admin.walkIn')}</th>
          </tr>
        </thead>
        <tbody>
          {services.map((s) => {
            const offer = setup.services.find((o) => o.code === s.code);
            const set = (patch: Partial<{ bookableOnline: boolean; walkIn: boolean }>) => {
              const next = { bookableOnline: offer?.bookableOnline ?? false, walkIn: offer?.walkIn ?? false, ...patch };
              const path = `${base}/services/${encodeURIComponent(s.code)}`;
              void (next.bookableOnline || next.walkIn ? send('PUT', path, next) : send('DELETE', path));
            };
            return (
              <tr key={s.code}>
                <th scope="row">{s.name}</th>
                <td>{s.minutesPerPerson}</td>
                <td>{s.maxPersons}</td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`${t('agent.admin.online')}: ${s.name}`}
                    checked={offer?.bookableOnline ?? false}
                    onChange={(e) => set({ bookableOnline: e.target.checked })}
                  />
                </td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`${t('agent.admin.walkIn')}: ${s.name}`}
                    checked={offer?.walkIn ?? false}
                    onChange={(e) => set({ walkIn: e.target.checked })}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
