import type { EngineContext } from './context.ts';

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** A JSON request through app.request(), with an optional bearer token or API key (`X-Api-Key`, as documented). */
// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely; the contract tests type them
export async function call<T = any>(
  ctx: Pick<EngineContext, 'app'>,
  method: string,
  path: string,
  options: { token?: string; apiKey?: string; body?: unknown } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.apiKey) headers['x-api-key'] = options.apiKey;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await ctx.app.request(`/api/v1${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as T };
}

/** A passport ticket for one person from the demo kiosk (201 asserted), as the API answers it. */
// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely
export async function kioskTicket(ctx: Pick<EngineContext, 'app'>, locationId = 'haarlem-zijlsingel'): Promise<any> {
  const res = await call(ctx, 'POST', `/locations/${locationId}/tickets`, {
    // The demo device token of testConfig (tests/helpers/auth.ts DEMO_DEVICE_TOKEN).
    token: 'demo-device-token-0123456789',
    body: { services: [{ code: 'passport', persons: 1 }] },
  });
  if (res.status !== 201) throw new Error(`kiosk ticket: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
