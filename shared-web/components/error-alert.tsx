import { useTranslation } from 'react-i18next';
import { errorCodeOf, errorMessage } from '../errors.ts';

/** An NL Design System alert with the message for the error's code. */
export function ErrorAlert({ error, children }: { error: unknown; children?: React.ReactNode }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <div className="utrecht-alert utrecht-alert--error" role="alert" data-error-code={errorCodeOf(error)}>
      <div className="utrecht-alert__content">
        <p className="utrecht-paragraph">{errorMessage(t, error)}</p>
        {children}
      </div>
    </div>
  );
}
