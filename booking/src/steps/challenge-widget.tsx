import type {} from 'altcha/types/react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The ALTCHA proof-of-work (rule 8), self-hosted: the challenge comes from our own API, the widget
 * solves it in web workers while the resident reads the summary (no third party, no cookie, no
 * tracking; the human-interaction signature is off). It is a labelled checkbox that ticks itself;
 * screen readers hear its state. The widget code loads only where an office asks for it.
 */
export function ChallengeWidget({
  lang,
  onPayload,
}: {
  lang: 'nl' | 'en';
  /** The solved payload (for the `Altcha` header), or null while unsolved or expired. */
  onPayload: (payload: string | null) => void;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLElement>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let live = true;
    void Promise.all([import('altcha'), import('altcha/i18n/nl')]).then(() => {
      if (live) setReady(true);
    });
    return () => {
      live = false;
    };
  }, []);
  useEffect(() => {
    const el = ref.current;
    if (!ready || !el) return;
    const changed = (event: Event) => {
      const detail = (event as CustomEvent<{ state?: string; payload?: string }>).detail;
      onPayload(detail?.state === 'verified' && detail.payload ? detail.payload : null);
    };
    el.addEventListener('statechange', changed);
    return () => el.removeEventListener('statechange', changed);
  }, [ready, onPayload]);
  return (
    <div className="challenge">
      <p className="utrecht-paragraph" id="challenge-help">
        {t('booking.challenge.help')}
      </p>
      {ready ? (
        <altcha-widget
          ref={ref}
          challenge="/api/v1/challenge"
          auto="onload"
          language={lang}
          aria-describedby="challenge-help"
          configuration={JSON.stringify({ humanInteractionSignature: false, hideLogo: false })}
        />
      ) : (
        <p className="utrecht-paragraph" role="status">
          {t('common.loading')}
        </p>
      )}
    </div>
  );
}
