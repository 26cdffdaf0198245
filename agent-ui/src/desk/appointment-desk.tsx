import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  Appointment,
  AppointmentSearchResponse,
  AvailableDaysResponse,
  AvailableTimesResponse,
  BookedAppointment,
  BookingRequest,
  RescheduleRequest,
} from '../../../server/contracts/scheduling.ts';
import { api, servicesParam } from '../../../shared-web/api.ts';
import { addDays, formatDateTime, formatLocalDate, formatTime, localDateOf } from '../../../shared-web/datetime.ts';
import { errorMessage } from '../../../shared-web/errors.ts';
import type { LocationInfo, ServiceInfo } from '../catalog.ts';

type Item = BookingRequest['services'][number];

/**
 * Booking, finding, moving and cancelling an appointment for a resident on the phone or at the desk.
 * Uses the same public API as the resident's booking site, with the staff session, so the channel is recorded.
 */
export function AppointmentDesk({
  location,
  services,
  token,
}: {
  location: LocationInfo;
  services: ServiceInfo[];
  token: string | null;
}) {
  return (
    <div className="desk">
      <BookForm location={location} services={services} token={token} />
      <FindForm location={location} services={services} token={token} />
    </div>
  );
}

function useSlotPicker(location: LocationInfo, token: string | null) {
  const [days, setDays] = useState<string[] | null>(null);
  const [day, setDay] = useState<string | null>(null);
  const [times, setTimes] = useState<string[] | null>(null);
  const [start, setStart] = useState<string | null>(null);
  const today = localDateOf(new Date(), location.timeZone);
  return {
    days,
    day,
    times,
    start,
    setStart,
    reset() {
      setDays(null);
      setDay(null);
      setTimes(null);
      setStart(null);
    },
    async findDays(items: Item[]) {
      const body = await api.get<AvailableDaysResponse>(
        `/locations/${encodeURIComponent(location.id)}/available-days`,
        {
          token,
          query: { services: servicesParam(items), from: today, to: addDays(today, 60) },
        },
      );
      setDays(body.days.slice(0, 10));
      setDay(null);
      setTimes(null);
      setStart(null);
    },
    async pickDay(items: Item[], date: string) {
      setDay(date);
      setStart(null);
      const body = await api.get<AvailableTimesResponse>(
        `/locations/${encodeURIComponent(location.id)}/available-times`,
        {
          token,
          query: { services: servicesParam(items), date },
        },
      );
      setTimes(body.times);
    },
  };
}

function SlotPicker({
  picker,
  items,
  location,
  idPrefix,
  onError,
}: {
  picker: ReturnType<typeof useSlotPicker>;
  items: Item[];
  location: LocationInfo;
  idPrefix: string;
  onError: (e: unknown) => void;
}) {
  const { t, i18n } = useTranslation();
  if (!picker.days) return null;
  if (picker.days.length === 0) return <p className="muted">{t('agent.desk.noDays')}</p>;
  return (
    <div className="slot-picker">
      <fieldset>
        <legend>{t('agent.desk.firstDays')}</legend>
        <div className="chips">
          {picker.days.map((d) => (
            <button
              key={d}
              type="button"
              className={d === picker.day ? 'chip chip-selected' : 'chip'}
              aria-pressed={d === picker.day}
              onClick={() => picker.pickDay(items, d).catch(onError)}
            >
              {formatLocalDate(d, i18n.language, 'short')}
            </button>
          ))}
        </div>
      </fieldset>
      {picker.times && (
        <fieldset>
          <legend>{t('agent.desk.time')}</legend>
          {picker.times.length === 0 ? (
            <p className="muted">{t('agent.desk.noTimes')}</p>
          ) : (
            <div className="chips">
              {picker.times.map((time) => (
                <label key={time} className={time === picker.start ? 'chip chip-selected' : 'chip'}>
                  <input
                    type="radio"
                    name={`${idPrefix}-time`}
                    value={time}
                    checked={time === picker.start}
                    onChange={() => picker.setStart(time)}
                  />
                  {formatTime(time, i18n.language, location.timeZone)}
                </label>
              ))}
            </div>
          )}
        </fieldset>
      )}
    </div>
  );
}

function BookForm({
  location,
  services,
  token,
}: {
  location: LocationInfo;
  services: ServiceInfo[];
  token: string | null;
}) {
  const { t, i18n } = useTranslation();
  const [channel, setChannel] = useState<'phone' | 'counter'>('phone');
  const [items, setItems] = useState<Item[]>([{ code: '', persons: 1 }]);
  const [customer, setCustomer] = useState({ name: '', email: '', phone: '' });
  const [language, setLanguage] = useState<'nl' | 'en'>('nl');
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const picker = useSlotPicker(location, token);
  const chosen = items.filter((i) => i.code);
  const onError = (err: unknown) => setFailure(errorMessage(t, err));

  const updateItem = (index: number, patch: Partial<Item>) => {
    setItems((list) => list.map((item, i) => (i === index ? { ...item, ...patch } : item)));
    picker.reset();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!picker.start) return;
    setFailure(null);
    try {
      const body: BookingRequest = {
        locationId: location.id,
        services: chosen,
        start: picker.start,
        customer: {
          name: customer.name,
          email: customer.email,
          ...(customer.phone ? { phone: customer.phone } : {}),
        },
        language,
        channel,
      };
      const result = await api.post<BookedAppointment>('/appointments', body, { token });
      setDone(
        t('agent.desk.booked', {
          reference: result.reference,
          when: formatDateTime(result.start, i18n.language, location.timeZone),
        }),
      );
      picker.reset();
      setItems([{ code: '', persons: 1 }]);
      setCustomer({ name: '', email: '', phone: '' });
    } catch (err) {
      onError(err);
      // A slot taken meanwhile: show fresh times for the same day.
      if (picker.day) picker.pickDay(chosen, picker.day).catch(() => {});
    }
  };

  return (
    <form className="form card" onSubmit={submit} aria-labelledby="book-heading">
      <h2 id="book-heading">{t('agent.desk.book')}</h2>
      <fieldset>
        <legend>{t('agent.desk.channel')}</legend>
        <label className="inline">
          <input type="radio" name="channel" checked={channel === 'phone'} onChange={() => setChannel('phone')} />
          {t('agent.desk.channelPhone')}
        </label>
        <label className="inline">
          <input type="radio" name="channel" checked={channel === 'counter'} onChange={() => setChannel('counter')} />
          {t('agent.desk.channelCounter')}
        </label>
      </fieldset>
      {items.map((item, index) => {
        const info = services.find((s) => s.code === item.code);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity beyond their place
          <div className="row" key={index}>
            <label>
              {t('agent.desk.service')}
              <select value={item.code} onChange={(e) => updateItem(index, { code: e.target.value })} required>
                <option value="">—</option>
                {services.map((s) => (
                  <option key={s.code} value={s.code}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('agent.desk.persons')}
              <input
                type="number"
                min={1}
                max={info?.maxPersons ?? 10}
                value={item.persons}
                onChange={(e) => updateItem(index, { persons: Math.max(1, Number(e.target.value) || 1) })}
              />
            </label>
            {items.length > 1 && (
              <button type="button" onClick={() => setItems((l) => l.filter((_, i) => i !== index))}>
                {t('agent.desk.remove')}
              </button>
            )}
          </div>
        );
      })}
      <div className="row">
        <button type="button" onClick={() => setItems((l) => [...l, { code: '', persons: 1 }])}>
          {t('agent.desk.addService')}
        </button>
        <button
          type="button"
          className="primary"
          disabled={chosen.length === 0}
          onClick={() => {
            setFailure(null);
            setDone(null);
            picker.findDays(chosen).catch(onError);
          }}
        >
          {t('agent.desk.findTimes')}
        </button>
      </div>
      <SlotPicker picker={picker} items={chosen} location={location} idPrefix="book" onError={onError} />
      {picker.start && (
        <>
          <label htmlFor="customer-name">{t('agent.desk.name')}</label>
          <input
            id="customer-name"
            value={customer.name}
            onChange={(e) => setCustomer({ ...customer, name: e.target.value })}
            required
            autoComplete="off"
          />
          <label htmlFor="customer-email">{t('agent.desk.email')}</label>
          <input
            id="customer-email"
            type="email"
            value={customer.email}
            onChange={(e) => setCustomer({ ...customer, email: e.target.value })}
            required
            autoComplete="off"
          />
          <label htmlFor="customer-phone">{t('agent.desk.phone')}</label>
          <input
            id="customer-phone"
            type="tel"
            value={customer.phone}
            onChange={(e) => setCustomer({ ...customer, phone: e.target.value })}
            autoComplete="off"
          />
          <label htmlFor="customer-language">{t('agent.desk.language')}</label>
          <select id="customer-language" value={language} onChange={(e) => setLanguage(e.target.value as 'nl' | 'en')}>
            <option value="nl">Nederlands</option>
            <option value="en">English</option>
          </select>
          <button type="submit" className="primary">
            {t('agent.desk.confirm')}
          </button>
        </>
      )}
      <div aria-live="polite">
        {done && (
          <p className="banner banner-success" data-testid="booked">
            {done}
          </p>
        )}
        {failure && (
          <p className="banner banner-error" role="alert">
            {failure}
          </p>
        )}
      </div>
    </form>
  );
}

function FindForm({
  location,
  services,
  token,
}: {
  location: LocationInfo;
  services: ServiceInfo[];
  token: string | null;
}) {
  const { t, i18n } = useTranslation();
  const [reference, setReference] = useState('');
  const [found, setFound] = useState<Appointment | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [moving, setMoving] = useState(false);
  const picker = useSlotPicker(location, token);
  const onError = (err: unknown) => setFailure(errorMessage(t, err));
  const items = found?.services ?? [];
  const path = (ref: string) => `/appointments/${encodeURIComponent(ref.trim())}`;

  const [query, setQuery] = useState('');
  const [date, setDate] = useState('');
  const [results, setResults] = useState<AppointmentSearchResponse | null>(null);

  const open = async (ref: string) => {
    setFailure(null);
    setNotice(null);
    setMoving(false);
    picker.reset();
    try {
      setFound(await api.get<Appointment>(path(ref), { token }));
    } catch (err) {
      setFound(null);
      onError(err);
    }
  };
  const search = async (event: FormEvent) => {
    event.preventDefault();
    await open(reference);
  };
  // Name, e-mail, reference and/or day at this office (GET /locations/{id}/appointments?q=&date=).
  const searchList = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    const params = new URLSearchParams();
    if (query.trim()) params.set('q', query.trim());
    if (date) params.set('date', date);
    try {
      setResults(
        await api.get<AppointmentSearchResponse>(
          `/locations/${encodeURIComponent(location.id)}/appointments?${params.toString()}`,
          { token },
        ),
      );
    } catch (err) {
      setResults(null);
      onError(err);
    }
  };

  return (
    <section className="card" aria-labelledby="find-heading">
      <h2 id="find-heading">{t('agent.desk.find')}</h2>
      <form className="row" onSubmit={search}>
        <label>
          {t('agent.desk.reference')}
          <input value={reference} onChange={(e) => setReference(e.target.value)} required autoComplete="off" />
        </label>
        <button type="submit" className="primary">
          {t('agent.desk.search')}
        </button>
      </form>
      <form className="row" onSubmit={searchList} aria-labelledby="desk-search-heading">
        <h3 id="desk-search-heading" className="visually-hidden">
          {t('agent.desk.searchList')}
        </h3>
        <label>
          {t('agent.desk.searchQuery')}
          <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} maxLength={200} />
        </label>
        <label>
          {t('agent.desk.date')}
          <input type="date" value={date} onChange={(e) => setDate(e.target.value)} />
        </label>
        <button type="submit" disabled={!query.trim() && !date}>
          {t('agent.desk.searchList')}
        </button>
      </form>
      {results && (
        <div data-testid="desk-search-results">
          <p role="status">
            {results.appointments.length === 0
              ? t('agent.desk.noResults')
              : t('agent.desk.results', { count: results.appointments.length })}
            {results.truncated ? ` ${t('agent.desk.truncated')}` : ''}
          </p>
          {results.appointments.length > 0 && (
            <ul className="search-results">
              {results.appointments.map((a) => (
                <li key={a.reference}>
                  <button
                    type="button"
                    className="link"
                    aria-current={found?.reference === a.reference ? 'true' : undefined}
                    onClick={() => {
                      setReference(a.reference);
                      void open(a.reference);
                    }}
                  >
                    {formatDateTime(a.start, i18n.language, location.timeZone)} · {a.reference} ·{' '}
                    {a.customer?.name ?? '—'} · {t(`agent.desk.statusValue.${a.status}`)}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {found && (
        <div className="appointment" data-testid="found-appointment">
          <h3>{t('agent.desk.details', { reference: found.reference })}</h3>
          <dl className="facts">
            <dt>{t('agent.desk.when')}</dt>
            <dd>{formatDateTime(found.start, i18n.language, location.timeZone)}</dd>
            <dt>{t('agent.desk.status')}</dt>
            <dd>
              {found.status ? t(`agent.desk.statusValue.${found.status}`) : '—'}
              {found.channel ? ` · ${t(`agent.desk.channelLabel.${found.channel}`)}` : ''}
            </dd>
            <dt>{t('agent.desk.customer')}</dt>
            <dd>
              {found.customer?.name ?? '—'} {found.customer?.email ? `· ${found.customer.email}` : ''}
            </dd>
            <dt>{t('agent.ticket.services')}</dt>
            <dd>
              {items.map((s) => `${services.find((x) => x.code === s.code)?.name ?? s.code} × ${s.persons}`).join(', ')}
            </dd>
          </dl>
          {found.status === 'booked' && (
            <div className="row">
              <button
                type="button"
                onClick={() => {
                  setMoving(true);
                  picker.findDays(items).catch(onError);
                }}
              >
                {t('agent.desk.move')}
              </button>
              <button
                type="button"
                className="danger"
                onClick={async () => {
                  if (!window.confirm(t('agent.desk.cancelConfirm', { reference: found.reference }))) return;
                  try {
                    await api.del(path(found.reference), { token });
                    setNotice(t('agent.desk.cancelled', { reference: found.reference }));
                    setFound({ ...found, status: 'cancelled' });
                  } catch (err) {
                    onError(err);
                  }
                }}
              >
                {t('agent.desk.cancel')}
              </button>
            </div>
          )}
          {moving && found.status === 'booked' && (
            <>
              <SlotPicker picker={picker} items={items} location={location} idPrefix="move" onError={onError} />
              {picker.start && (
                <button
                  type="button"
                  className="primary"
                  onClick={async () => {
                    if (!picker.start) return;
                    try {
                      const body: RescheduleRequest = { start: picker.start };
                      const moved = await api.post<Appointment>(`${path(found.reference)}/reschedule`, body, {
                        token,
                      });
                      setFound({ ...found, ...moved });
                      setNotice(
                        t('agent.desk.moved', { when: formatDateTime(moved.start, i18n.language, location.timeZone) }),
                      );
                      setMoving(false);
                      picker.reset();
                    } catch (err) {
                      onError(err);
                    }
                  }}
                >
                  {t('agent.desk.moveTo')}: {formatTime(picker.start, i18n.language, location.timeZone)}
                </button>
              )}
            </>
          )}
        </div>
      )}
      <div aria-live="polite">
        {notice && <p className="banner banner-success">{notice}</p>}
        {failure && (
          <p className="banner banner-error" role="alert">
            {failure}
          </p>
        )}
      </div>
    </section>
  );
}
