import { Fieldset, FieldsetLegend } from '@utrecht/fieldset-react';
import { FormLabel } from '@utrecht/form-label-react';
import { RadioButton } from '@utrecht/radio-button-react';

/** A radio group as NL Design System shapes it: fieldset, legend, one label per option. */
export function ChoiceGroup<T extends string>({
  name,
  legend,
  options,
  value,
  onChange,
  columns,
  compact,
  invalid,
  describedBy,
}: {
  name: string;
  legend: React.ReactNode;
  options: { value: T; label: React.ReactNode; description?: React.ReactNode }[];
  value: T | null;
  onChange: (value: T) => void;
  columns?: boolean;
  /** Short labels (times): more per row. */
  compact?: boolean;
  invalid?: boolean;
  describedBy?: string;
}) {
  return (
    <Fieldset invalid={invalid} aria-describedby={describedBy}>
      <FieldsetLegend>{legend}</FieldsetLegend>
      <div className={columns ? `choice-grid${compact ? ' choice-grid--compact' : ''}` : 'choice-list'}>
        {options.map((o) => {
          const id = `${name}-${o.value}`.replace(/[^A-Za-z0-9_-]/g, '_');
          return (
            <div key={o.value} className={`choice${value === o.value ? ' choice--checked' : ''}`}>
              <RadioButton
                id={id}
                name={name}
                value={o.value}
                checked={value === o.value}
                onChange={() => onChange(o.value)}
                aria-describedby={o.description ? `${id}-desc` : undefined}
              />
              <div className="choice__text">
                <FormLabel htmlFor={id} type="radio" checked={value === o.value}>
                  {o.label}
                </FormLabel>
                {o.description ? (
                  <div id={`${id}-desc`} className="choice__description">
                    {o.description}
                  </div>
                ) : null}
              </div>
            </div>
          );
        })}
      </div>
    </Fieldset>
  );
}
