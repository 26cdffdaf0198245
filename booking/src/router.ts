import { useEffect, useState } from 'react';

/** A few routes do not justify a router library: pathname + history API, ~30 lines. */
export type Route =
  | { name: 'booking' }
  | { name: 'manage'; reference: string }
  | { name: 'confirm'; reference: string }
  | { name: 'ticket'; publicId: string }
  | { name: 'accessibility' }
  | { name: 'not-found' };

export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { name: 'booking' };
  if (path === '/toegankelijkheid' || path === '/accessibility') return { name: 'accessibility' };
  const manage = /^\/manage\/([A-Za-z0-9-]{3,40})$/.exec(path);
  if (manage?.[1]) return { name: 'manage', reference: manage[1] };
  const confirm = /^\/confirm\/([A-Za-z0-9-]{3,40})$/.exec(path);
  if (confirm?.[1]) return { name: 'confirm', reference: confirm[1] };
  const ticket = /^\/t\/([A-Za-z0-9_-]{4,64})$/.exec(path);
  if (ticket?.[1]) return { name: 'ticket', publicId: ticket[1] };
  return { name: 'not-found' };
}

export function navigate(to: string): void {
  history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.pathname));
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return route;
}

/** Same-document navigation for plain left clicks; anything else (new tab …) stays a normal link. */
export function onLinkClick(event: React.MouseEvent<HTMLAnchorElement>): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const href = event.currentTarget.getAttribute('href');
  if (!href?.startsWith('/')) return;
  event.preventDefault();
  navigate(href);
}
