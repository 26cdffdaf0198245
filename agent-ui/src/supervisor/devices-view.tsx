import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Device, DevicesResponse, PairingCode, PairingCodeRequest } from '../../../server/contracts/auth.ts';
import { type ApiClient, api } from '../../../shared-web/api.ts';
import { formatDateTime, formatTime } from '../../../shared-web/datetime.ts';
import { errorMessage } from '../../../shared-web/errors.ts';
import type { LocationInfo } from '../catalog.ts';

/**
 * One-time pairing codes for kiosks and displays, and the devices paired with this location. While a new code is
 * being made the previous one leaves the screen at once (the supervisor would otherwise read it out again): the
 * screen says a new code is coming instead.
 */
export function DevicesView({
  location,
  token,
  client = api,
}: {
  location: LocationInfo;
  token: string | null;
  client?: Pick<ApiClient, 'get' | 'post' | 'del'>;
}) {
  const { t, i18n } = useTranslation();
  const [devices, setDevices] = useState<Device[]>([]);
  const [kind, setKind] = useState<'kiosk' | 'display'>('display');
  const [name, setName] = useState('');
  const [code, setCode] = useState<PairingCode | null>(null);
  const [making, setMaking] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const base = `/locations/${encodeURIComponent(location.id)}`;

  const reload = useCallback(() => {
    client
      .get<DevicesResponse>(`${base}/devices`, { token })
      .then((body) => setDevices(body.devices))
      .catch((err) => setFailure(errorMessage(t, err)));
  }, [base, token, t, client]);
  useEffect(reload, [reload]);

  return (
    <section className="card" aria-labelledby="devices-heading">
      <h2 id="devices-heading">
        {t('agent.devices.title')} — {location.name}
      </h2>
      <p>{t('agent.devices.intro')}</p>
      <form
        className="row"
        onSubmit={async (e) => {
          e.preventDefault();
          if (making) return;
          setFailure(null);
          setCode(null);
          setMaking(true);
          try {
            const body: PairingCodeRequest = { kind, name: name.trim() };
            setCode(await client.post<PairingCode>(`${base}/pairing-codes`, body, { token }));
          } catch (err) {
            setFailure(errorMessage(t, err));
          } finally {
            setMaking(false);
          }
        }}
      >
        <label>
          {t('agent.devices.kind')}
          <select value={kind} onChange={(e) => setKind(e.target.value as 'kiosk' | 'display')}>
            <option value="display">{t('agent.devices.display')}</option>
            <option value="kiosk">{t('agent.devices.kiosk')}</option>
          </select>
        </label>
        <label>
          {t('agent.devices.name')}
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={80} required />
        </label>
        <button type="submit" className="primary" disabled={making}>
          {t('agent.devices.newCode')}
        </button>
      </form>
      {making && (
        <p className="pairing-code" data-testid="pairing-code" aria-live="polite">
          {t('agent.devices.making')}
        </p>
      )}
      {code && (
        <p className="pairing-code" data-testid="pairing-code">
          {t('agent.devices.code')}: <strong>{code.code}</strong>
          {code.expiresAt && (
            <> · {t('agent.devices.validUntil', { time: formatTime(code.expiresAt, i18n.language) })}</>
          )}
        </p>
      )}
      {failure && (
        <p className="banner banner-error" role="alert">
          {failure}
        </p>
      )}
      {devices.length === 0 ? (
        <p className="muted">{t('agent.devices.none')}</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t('agent.devices.name')}</th>
              <th scope="col">{t('agent.devices.kind')}</th>
              <th scope="col">{t('agent.devices.paired')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('agent.devices.revoke')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {devices.map((d) => (
              <tr key={d.id}>
                <th scope="row">{d.name}</th>
                <td>{t(`agent.devices.${d.kind}`)}</td>
                <td>{formatDateTime(d.pairedAt, i18n.language)}</td>
                <td>
                  {d.revokedAt ? (
                    t('agent.devices.revoked')
                  ) : (
                    <button
                      type="button"
                      className="danger"
                      onClick={async () => {
                        try {
                          await client.del(`/devices/${d.id}`, { token });
                          reload();
                        } catch (err) {
                          setFailure(errorMessage(t, err));
                        }
                      }}
                    >
                      {t('agent.devices.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
