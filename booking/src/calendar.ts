import { bookingApi } from './api.ts';

/** The .ics needs the manage token in a header, so it is fetched and handed over as a blob download. */
export async function downloadCalendar(reference: string, token: string): Promise<void> {
  const blob = await bookingApi.calendarFile(reference, token);
  const url = URL.createObjectURL(new Blob([blob], { type: 'text/calendar' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `afspraak-${reference}.ics`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function manageUrl(reference: string, token: string, origin = window.location.origin): string {
  return `${origin}/manage/${encodeURIComponent(reference)}#token=${encodeURIComponent(token)}`;
}
