/**
 * The error summary at the top of a step (NL Design System / GOV.UK pattern): a titled alert that takes the
 * focus when the resident tries to go on, says what is missing, and links to each field that needs fixing.
 */
export function ErrorSummary({
  id,
  title,
  message,
  fields,
}: {
  id: string;
  title: string;
  message: string;
  fields: { id: string; text: string }[];
}) {
  return (
    <div
      className="utrecht-alert utrecht-alert--error error-summary"
      role="alert"
      id={id}
      tabIndex={-1}
      aria-labelledby={`${id}-title`}
    >
      <div className="utrecht-alert__content">
        <h3 className="utrecht-heading-3 error-summary__title" id={`${id}-title`}>
          {title}
        </h3>
        <p className="utrecht-paragraph">{message}</p>
        {fields.length > 0 ? (
          <ul className="utrecht-unordered-list">
            {fields.map((f) => (
              <li key={f.id} className="utrecht-unordered-list__item">
                <a
                  className="utrecht-link"
                  href={`#${f.id}`}
                  onClick={(e) => {
                    e.preventDefault();
                    document.getElementById(f.id)?.focus();
                  }}
                >
                  {f.text}
                </a>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </div>
  );
}
