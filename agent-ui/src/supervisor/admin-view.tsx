import { useTranslation } from 'react-i18next';
import type { HubSocket } from '../../../shared-web/hub.ts';
import type { LocationInfo, ServiceInfo } from '../catalog.ts';
import { useLocationQueue } from '../console/use-location-queue.ts';

/** Set-up of a location: services and counters with their skills. */
export function AdminView({
  location,
  services,
  socket,
}: {
  location: LocationInfo;
  services: ServiceInfo[];
  socket: HubSocket | null;
  token: string | null;
}) {
  const { t } = useTranslation();
  const { queue } = useLocationQueue(socket, location.id);
  const counters = [...queue.counters.values()].sort((a, b) => a.name.localeCompare(b.name, 'nl', { numeric: true }));
  return (
    <div className="admin">
      <section className="card" aria-labelledby="admin-services">
        <h2 id="admin-services">{t('agent.admin.services')}</h2>
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t('agent.admin.code')}</th>
              <th scope="col">{t('agent.admin.name')}</th>
              <th scope="col">{t('agent.admin.minutes')}</th>
              <th scope="col">{t('agent.admin.maxPersons')}</th>
            </tr>
          </thead>
          <tbody>
            {services.map((s) => (
              <tr key={s.code}>
                <td>
                  <code>{s.code}</code>
                </td>
                <th scope="row">{s.name}</th>
                <td>{s.minutesPerPerson}</td>
                <td>{s.maxPersons}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card" aria-labelledby="admin-counters">
        <h2 id="admin-counters">
          {t('agent.admin.counters')} — {location.name}
        </h2>
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t('agent.admin.name')}</th>
              <th scope="col">{t('agent.admin.skills')}</th>
            </tr>
          </thead>
          <tbody>
            {counters.map((c) => (
              <tr key={c.id}>
                <th scope="row">{c.name}</th>
                <td>{c.skills.map((code) => services.find((s) => s.code === code)?.name ?? code).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
