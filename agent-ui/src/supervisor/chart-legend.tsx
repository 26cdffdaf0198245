/** Legend labels in the text colour: a light series colour as text would fail WCAG contrast. */
export const legendText = (value: string) => <span style={{ color: 'var(--loket-color-text, #000)' }}>{value}</span>;
