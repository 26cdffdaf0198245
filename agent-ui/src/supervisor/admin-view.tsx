import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Setup } from '../../../server/contracts/admin.ts';
import { api } from '../../../shared-web/api.ts';
import { errorMessage } from '../../../shared-web/errors.ts';
import type { LocationInfo, ServiceInfo } from '../catalog.ts';
import { ClosuresSection } from './setup/closures-section.tsx';
import { CountersSection } from './setup/counters-section.tsx';
import { FairBookingSection } from './setup/fair-booking-section.tsx';
import { HoursSection } from './setup/hours-section.tsx';
import { RosterSection } from './setup/roster-section.tsx';
import type { Send } from './setup/send.ts';
import { ServicesSection } from './setup/services-section.tsx';
import { SettingsSection } from './setup/settings-section.tsx';

/**
 * Set-up of a location through the admin endpoints: settings, opening hours, closures, counters and
 * their skills, rosters, and which services are offered. Every change reloads the set-up; a change the
 * server refuses (e.g. booked appointments would no longer fit) shows its error and changes nothing.
 */
export function AdminView({
  location,
  services,
  token,
}: {
  location: LocationInfo;
  services: ServiceInfo[];
  token: string | null;
}) {
  const { t } = useTranslation();
  const [setup, setSetup] = useState<Setup | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const base = `/locations/${encodeURIComponent(location.id)}`;

  const reload = useCallback(() => {
    api
      .get<Setup>(`${base}/setup`, { token })
      .then(setSetup)
      .catch((err) => setMessage({ ok: false, text: `${t('agent.admin.unavailable')} ${errorMessage(t, err)}` }));
  }, [base, token, t]);
  useEffect(reload, [reload]);

  const send: Send = async (method, path, body) => {
    try {
      await api.request(path, { method, body, token });
      setMessage({ ok: true, text: t('agent.admin.saved') });
      reload();
      return true;
    } catch (err) {
      setMessage({ ok: false, text: errorMessage(t, err) });
      return false;
    }
  };
  const serviceName = (code: string) => services.find((s) => s.code === code)?.name ?? code;

  return (
    <div className="admin">
      <div aria-live="polite" className="admin-message">
        {message && (
          <p
            className={message.ok ? 'banner banner-success' : 'banner banner-error'}
            role={message.ok ? 'status' : 'alert'}
          >
            {message.text}
          </p>
        )}
      </div>
      {setup && (
        <>
          <ServicesSection setup={setup} services={services} base={base} send={send} />
          <HoursSection setup={setup} base={base} send={send} />
          <ClosuresSection setup={setup} base={base} send={send} />
          <CountersSection setup={setup} services={services} base={base} send={send} serviceName={serviceName} />
          <RosterSection setup={setup} base={base} send={send} />
          <SettingsSection setup={setup} base={base} send={send} />
          <FairBookingSection base={base} token={token} send={send} />
        </>
      )}
    </div>
  );
}
