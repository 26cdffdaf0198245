import { FormField } from '@utrecht/form-field-react';
import { FormLabel } from '@utrecht/form-label-react';
import { Textbox } from '@utrecht/textbox-react';
import { useTranslation } from 'react-i18next';
import type { Customer, validateCustomer } from '../booking-flow.ts';

/** The resident's name, e-mail and (optional) phone, with an error per field. */
export function DetailsStep({
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
