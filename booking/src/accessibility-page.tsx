import { useTranslation } from 'react-i18next';

export function AccessibilityPage() {
  const { t } = useTranslation();
  const body = t('a11y.body', { returnObjects: true }) as unknown as string[];
  return (
    <article className="prose">
      <h1 className="utrecht-heading-1">{t('a11y.title')}</h1>
      {body.map((p) => (
        <p className="utrecht-paragraph" key={p}>
          {p}
        </p>
      ))}
      <p className="utrecht-paragraph">
        <strong>{t('a11y.status')}</strong>
      </p>
    </article>
  );
}
