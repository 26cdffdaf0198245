import type { InputHTMLAttributes, ReactNode } from 'react';

/**
 * The set-up forms' labelled fields: the label wraps its control (its accessible name), and each reports
 * the value in the form's own terms instead of a change event.
 */
type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value' | 'type' | 'checked'>;

/** A text, time or date input. */
export function TextField({
  label,
  type,
  value,
  onValue,
  ...input
}: {
  label: ReactNode;
  type?: 'text' | 'time' | 'date';
  value: string;
  onValue: (value: string) => void;
} & InputProps) {
  return (
    <label>
      {label}
      <input type={type} value={value} onChange={(e) => onValue(e.target.value)} {...input} />
    </label>
  );
}

/** A number input; cleared, it reports null (a field with a default or "none"). */
export function NumberField({
  label,
  value,
  onValue,
  ...input
}: { label: ReactNode; value: number | null; onValue: (value: number | null) => void } & InputProps) {
  return (
    <label>
      {label}
      <input
        type="number"
        value={value ?? ''}
        onChange={(e) => onValue(e.target.value === '' ? null : Number(e.target.value))}
        {...input}
      />
    </label>
  );
}

/** A checkbox with its label after it. */
export function CheckboxField({
  label,
  checked,
  onValue,
  ...input
}: { label: ReactNode; checked: boolean; onValue: (checked: boolean) => void } & InputProps) {
  return (
    <label className="inline">
      <input type="checkbox" checked={checked} onChange={(e) => onValue(e.target.checked)} {...input} />
      {label}
    </label>
  );
}

/** A choice among fixed values, each with its label. */
export function SelectField<V extends string | number>({
  label,
  value,
  options,
  onValue,
}: {
  label: ReactNode;
  value: V;
  options: readonly { value: V; label: ReactNode }[];
  onValue: (value: V) => void;
}) {
  return (
    <label>
      {label}
      <select
        value={value}
        onChange={(e) => {
          const picked = options.find((o) => String(o.value) === e.target.value);
          if (picked) onValue(picked.value);
        }}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
