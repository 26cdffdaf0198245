import { Button } from '@utrecht/button-react';
import { FormField } from '@utrecht/form-field-react';
import { FormLabel } from '@utrecht/form-label-react';
import { Textbox } from '@utrecht/textbox-react';
import { lazy, Suspense, useEffect, useReducer, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared-web/api.ts';
import { ErrorAlert } from '../../shared-web/components/error-alert.tsx';
import { formatDateTime, formatLocalDate } from '../../shared-web/datetime.ts';
import { bandForMinutes, waitBandText } from '../../shared-web/wait-band.ts';
import { type Booked, bookingApi, type Location, type Service } from './api.ts';
import {
  blockerOf,
  bookingReducer,
  type Customer,
  chosenItems,
  earliestPickupDate,
  initialState,
  pickupFor,
  type Step,
  stepsOf,
  validateCustomer,
} from './booking-flow.ts';
import { ChoiceGroup } from './steps/choice-group.tsx';
import { DayPicker, TimePicker } from './steps/day-time.tsx';
import { useAsync } from './use-async.ts';

// The confirmation (with the QR code library) loads while the resident fills in the form.
const loadDoneView = () => import('./done-view.tsx');
const DoneView = lazy(() => loadDoneView().then((m) => ({ default: m.DoneView })));

type Lang = 'nl' | 'en';
const langOf = (language: string): Lang => (language.startsWith('en') ? 'en' : 'nl');

export function BookingPage() {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const [state, dispatch] = useReducer(bookingReducer, initialState);
  const [blocker, setBlocker] = useState<string | null>(null);
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);
  const [booked, setBooked] = useState<Booked | null>(null);
  const [timesKey, setTimesKey] = useState(0);
  const [slotTaken, setSlotTaken] = useState(false);
  const [pickupTaken, setPickupTaken] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);

  const catalogue = useAsync(async () => {
    const [services, locations] = await Promise.all([bookingApi.services(), bookingApi.locations()]);
    return { services: services.filter((s) => s.bookableOnline), locations };
  }, []);

  // Move focus to the new step's heading so keyboard and screen-reader users start at the top.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on step changes only.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    heading.current?.focus();
  }, [state.step]);

  // Whether this office takes the pickup these services lead to by appointment; decides the pickup step.
  const pickup =
    catalogue.status === 'ok'
      ? pickupFor(
          catalogue.data.services,
          chosenItems(state),
          catalogue.data.locations.find((l) => l.id === state.locationId)?.bookableCodes ?? [],
        )
      : null;
  const pickupOffered = pickup !== null;
  useEffect(() => {
    dispatch({ type: 'pickup-offered', offered: pickupOffered });
  }, [pickupOffered]);

  if (catalogue.status === 'loading') return <p role="status">{t('common.loading')}</p>;
  if (catalogue.status === 'error')
    return (
      <ErrorAlert error={catalogue.error}>
        <Button appearance="secondary-action-button" onClick={catalogue.reload}>
          {t('common.retry')}
        </Button>
      </ErrorAlert>
    );

  const { services, locations } = catalogue.data;
  const order = services.map((s) => s.code);
  const items = chosenItems(state, order);
  const codes = items.map((i) => i.code);
  const offering = locations.filter((l) => {
    const offered = l.bookableCodes.length ? l.bookableCodes : l.serviceCodes;
    return offered.length === 0 || codes.every((c) => offered.includes(c));
  });
  const location = locations.find((l) => l.id === state.locationId) ?? null;
  const zone = location?.timeZone ?? 'Europe/Amsterdam';

  if (state.step === 'done' && booked) {
    return (
      <Suspense fallback={<p role="status">{t('common.loading')}</p>}>
        <DoneView
          booked={booked}
          services={services}
          location={location}
          onAnother={() => {
            setBooked(null);
            dispatch({ type: 'restart' });
          }}
        />
      </Suspense>
    );
  }

  const steps = stepsOf(state);
  const stepIndex = steps.indexOf(state.step);
  const pickupFrom = pickup && state.date ? earliestPickupDate(state.date, pickup.minWorkingDays) : null;
  const pickupItems = pickup ? [{ code: pickup.serviceCode, persons: pickup.persons }] : [];
  const customerErrors = validateCustomer(state.customer);
  const showFieldErrors = blocker === 'fix-details';

  const next = () => {
    const why = blockerOf(state);
    setBlocker(why);
    if (why) {
      requestAnimationFrame(() => {
        const target =
          document.querySelector<HTMLElement>('.step [aria-invalid="true"]') ??
          document.querySelector<HTMLElement>('.step input, .step select');
        target?.focus();
      });
      return;
    }
    setSlotTaken(false);
    setPickupTaken(false);
    dispatch({ type: 'next' });
  };

  const submit = async () => {
    if (submitting || !location || !state.start) return;
    setSubmitting(true);
    setSubmitError(null);
    try {
      const result = await bookingApi.book({
        locationId: location.id,
        services: items,
        start: state.start,
        customer: {
          name: state.customer.name.trim(),
          email: state.customer.email.trim(),
          ...(state.customer.phone.trim() ? { phone: state.customer.phone.trim() } : {}),
        },
        language: lang,
        ...(state.pickupOffered && state.pickupStart ? { followUp: { start: state.pickupStart } } : {}),
      });
      setBooked(result);
      dispatch({ type: 'booked' });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'slot-unavailable' && state.date) {
        // Offer the nearest times that are still free on the same day.
        const available = await bookingApi.availableTimes(location.id, items, state.date).catch((): string[] => []);
        if (state.pickupStart && available.includes(state.start)) {
          // The application's time is still free, so it was the pickup's time that went.
          setPickupTaken(true);
          setTimesKey((k) => k + 1);
          dispatch({ type: 'pickup-taken' });
          return;
        }
        setSlotTaken(true);
        setTimesKey((k) => k + 1);
        dispatch({ type: 'slot-taken', available });
      } else {
        setSubmitError(err);
      }
    } finally {
      setSubmitting(false);
    }
  };

  if (state.step === 'details' || state.step === 'confirm') void loadDoneView();
  const stepTitle = t(`booking.steps.${state.step}`);
  return (
    <div className="booking">
      <h1 className="utrecht-heading-1">{t('booking.title')}</h1>
      {state.step === 'services' ? (
        <p className="utrecht-paragraph utrecht-paragraph--lead">{t('booking.intro')}</p>
      ) : null}
      <ol className="progress" aria-label={t('booking.stepOf', { current: stepIndex + 1, total: steps.length })}>
        {steps.map((s, i) => (
          <li
            key={s}
            className={`progress__step${i === stepIndex ? ' progress__step--current' : ''}${i < stepIndex ? ' progress__step--done' : ''}`}
            aria-current={i === stepIndex ? 'step' : undefined}
          >
            <span className="progress__number" aria-hidden="true">
              {i + 1}
            </span>
            <span className="progress__label">{t(`booking.steps.${s}`)}</span>
          </li>
        ))}
      </ol>
      <form
        className="step"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (state.step === 'confirm') void submit();
          else next();
        }}
      >
        <p className="step__count">{t('booking.stepOf', { current: stepIndex + 1, total: steps.length })}</p>
        <h2 className="utrecht-heading-2" ref={heading} tabIndex={-1}>
          {stepTitle}
        </h2>
        {blocker && state.step !== 'details' ? (
          <div className="utrecht-alert utrecht-alert--error" role="alert" id="step-error">
            <p className="utrecht-paragraph">{t(`booking.blockers.${blocker}`)}</p>
          </div>
        ) : null}

        {state.step === 'services' ? (
          <ServicesStep
            services={services}
            persons={state.persons}
            lang={lang}
            invalid={blocker === 'choose-service'}
            onChange={(code, persons) => {
              setBlocker(null);
              dispatch({ type: 'set-persons', code, persons });
            }}
          />
        ) : null}

        {state.step === 'location' ? (
          offering.length === 0 ? (
            <p className="utrecht-paragraph">{t('booking.location.noneOffers')}</p>
          ) : (
            <ChoiceGroup
              name="location"
              legend={t('booking.location.legend')}
              invalid={blocker === 'choose-location'}
              describedBy={blocker ? 'step-error' : undefined}
              value={state.locationId}
              onChange={(id) => {
                setBlocker(null);
                dispatch({ type: 'choose-location', locationId: id });
              }}
              options={offering.map((l) => ({
                value: l.id,
                label: l.name,
                description: <LocationInfo location={l} />,
              }))}
            />
          )
        ) : null}

        {state.step === 'day' && location ? (
          <DayPicker
            locationId={location.id}
            items={items}
            zone={zone}
            value={state.date}
            invalid={blocker === 'choose-day'}
            onChange={(date) => {
              setBlocker(null);
              dispatch({ type: 'choose-day', date });
            }}
          />
        ) : null}

        {state.step === 'time' && location && state.date ? (
          <>
            {slotTaken && state.alternatives.length === 0 ? (
              <div className="utrecht-alert utrecht-alert--warning" role="alert" data-error-code="slot-unavailable">
                <p className="utrecht-paragraph">{t('booking.time.noAlternatives')}</p>
              </div>
            ) : null}
            <TimePicker
              locationId={location.id}
              items={items}
              zone={zone}
              date={state.date}
              value={state.start}
              alternatives={state.alternatives}
              refreshKey={timesKey}
              invalid={blocker === 'choose-time'}
              onChange={(start) => {
                setBlocker(null);
                dispatch({ type: 'choose-time', start });
              }}
            />
          </>
        ) : null}

        {state.step === 'pickup' && location && pickup && pickupFrom ? (
          <>
            <p className="utrecht-paragraph">
              {t('booking.pickup.intro', { date: formatLocalDate(pickupFrom, i18n.language) })}
            </p>
            {pickupTaken ? (
              <div className="utrecht-alert utrecht-alert--warning" role="alert" data-error-code="slot-unavailable">
                <p className="utrecht-paragraph">{t('booking.pickup.taken')}</p>
              </div>
            ) : null}
            <DayPicker
              name="pickup-day"
              legend={t('booking.pickup.dayLegend')}
              locationId={location.id}
              items={pickupItems}
              zone={zone}
              from={pickupFrom}
              value={state.pickupDate}
              onChange={(date) => {
                setBlocker(null);
                dispatch({ type: 'choose-pickup-day', date });
              }}
            />
            {state.pickupDate ? (
              <TimePicker
                name="pickup-time"
                legend={t('booking.pickup.timeLegend', { date: formatLocalDate(state.pickupDate, i18n.language) })}
                locationId={location.id}
                items={pickupItems}
                zone={zone}
                date={state.pickupDate}
                value={state.pickupStart}
                refreshKey={timesKey}
                invalid={blocker === 'choose-pickup-time'}
                describedBy={blocker ? 'step-error' : undefined}
                onChange={(start) => {
                  setBlocker(null);
                  dispatch({ type: 'choose-pickup-time', start });
                }}
              />
            ) : null}
            <p className="utrecht-paragraph">
              <Button
                type="button"
                appearance="subtle-button"
                onClick={() => {
                  setBlocker(null);
                  setPickupTaken(false);
                  dispatch({ type: 'skip-pickup' });
                }}
              >
                {t('booking.pickup.skip')}
              </Button>
            </p>
          </>
        ) : null}

        {state.step === 'details' ? (
          <DetailsStep
            customer={state.customer}
            errors={showFieldErrors ? customerErrors : {}}
            onChange={(customer) => dispatch({ type: 'set-customer', customer })}
          />
        ) : null}

        {state.step === 'confirm' && location && state.start ? (
          <>
            <dl className="summary">
              <SummaryRow
                label={t('booking.confirm.what')}
                onChange={() => dispatch({ type: 'goto', step: 'services' })}
                value={items
                  .map((i) => {
                    const s = services.find((x) => x.code === i.code);
                    return `${s?.name[lang] ?? i.code} (${t('common.persons', { count: i.persons })})`;
                  })
                  .join(', ')}
              />
              <SummaryRow
                label={t('booking.confirm.where')}
                onChange={() => dispatch({ type: 'goto', step: 'location' })}
                value={`${location.name}${location.address ? `, ${location.address}` : ''}`}
              />
              <SummaryRow
                label={t('booking.confirm.when')}
                onChange={() => dispatch({ type: 'goto', step: 'day' })}
                value={formatDateTime(state.start, i18n.language, zone)}
              />
              {state.pickupOffered ? (
                <SummaryRow
                  label={t('booking.confirm.pickup')}
                  onChange={() => dispatch({ type: 'goto', step: 'pickup' })}
                  value={
                    state.pickupStart
                      ? formatDateTime(state.pickupStart, i18n.language, zone)
                      : t('booking.confirm.pickupNone')
                  }
                />
              ) : null}
              <SummaryRow
                label={t('booking.confirm.who')}
                onChange={() => dispatch({ type: 'goto', step: 'details' })}
                value={state.customer.name}
              />
              <SummaryRow
                label={t('booking.confirm.email')}
                onChange={() => dispatch({ type: 'goto', step: 'details' })}
                value={state.customer.email}
              />
            </dl>
            <ErrorAlert error={submitError} />
          </>
        ) : null}

        <div className="step__actions">
          {stepIndex > 0 ? (
            <Button
              type="button"
              appearance="secondary-action-button"
              onClick={() => {
                setBlocker(null);
                setSubmitError(null);
                dispatch({ type: 'back' });
              }}
            >
              {t('common.back')}
            </Button>
          ) : null}
          {state.step === 'confirm' ? (
            <Button type="submit" appearance="primary-action-button" busy={submitting} disabled={submitting}>
              {submitting ? t('booking.confirm.submitting') : t('booking.confirm.submit')}
            </Button>
          ) : (
            <Button type="submit" appearance="primary-action-button">
              {t('common.next')}
            </Button>
          )}
        </div>
      </form>
    </div>
  );
}

function SummaryRow({ label, value, onChange }: { label: string; value: string; onChange: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="summary__row">
      <dt>{label}</dt>
      <dd>{value}</dd>
      <dd>
        <button type="button" className="utrecht-link utrecht-button--subtle link-button" onClick={onChange}>
          {t('booking.confirm.change')}
          <span className="loket-visually-hidden">: {label}</span>
        </button>
      </dd>
    </div>
  );
}

function LocationInfo({ location }: { location: Location }) {
  const { t } = useTranslation();
  return (
    <>
      {location.address ? <span className="choice__line">{location.address}</span> : null}
      <span className="choice__line busy">
        {location.waiting === null
          ? t('booking.location.busyUnknown')
          : location.waitMinutes === null
            ? t('booking.location.busyNoCounter', { count: location.waiting })
            : t('booking.location.busyNow', {
                count: location.waiting,
                band: waitBandText(t, bandForMinutes(location.waitMinutes)),
              })}
      </span>
    </>
  );
}

function ServicesStep({
  services,
  persons,
  lang,
  invalid,
  onChange,
}: {
  services: Service[];
  persons: Record<string, number>;
  lang: Lang;
  invalid: boolean;
  onChange: (code: string, persons: number) => void;
}) {
  const { t } = useTranslation();
  return (
    <fieldset
      className="utrecht-form-fieldset services"
      aria-invalid={invalid || undefined}
      aria-describedby={invalid ? 'step-error' : undefined}
    >
      <legend className="utrecht-form-fieldset__legend">{t('booking.services.legend')}</legend>
      {services.map((s) => {
        const n = persons[s.code] ?? 0;
        const id = `persons-${s.code}`;
        return (
          <div key={s.code} className={`service${n > 0 ? ' service--chosen' : ''}`}>
            <div className="service__head">
              <FormLabel htmlFor={id} className="service__name">
                {s.name[lang]}
                <span className="loket-visually-hidden">
                  : {t('booking.services.persons', { service: s.name[lang] })}
                </span>
              </FormLabel>
              <select
                id={id}
                className="utrecht-select utrecht-select--html-select service__persons"
                value={n}
                onChange={(e) => onChange(s.code, Number(e.target.value))}
              >
                <option value={0}>{t('booking.services.none')}</option>
                {Array.from({ length: s.maxPersons }, (_, i) => i + 1).map((p) => (
                  <option key={p} value={p}>
                    {t('common.persons', { count: p })}
                  </option>
                ))}
              </select>
            </div>
            <p className="service__meta">{t('booking.services.duration', { minutes: s.minutesPerPerson })}</p>
            {n > 0 && s.necessities[lang].length > 0 ? (
              <div className="service__bring">
                <p className="service__bring-title">{t('booking.services.bring')}:</p>
                <ul className="utrecht-unordered-list">
                  {s.necessities[lang].map((x) => (
                    <li key={x} className="utrecht-unordered-list__item">
                      {x}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </div>
        );
      })}
    </fieldset>
  );
}

function DetailsStep({
  customer,
  errors,
  onChange,
}: {
  customer: Customer;
  errors: ReturnType<typeof validateCustomer>;
  onChange: (c: Partial<Customer>) => void;
}) {
  const { t } = useTranslation();
  const field = (key: keyof Customer, type: string, autoComplete: string, required: boolean, hint?: string) => {
    const id = `customer-${key}`;
    const error = errors[key];
    const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
    return (
      <FormField invalid={!!error} type="text">
        <div className="utrecht-form-field__label">
          <FormLabel htmlFor={id}>{t(`booking.details.${key}`)}</FormLabel>
        </div>
        {hint ? (
          <div className="utrecht-form-field-description" id={`${id}-hint`}>
            {hint}
          </div>
        ) : null}
        {error ? (
          <div className="utrecht-form-field-error-message" id={`${id}-error`}>
            {t(`booking.details.errors.${key}.${error}`)}
          </div>
        ) : null}
        <div className="utrecht-form-field__input">
          <Textbox
            id={id}
            type={type}
            autoComplete={autoComplete}
            required={required}
            invalid={!!error}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy || undefined}
            value={customer[key]}
            onChange={(e) => onChange({ [key]: e.target.value })}
          />
        </div>
      </FormField>
    );
  };
  return (
    <div className="details">
      {field('name', 'text', 'name', true)}
      {field('email', 'email', 'email', true, t('booking.details.emailHint'))}
      {field('phone', 'tel', 'tel', false)}
      <p className="utrecht-paragraph details__privacy">{t('booking.details.privacy')}</p>
    </div>
  );
}

export type { Step };
