import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useMunicipality } from '../../shared-web/municipality.ts';
import { BookingPage } from './booking-page.tsx';
import { Layout } from './layout.tsx';
import { type Route, useRoute } from './router.ts';

// Pages residents reach by link load on demand: the booking flow's first screen stays small
// (the ticket page alone brings the socket.io client).
const ManagePage = lazy(() => import('./manage-page.tsx').then((m) => ({ default: m.ManagePage })));
const ConfirmPage = lazy(() => import('./confirm-page.tsx').then((m) => ({ default: m.ConfirmPage })));
const TicketPage = lazy(() => import('./ticket-page.tsx').then((m) => ({ default: m.TicketPage })));
const AccessibilityPage = lazy(() =>
  import('./accessibility-page.tsx').then((m) => ({ default: m.AccessibilityPage })),
);

function titleKey(route: Route): string {
  switch (route.name) {
    case 'booking':
      return 'booking.title';
    case 'manage':
      return 'manage.title';
    case 'confirm':
      return 'confirm.title';
    case 'ticket':
      return 'ticket.title';
    case 'accessibility':
      return 'a11y.title';
    default:
      return 'notFound.title';
  }
}

export function App() {
  const route = useRoute();
  const { t, i18n } = useTranslation();
  const municipality = useMunicipality();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the title follows route, language and municipality.
  useEffect(() => {
    document.title = municipality ? `${t(titleKey(route))} — ${municipality.name}` : t(titleKey(route));
  }, [route, i18n.language, municipality]);
  return (
    <Layout>
      <Suspense fallback={<p role="status">{t('common.loading')}</p>}>
        {route.name === 'booking' ? <BookingPage /> : null}
        {route.name === 'manage' ? <ManagePage reference={route.reference} /> : null}
        {route.name === 'confirm' ? <ConfirmPage reference={route.reference} /> : null}
        {route.name === 'ticket' ? <TicketPage publicId={route.publicId} /> : null}
        {route.name === 'accessibility' ? <AccessibilityPage /> : null}
        {route.name === 'not-found' ? (
          <>
            <h1 className="utrecht-heading-1">{t('notFound.title')}</h1>
            <p className="utrecht-paragraph">{t('notFound.text')}</p>
          </>
        ) : null}
      </Suspense>
    </Layout>
  );
}
