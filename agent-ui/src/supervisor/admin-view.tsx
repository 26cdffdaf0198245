import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../shared-web/api.ts';
import { formatLocalDate, localDateOf } from '../../../shared-web/datetime.ts';
import { errorMessage } from '../../../shared-web/errors.ts';
import type { LocationInfo, ServiceInfo } from '../catalog.ts';
import { type Setup, type Weekday, weekdays, weekdaysOf, weeklyRule } from './setup-model.ts';

type Send = (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown) => Promise<boolean>;

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
        </>
      )}
    </div>
  );
}

function DayPicker({ value, onChange, name }: { value: Weekday[]; onChange: (v: Weekday[]) => void; name: string }) {
  const { t } = useTranslation();
  return (
    <fieldset className="days">
      <legend>{t('agent.admin.days')}</legend>
      {weekdays.map((d) => (
        <label key={d} className="inline">
          <input
            type="checkbox"
            name={name}
            checked={value.includes(d)}
            onChange={(e) => onChange(e.target.checked ? [...value, d] : value.filter((x) => x !== d))}
          />
          {t(`agent.admin.weekday.${d}`)}
        </label>
      ))}
    </fieldset>
  );
}

function ruleText(t: (k: string) => string, rrule: string | null): string {
  const days = weekdaysOf(rrule);
  if (days) return days.map((d) => t(`agent.admin.weekday.${d}`)).join(', ');
  return rrule ?? t('agent.admin.once');
}

function ServicesSection({
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

function HoursSection({ setup, base, send }: { setup: Setup; base: string; send: Send }) {
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
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">{t('agent.admin.kind')}</th>
            <th scope="col">{t('agent.admin.days')}</th>
            <th scope="col">{t('agent.admin.time')}</th>
            <th scope="col">{t('agent.admin.period')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('agent.admin.delete')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {setup.scheduleRules.map((r) => (
            <tr key={r.id}>
              <td>{t(`agent.admin.hoursKind.${r.kind}`)}</td>
              <td>{ruleText(t, r.rrule)}</td>
              <td>
                {r.opensAt}–{r.closesAt}
              </td>
              <td>
                {r.startsOn}
                {r.endsOn ? ` – ${r.endsOn}` : ''}
              </td>
              <td>
                <button
                  type="button"
                  className="danger"
                  onClick={() => void send('DELETE', `${base}/schedule-rules/${r.id}`)}
                >
                  {t('agent.admin.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="row" onSubmit={submit} aria-label={t('agent.admin.addHours')}>
        <label>
          {t('agent.admin.kind')}
          <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
            <option value="opening">{t('agent.admin.hoursKind.opening')}</option>
            <option value="appointments">{t('agent.admin.hoursKind.appointments')}</option>
            <option value="walk-in">{t('agent.admin.hoursKind.walk-in')}</option>
          </select>
        </label>
        <DayPicker value={days} onChange={setDays} name="hours-days" />
        <label>
          {t('agent.admin.from')}
          <input type="time" value={opensAt} onChange={(e) => setOpensAt(e.target.value)} required />
        </label>
        <label>
          {t('agent.admin.until')}
          <input type="time" value={closesAt} onChange={(e) => setClosesAt(e.target.value)} required />
        </label>
        <label>
          {t('agent.admin.startsOn')}
          <input type="date" value={startsOn} onChange={(e) => setStartsOn(e.target.value)} required />
        </label>
        <button type="submit">{t('agent.admin.add')}</button>
      </form>
    </section>
  );
}

function ClosuresSection({ setup, base, send }: { setup: Setup; base: string; send: Send }) {
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
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">{t('agent.admin.date')}</th>
            <th scope="col">{t('agent.admin.reason')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('agent.admin.delete')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, 30).map((r) => (
            <tr key={r.key}>
              <td>{formatLocalDate(r.date, i18n.language)}</td>
              <td>{r.id === null ? `${r.reason} (${t('agent.admin.holiday')})` : r.reason}</td>
              <td>
                {r.id !== null && (
                  <button type="button" className="danger" onClick={() => void send('DELETE', `/closures/${r.id}`)}>
                    {t('agent.admin.delete')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="row" onSubmit={submit} aria-label={t('agent.admin.addClosure')}>
        <label>
          {t('agent.admin.date')}
          <input type="date" value={date} onChange={(e) => setDate(e.target.value)} required />
        </label>
        <label>
          {t('agent.admin.kind')}
          <select value={kind} onChange={(e) => setKind(e.target.value as 'bridge' | 'local')}>
            <option value="local">{t('agent.admin.closureKind.local')}</option>
            <option value="bridge">{t('agent.admin.closureKind.bridge')}</option>
          </select>
        </label>
        <label>
          {t('agent.admin.reason')}
          <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} required />
        </label>
        <button type="submit">{t('agent.admin.add')}</button>
      </form>
    </section>
  );
}

function CountersSection({
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

function RosterSection({ setup, base, send }: { setup: Setup; base: string; send: Send }) {
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
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">{t('agent.admin.counter')}</th>
            <th scope="col">{t('agent.admin.days')}</th>
            <th scope="col">{t('agent.admin.time')}</th>
            <th scope="col">{t('agent.admin.mode')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('agent.admin.delete')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => (
            <tr key={r.id}>
              <th scope="row">{counterName(r.counterId)}</th>
              <td>{r.rrule ? ruleText(t, r.rrule) : r.startsOn}</td>
              <td>
                {r.startsAt}–{r.endsAt}
              </td>
              <td>{t(`agent.admin.rosterMode.${r.mode}`)}</td>
              <td>
                <button
                  type="button"
                  className="danger"
                  onClick={() => void send('DELETE', `${base}/roster-rules/${r.id}`)}
                >
                  {t('agent.admin.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
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
        <label>
          {t('agent.admin.counter')}
          <select value={counterId} onChange={(e) => setCounterId(Number(e.target.value))}>
            {setup.counters.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <DayPicker value={days} onChange={setDays} name="roster-days" />
        <label>
          {t('agent.admin.from')}
          <input type="time" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} required />
        </label>
        <label>
          {t('agent.admin.until')}
          <input type="time" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} required />
        </label>
        <label>
          {t('agent.admin.mode')}
          <select value={mode} onChange={(e) => setMode(e.target.value as typeof mode)}>
            <option value="both">{t('agent.admin.rosterMode.both')}</option>
            <option value="appointments">{t('agent.admin.rosterMode.appointments')}</option>
            <option value="walk-in">{t('agent.admin.rosterMode.walk-in')}</option>
          </select>
        </label>
        <label>
          {t('agent.admin.startsOn')}
          <input type="date" value={startsOn} onChange={(e) => setStartsOn(e.target.value)} required />
        </label>
        <button type="submit">{t('agent.admin.add')}</button>
      </form>
    </section>
  );
}

function SettingsSection({ setup, base, send }: { setup: Setup; base: string; send: Send }) {
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
        <button type="submit" className="primary">
          {t('agent.admin.save')}
        </button>
      </form>
    </section>
  );
}
