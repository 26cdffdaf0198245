import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { cameraScanSupported, startCameraScan } from '../scanner.ts';

/** Check-in: the field is focused so a keyboard-wedge scanner "types" straight into it. */
export function AppointmentScreen({
  offline,
  onCheckIn,
  onBack,
}: {
  offline: boolean;
  onCheckIn: (text: string) => void;
  onBack: () => void;
}) {
  const { t } = useTranslation();
  const [reference, setReference] = useState('');
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

  return (
    <form
      className="kiosk-appointment"
      onSubmit={(e) => {
        e.preventDefault();
        if (reference.trim()) onCheckIn(reference);
      }}
    >
      <h1 className="kiosk__title">{t('kiosk.scanTitle')}</h1>
      <p className="kiosk__lead" id="scan-text">
        {t('kiosk.scanText')}
      </p>
      <label htmlFor="reference" className="kiosk__label">
        {t('kiosk.referenceLabel')}
      </label>
      <input
        id="reference"
        ref={input}
        className="kiosk-input"
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        aria-describedby="scan-text"
        value={reference}
        onChange={(e) => setReference(e.target.value.toUpperCase())}
      />
      {camera ? (
        <video ref={video} className="kiosk-video" muted playsInline aria-label={t('kiosk.cameraVideo')} />
      ) : null}
      <div className="kiosk__actions">
        <button type="submit" className="kiosk-button kiosk-button--primary" disabled={offline || !reference.trim()}>
          {t('kiosk.checkIn')}
        </button>
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
