import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CHECK_IN_CODE_LENGTH } from '../../../server/contracts/check-in.ts';
import type { ClientErrorCode } from '../../../shared-web/api.ts';
import { kioskErrorMessage, whenText } from '../kiosk-text.ts';
import { cameraScanSupported, startCameraScan } from '../scanner.ts';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/**
 * Check-in: a large keypad for the 6-digit check-in code of the confirmation (no typing on a keyboard).
 * The field keeps the focus, so a keyboard-wedge scanner (QR code) or a typed reference still works;
 * keypad keys do not take the focus away from it. After a refusal the entry stays, with the reason.
 */
export function AppointmentScreen({
  entered,
  code,
  opensAt,
  zone,
  offline,
  onEnter,
  onCheckIn,
  onBack,
}: {
  entered: string;
  code?: ClientErrorCode;
  opensAt?: string;
  zone: string;
  offline: boolean;
  onEnter: (entered: string) => void;
  onCheckIn: (text: string) => void;
  onBack: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [camera, setCamera] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => input.current?.focus(), []);

  useEffect(() => {
    if (!camera || !video.current) return;
    let stop: (() => void) | undefined;
    let live = true;
    startCameraScan(video.current, (text) => {
      setCamera(false);
      onCheckIn(text);
    }).then(
      (s) => {
        if (live) stop = s;
        else s();
      },
      () => setCamera(false),
    );
    return () => {
      live = false;
      stop?.();
    };
  }, [camera, onCheckIn]);

  const digits = entered.replace(/\D/g, '');
  const onlyDigits = entered === '' || /^[\d\s-]*$/.test(entered);
  const press = (key: string) => {
    if (!onlyDigits) onEnter(entered + key);
    else if (digits.length < CHECK_IN_CODE_LENGTH) onEnter(digits + key);
    input.current?.focus();
  };
  const keep = (e: { preventDefault: () => void }) => e.preventDefault();
  const message = code
    ? code === 'check-in-too-early' && opensAt
      ? `${kioskErrorMessage(t, code)} ${t('kiosk.opensAt', { time: whenText(opensAt, i18n.language, zone) })}`
      : code === 'not-found' && onlyDigits
        ? t('kiosk.codeNotFound')
        : kioskErrorMessage(t, code)
    : null;

  return (
    <form
      className="kiosk-appointment"
      onSubmit={(e) => {
        e.preventDefault();
        if (entered.trim()) onCheckIn(entered);
      }}
    >
      {/* The text and the field; on a landscape screen they stand beside the keypad (kiosk.css). */}
      <div className="kiosk-appointment__text">
        <h1 className="kiosk__title">{t('kiosk.scanTitle')}</h1>
        <p className="kiosk__lead" id="scan-text">
          {t('kiosk.scanText')}
        </p>
        <label htmlFor="reference" className="kiosk__label">
          {t('kiosk.codeLabel')}
        </label>
        <input
          id="reference"
          ref={input}
          className="kiosk-input kiosk-input--code"
          autoComplete="off"
          autoCapitalize="characters"
          inputMode="none"
          spellCheck={false}
          aria-describedby={message ? 'scan-text check-in-message' : 'scan-text'}
          aria-invalid={code ? true : undefined}
          value={entered}
          onChange={(e) => onEnter(e.target.value.toUpperCase())}
        />
        {message ? (
          <p className="kiosk__notice" id="check-in-message" role="alert" data-error-code={code}>
            {message}
          </p>
        ) : null}
      </div>
      <fieldset className="kiosk-keypad" aria-label={t('kiosk.keypad')}>
        {KEYS.map((key) => (
          <button
            key={key}
            type="button"
            className="kiosk-key"
            onPointerDown={keep}
            onMouseDown={keep}
            onClick={() => press(key)}
          >
            {key}
          </button>
        ))}
        <button
          type="button"
          className="kiosk-key kiosk-key--small"
          onPointerDown={keep}
          onMouseDown={keep}
          disabled={entered === ''}
          onClick={() => {
            onEnter(onlyDigits ? digits.slice(0, -1) : entered.slice(0, -1));
            input.current?.focus();
          }}
        >
          {t('kiosk.keyErase')}
        </button>
        <button type="button" className="kiosk-key" onPointerDown={keep} onMouseDown={keep} onClick={() => press('0')}>
          0
        </button>
        <button
          type="submit"
          className="kiosk-key kiosk-key--go"
          disabled={offline || !entered.trim()}
          onPointerDown={keep}
          onMouseDown={keep}
        >
          {t('kiosk.checkIn')}
        </button>
      </fieldset>
      {camera ? (
        <video ref={video} className="kiosk-video" muted playsInline aria-label={t('kiosk.cameraVideo')} />
      ) : null}
      <div className="kiosk__actions">
        {cameraScanSupported() ? (
          <button type="button" className="kiosk-button" onClick={() => setCamera((v) => !v)}>
            {camera ? t('kiosk.cameraStop') : t('kiosk.camera')}
          </button>
        ) : null}
        <button type="button" className="kiosk-button" onClick={onBack}>
          {t('kiosk.back')}
        </button>
      </div>
    </form>
  );
}
