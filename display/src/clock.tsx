import { useEffect, useState } from 'react';

/** Wall clock in the location's zone, redrawn once a second (one timer, nothing accumulates). */
export function Clock({ label, timeZone = 'Europe/Amsterdam' }: { label: string; timeZone?: string }) {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, []);
  const text = now.toLocaleTimeString('nl-NL', { timeZone, hour: '2-digit', minute: '2-digit' });
  return (
    <time className="clock" title={label} dateTime={now.toISOString()}>
      {text}
    </time>
  );
}
