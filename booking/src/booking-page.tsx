import { Button } from '@utrecht/button-react';
import { lazy, Suspense, useEffect, useReducer, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared-web/api.ts';
import { ErrorAlert } from '../../shared-web/components/error-alert.tsx';
import { addressLine, type Booked, bookableCodes, bookingApi } from './api.ts';
import {
  blockerOf,
  bookingReducer,
  chosenItems,
  initialState,
  pickupFor,
  type Step,
  stepsOf,
  validateCustomer,
} from './booking-flow.ts';
import { ReleaseNote } from './steps/booking-rules.tsx';
import { ChallengeWidget } from './steps/challenge-widget.tsx';
import { ChoiceGroup } from './steps/choice-group.tsx';
import { ConfirmStep } from './steps/confirm-step.tsx';
import { DayPicker, TimePicker } from './steps/day-time.tsx';
import { DetailsStep } from './steps/details-step.tsx';
import { ErrorSummary } from './steps/error-summary.tsx';
import { FeeSummary } from './steps/fee-summary.tsx';
import { LocationInfo } from './steps/location-info.tsx';
import { PickupStep } from './steps/pickup-step.tsx';
import { ProgressSteps } from './steps/progress-steps.tsx';
import { ServicesStep } from './steps/services-step.tsx';
import { WeekHours } from './steps/week-hours.tsx';
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
  // Fair booking (rule 8): the office's rules, the solved proof-of-work, and one Idempotency-Key per
  // booking attempt so a retry after a lost answer cannot book twice.
  const [altcha, setAltcha] = useState<string | null>(null);
  const [challengeKey, setChallengeKey] = useState(0);
  const [challengeAsked, setChallengeAsked] = useState(false);
  const idempotencyKey = useRef<string | null>(null);
  const rules = useAsync(
    async () => (state.locationId ? bookingApi.rules(state.locationId).catch(() => null) : null),
    [state.locationId],
  );
  const bookingRules = rules.status === 'ok' ? rules.data : null;
  const showChallenge =
    challengeAsked || bookingRules?.challenge.mode === 'always' || (bookingRules?.challenge.requiredNow ?? false);

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
          bookableCodes(catalogue.data.locations.find((l) => l.id === state.locationId)),
        )
      : null;
  const pickupOffered = pickup !== null;
  useEffect(() => {
    dispatch({ type: 'pickup-offered', offered: pickupOffered });
  }, [pickupOffered]);

  // The pickup's earliest day is the server's to say: it skips holidays and the office's closures too.
  const chosenKey = chosenItems(state)
    .map((i) => `${i.code}:${i.persons}`)
    .join(',');
  const pickupAnswer = useAsync(
    async () =>
      pickupOffered && state.locationId && state.date
        ? bookingApi.pickup(state.locationId, chosenItems(state), state.date)
        : null,
    [pickupOffered, state.locationId, state.date, chosenKey],
  );
  const serverPickup = pickupAnswer.status === 'ok' ? pickupAnswer.data : null;

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
    const online = bookableCodes(l);
    const offered = online.length ? online : l.serviceCodes;
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
  const pickupFrom = serverPickup?.earliestDate ?? null;
  const pickupItems = serverPickup ? [{ code: serverPickup.serviceCode, persons: serverPickup.persons }] : [];
  const customerErrors = validateCustomer(state.customer);
  const showFieldErrors = blocker === 'fix-details';

  const next = () => {
    const why = blockerOf(state);
    setBlocker(why);
    if (why) {
      // The error summary at the top of the step takes the focus (NL Design System form pattern): it is
      // read first and is in view on a small phone, with links to the fields that need attention.
      requestAnimationFrame(() => document.getElementById('step-error')?.focus());
      return;
    }
    setSlotTaken(false);
    setPickupTaken(false);
    dispatch({ type: 'next' });
  };

  const submit = async () => {
    if (submitting || !location || !state.start) return;
    if (showChallenge && !altcha) {
      setBlocker('challenge');
      return;
    }
    setBlocker(null);
    setSubmitting(true);
    setSubmitError(null);
    idempotencyKey.current ??= crypto.randomUUID();
    try {
      const result = await bookingApi.book(
        {
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
        },
        { idempotencyKey: idempotencyKey.current, altcha: showChallenge ? altcha : null },
      );
      idempotencyKey.current = null;
      setBooked(result);
      dispatch({ type: 'booked' });
    } catch (err) {
      // Only a lost answer is retried as the same request; anything the server answered starts afresh.
      if (!(err instanceof ApiError && err.code === 'network')) idempotencyKey.current = null;
      if (err instanceof ApiError && (err.code === 'challenge-required' || err.code === 'challenge-invalid')) {
        // The office came under pressure, or the solution expired: solve a fresh challenge.
        setChallengeAsked(true);
        setAltcha(null);
        setChallengeKey((k) => k + 1);
      }
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
      <ProgressSteps steps={steps} current={stepIndex} />
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
        {blocker ? (
          <ErrorSummary
            id="step-error"
            title={t('booking.errorSummary')}
            message={t(`booking.blockers.${blocker}`)}
            fields={
              blocker === 'fix-details'
                ? (Object.keys(customerErrors) as (keyof typeof customerErrors)[]).map((field) => ({
                    id: `customer-${field}`,
                    text: `${t(`booking.details.${field}`)}: ${t(`booking.details.errors.${field}.${customerErrors[field]}`)}`,
                  }))
                : []
            }
          />
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
        {state.step === 'services' ? <FeeSummary items={items} services={services} /> : null}

        {state.step === 'location' ? (
          offering.length === 0 ? (
            <p className="utrecht-paragraph">{t('booking.location.noneOffers')}</p>
          ) : (
            <>
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
                  description: <LocationInfo location={l} items={items} />,
                }))}
              />
              <div className="offices-hours">
                {offering.map((l) => (
                  <WeekHours key={l.id} locationId={l.id} address={addressLine(l.address)} name={l.name} />
                ))}
              </div>
            </>
          )
        ) : null}

        {state.step === 'day' && location ? <ReleaseNote rules={bookingRules} zone={zone} /> : null}
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
            onFirstFree={(date, start) => {
              setBlocker(null);
              dispatch({ type: 'choose-first-free', date, start });
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

        {state.step === 'pickup' && pickupAnswer.status === 'loading' ? (
          <p role="status">{t('common.loading')}</p>
        ) : null}
        {state.step === 'pickup' && pickupAnswer.status === 'error' ? (
          <ErrorAlert error={pickupAnswer.error}>
            <Button appearance="secondary-action-button" onClick={pickupAnswer.reload}>
              {t('common.retry')}
            </Button>
          </ErrorAlert>
        ) : null}
        {state.step === 'pickup' && location && pickup && pickupFrom ? (
          <PickupStep
            locationId={location.id}
            items={pickupItems}
            zone={zone}
            from={pickupFrom}
            date={state.pickupDate}
            start={state.pickupStart}
            taken={pickupTaken}
            refreshKey={timesKey}
            invalid={blocker === 'choose-pickup-time'}
            describedBy={blocker ? 'step-error' : undefined}
            onDate={(date) => {
              setBlocker(null);
              dispatch({ type: 'choose-pickup-day', date });
            }}
            onStart={(start) => {
              setBlocker(null);
              dispatch({ type: 'choose-pickup-time', start });
            }}
            onSkip={() => {
              setBlocker(null);
              setPickupTaken(false);
              dispatch({ type: 'skip-pickup' });
            }}
          />
        ) : null}

        {state.step === 'details' ? (
          <DetailsStep
            customer={state.customer}
            errors={showFieldErrors ? customerErrors : {}}
            onChange={(customer) => dispatch({ type: 'set-customer', customer })}
          />
        ) : null}

        {state.step === 'confirm' && location && state.start ? (
          <ConfirmStep
            state={state}
            start={state.start}
            items={items}
            services={services}
            location={location}
            zone={zone}
            lang={lang}
            error={submitError}
            onGoto={(step) => dispatch({ type: 'goto', step })}
          />
        ) : null}
        {state.step === 'confirm' && showChallenge ? (
          <ChallengeWidget key={challengeKey} lang={lang} onPayload={setAltcha} />
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

export type { Step };
