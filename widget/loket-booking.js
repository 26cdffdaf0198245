/**
 * <loket-booking>: the Loket booking widget a municipality puts on its own site.
 *
 *   <script type="module" src="https://loket.example.nl/widget/loket-booking.js"></script>
 *   <loket-booking location="haarlem-zijlsingel" service="passport" lang="nl"></loket-booking>
 *
 * It calls Loket's public API from the site's origin (CORS: reads from anywhere, the booking only from the
 * origins in ALLOWED_ORIGINS). Attributes: `location` and `service` preselect (else the resident chooses),
 * `lang` (nl, en), `api` (Loket's origin; default: where this script came from). Plain JavaScript, no build.
 */
const scriptOrigin = new URL(import.meta.url).origin;

const texts = {
  nl: {
    title: 'Afspraak maken',
    location: 'Locatie',
    service: 'Waarvoor komt u?',
    day: 'Dag',
    time: 'Tijd',
    name: 'Naam',
    email: 'E-mailadres',
    book: 'Afspraak maken',
    loading: 'Bezig met laden…',
    none: 'Geen vrije tijden in de komende weken.',
    booked: 'Uw afspraak is gemaakt.',
    reference: 'Referentie',
    at: 'Op',
    failed: 'Dat lukte niet',
    choose: 'Kies…',
    fillIn: 'Vul alle velden in.',
    emailInvalid: 'Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.',
    checkInCode: 'Uw incheckcode voor de zuil',
    errors: {
      'slot-unavailable': 'Deze tijd is net door iemand anders gekozen. Kies een andere tijd.',
      'booking-limit-reached': 'Op dit e-mailadres staan al te veel afspraken. Annuleer eerst een andere afspraak.',
      'validation-failed': 'Niet alle gegevens zijn goed ingevuld. Controleer de velden en probeer het opnieuw.',
      'rate-limited': 'Te veel verzoeken achter elkaar. Wacht even en probeer het opnieuw.',
      'challenge-required':
        'Maak deze afspraak op de website van het stadskantoor: daar staat een controle tegen robots.',
      'invalid-origin':
        'Vanaf deze website kunt u geen afspraak maken. Maak de afspraak op de website van de gemeente.',
      network: 'Geen verbinding met de server. Controleer uw internetverbinding en probeer het opnieuw.',
      unknown: 'Er ging iets mis. Probeer het opnieuw.',
    },
  },
  en: {
    title: 'Book an appointment',
    location: 'Location',
    service: 'What do you come for?',
    day: 'Day',
    time: 'Time',
    name: 'Name',
    email: 'E-mail address',
    book: 'Book',
    loading: 'Loading…',
    none: 'No free times in the coming weeks.',
    booked: 'Your appointment is booked.',
    reference: 'Reference',
    at: 'On',
    failed: 'That did not work',
    choose: 'Choose…',
    fillIn: 'Please fill in every field.',
    emailInvalid: 'Enter a valid e-mail address, like name@example.com.',
    checkInCode: 'Your check-in code for the kiosk',
    errors: {
      'slot-unavailable': 'Someone else just took this time. Please choose another time.',
      'booking-limit-reached': 'This e-mail address already has too many appointments. Cancel another one first.',
      'validation-failed': 'Some details are not filled in correctly. Check the fields and try again.',
      'rate-limited': 'Too many requests in a row. Wait a moment and try again.',
      'challenge-required': 'Please book on the city office website: it has a check against robots.',
      'invalid-origin': 'You cannot book from this website. Please book on the municipality’s website.',
      network: 'No connection to the server. Check your internet connection and try again.',
      unknown: 'Something went wrong. Please try again.',
    },
  },
};

const style = `
  :host { display: block; font-family: var(--utrecht-document-font-family, system-ui, sans-serif);
    color: var(--utrecht-document-color, #1a1a1a); max-width: 32rem; }
  form { display: grid; gap: 0.75rem; }
  label { display: grid; gap: 0.25rem; font-weight: 600; }
  select, input { font: inherit; padding: 0.5rem; border: 1px solid #555; border-radius: 4px; }
  button { font: inherit; padding: 0.6rem 1rem; border: 0; border-radius: 4px; cursor: pointer;
    background: var(--utrecht-button-primary-action-background-color, #01689b);
    color: var(--utrecht-button-primary-action-color, #fff); }
  button[disabled] { opacity: 0.6; cursor: default; }
  [role="alert"] { color: #a00; }
  h2 { font-size: 1.25rem; margin: 0 0 0.5rem; }
`;

function escapeHtml(text) {
  return String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
}

class LoketBooking extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.state = { services: [], locations: [], days: [], times: [], busy: false };
  }

  get api() {
    return `${this.getAttribute('api') || scriptOrigin}/api/v1`;
  }

  get t() {
    return texts[this.getAttribute('lang') === 'en' ? 'en' : 'nl'];
  }

  /** Loket's answer, or an Error whose `code` is the problem's code ('network' when Loket was not reached). */
  async request(path, init = {}) {
    let res;
    try {
      res = await fetch(`${this.api}${path}`, {
        ...init,
        headers: {
          accept: 'application/json',
          ...(init.body ? { 'content-type': 'application/json' } : {}),
          ...init.headers,
        },
      });
    } catch {
      throw Object.assign(new Error('network'), { code: 'network' });
    }
    const body = res.status === 204 ? null : await res.json().catch(() => null);
    if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { code: body?.code ?? 'unknown' });
    return body;
  }

  /** The resident's words for an error: by its code, never the server's (English, technical) detail. */
  messageOf(err) {
    return this.t.errors[err?.code] ?? this.t.errors.unknown;
  }

  get language() {
    return this.getAttribute('lang') === 'en' ? 'en' : 'nl';
  }

  /** A local date (2026-12-08) in words: "dinsdag 8 december". */
  dayLabel(date) {
    return new Intl.DateTimeFormat(this.language === 'en' ? 'en-GB' : 'nl-NL', {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      timeZone: 'UTC',
    }).format(new Date(`${date}T12:00:00Z`));
  }

  /** An instant in words at the office's clock: "dinsdag 8 december 2026 om 11:20". */
  startLabel(iso, timeZone) {
    const locale = this.language === 'en' ? 'en-GB' : 'nl-NL';
    const at = new Date(iso);
    const day = new Intl.DateTimeFormat(locale, {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone,
    }).format(at);
    const time = new Intl.DateTimeFormat(locale, {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone,
    }).format(at);
    return this.language === 'en' ? `${day} at ${time}` : `${day} om ${time}`;
  }

  async connectedCallback() {
    this.render(`<p role="status">${this.t.loading}</p>`);
    try {
      const [services, locations, municipality] = await Promise.all([
        this.request('/services'),
        this.request('/locations'),
        this.request('/municipality').catch(() => null),
      ]);
      // The municipality's house style (CSS custom properties) styles the widget too.
      for (const [name, value] of Object.entries(municipality?.houseStyle ?? {})) this.style.setProperty(name, value);
      this.state.services = services.services.filter((s) => s.bookableOnline);
      this.state.locations = locations.locations;
      this.renderForm();
    } catch (err) {
      this.render(`<p role="alert">${this.t.failed}: ${escapeHtml(this.messageOf(err))}</p>`);
    }
  }

  render(html) {
    this.shadowRoot.innerHTML = `<style>${style}</style><section aria-labelledby="loket-title"><h2 id="loket-title">${this.t.title}</h2>${html}</section>`;
  }

  options(items, selected) {
    return [`<option value="">${this.t.choose}</option>`]
      .concat(
        items.map(
          (i) =>
            `<option value="${escapeHtml(i.value)}"${i.value === selected ? ' selected' : ''}>${escapeHtml(i.label)}</option>`,
        ),
      )
      .join('');
  }

  renderForm() {
    const t = this.t;
    const en = this.getAttribute('lang') === 'en';
    this.render(`
      <form novalidate>
        <label>${t.location}<select name="location" required>${this.options(
          this.state.locations.map((l) => ({ value: l.id, label: l.name })),
          this.getAttribute('location'),
        )}</select></label>
        <label>${t.service}<select name="service" required>${this.options(
          this.state.services.map((s) => ({ value: s.code, label: en ? s.name.en : s.name.nl })),
          this.getAttribute('service'),
        )}</select></label>
        <label>${t.day}<select name="day" required disabled></select></label>
        <label>${t.time}<select name="time" required disabled></select></label>
        <label>${t.name}<input name="name" autocomplete="name" required maxlength="120"></label>
        <label>${t.email}<input name="email" type="email" autocomplete="email" required maxlength="254"></label>
        <div role="alert" aria-live="assertive"></div>
        <button type="submit">${t.book}</button>
      </form>`);
    const form = this.shadowRoot.querySelector('form');
    form.location.addEventListener('change', () => this.loadDays());
    form.service.addEventListener('change', () => this.loadDays());
    form.day.addEventListener('change', () => this.loadTimes());
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.book();
    });
    if (form.location.value && form.service.value) void this.loadDays();
  }

  get form() {
    return this.shadowRoot.querySelector('form');
  }

  showError(message) {
    this.shadowRoot.querySelector('[role="alert"]').textContent = message;
  }

  async loadDays() {
    const { location, service, day, time } = this.form;
    day.disabled = true;
    time.disabled = true;
    time.innerHTML = '';
    if (!location.value || !service.value) return;
    try {
      const { days } = await this.request(
        `/locations/${encodeURIComponent(location.value)}/available-days?services=${encodeURIComponent(`${service.value}:1`)}`,
      );
      day.innerHTML = days.length
        ? this.options(days.map((d) => ({ value: d, label: this.dayLabel(d) })))
        : `<option value="">${this.t.none}</option>`;
      day.disabled = days.length === 0;
      this.showError('');
    } catch (err) {
      this.showError(this.messageOf(err));
    }
  }

  async loadTimes() {
    const { location, service, day, time } = this.form;
    time.disabled = true;
    if (!day.value) return;
    try {
      const { times } = await this.request(
        `/locations/${encodeURIComponent(location.value)}/available-times?services=${encodeURIComponent(`${service.value}:1`)}&date=${day.value}`,
      );
      time.innerHTML = this.options(times.map((s) => ({ value: s, label: s.slice(11, 16) })));
      time.disabled = false;
      this.showError('');
    } catch (err) {
      this.showError(this.messageOf(err));
    }
  }

  async book() {
    const f = this.form;
    if (!f.location.value || !f.service.value || !f.time.value || !f.name.value.trim() || !f.email.value.trim()) {
      this.showError(this.t.fillIn);
      return;
    }
    // As the booking site checks it: the browser's own check lets "naam@voorbeeld" (no dot) through.
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(f.email.value.trim())) {
      this.showError(this.t.emailInvalid);
      f.email.setAttribute('aria-invalid', 'true');
      f.email.focus();
      return;
    }
    f.email.removeAttribute('aria-invalid');
    const button = f.querySelector('button');
    button.disabled = true;
    try {
      const booked = await this.request('/appointments', {
        method: 'POST',
        headers: { 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({
          locationId: f.location.value,
          services: [{ code: f.service.value, persons: 1 }],
          start: f.time.value,
          customer: { name: f.name.value.trim(), email: f.email.value.trim() },
          language: this.getAttribute('lang') === 'en' ? 'en' : 'nl',
        }),
      });
      const zone = this.state.locations.find((l) => l.id === f.location.value)?.timeZone ?? 'Europe/Amsterdam';
      const code = booked.checkInCode
        ? `<p>${this.t.checkInCode}: <strong data-check-in-code>${escapeHtml(booked.checkInCode)}</strong></p>`
        : '';
      this.render(
        `<p role="status">${this.t.booked}</p><p>${this.t.reference}: <strong data-reference>${escapeHtml(booked.reference)}</strong></p>${code}<p data-start>${this.t.at} ${escapeHtml(this.startLabel(booked.start, zone))}</p>`,
      );
      this.dispatchEvent(
        new CustomEvent('loket-booked', {
          detail: { reference: booked.reference, start: booked.start },
          bubbles: true,
          composed: true,
        }),
      );
    } catch (err) {
      button.disabled = false;
      // The time was taken meanwhile: offer the times that are still free (then say why the choice is gone).
      if (err.code === 'slot-unavailable') await this.loadTimes();
      this.showError(this.messageOf(err));
    }
  }
}

if (!customElements.get('loket-booking')) customElements.define('loket-booking', LoketBooking);
