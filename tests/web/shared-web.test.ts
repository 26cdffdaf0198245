import { describe, expect, it } from 'vitest';
import { errorCodes } from '../../server/contracts/errors.ts';
import { ApiError, createApiClient, servicesParam } from '../../shared-web/api.ts';
import { addDays, formatLocalDate, formatTime, localDateOf } from '../../shared-web/datetime.ts';
import { en } from '../../shared-web/locales/en.ts';
import { nl } from '../../shared-web/locales/nl.ts';
import { bandForMinutes, waitBandKeys } from '../../shared-web/wait-band.ts';

function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe('shared-web messages', () => {
  it('English has exactly the Dutch keys', () => {
    expect(keys(en).sort()).toEqual(keys(nl).sort());
  });

  it('every server error code has a message in both languages', () => {
    for (const code of errorCodes) {
      expect(nl.errors[code], code).toBeTruthy();
      expect(en.errors[code], code).toBeTruthy();
    }
  });

  it('every wait band has a text', () => {
    for (const band of waitBandKeys) expect(nl.wait.band[band]).toBeTruthy();
    expect(nl.wait.band.lt5).toBe('minder dan 5 minuten');
    expect(bandForMinutes(0)).toBe('none');
    expect(bandForMinutes(7)).toBe('5-10');
    expect(bandForMinutes(61)).toBe('gt60');
  });
});

describe('api client', () => {
  const problem = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json', ...headers } });

  it('turns problem+json into an ApiError with the code', async () => {
    const client = createApiClient({
      fetch: async () => problem(409, { type: 'x', title: 't', status: 409, code: 'slot-unavailable' }),
    });
    const err = await client.post('/appointments', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('slot-unavailable');
    expect((err as ApiError).status).toBe(409);
  });

  it('reads Retry-After on 429 and guesses a code from the status without a body', async () => {
    const limited = createApiClient({
      fetch: async () => problem(429, { status: 429, code: 'rate-limited' }, { 'retry-after': '12' }),
    });
    const e1 = (await limited.get('/x').catch((e: unknown) => e)) as ApiError;
    expect(e1.code).toBe('rate-limited');
    expect(e1.retryAfter).toBe(12);
    const bare = createApiClient({ fetch: async () => new Response('oops', { status: 502 }) });
    expect(((await bare.get('/x').catch((e: unknown) => e)) as ApiError).code).toBe('internal');
  });

  it('a failed fetch is a network error; the token goes in Authorization', async () => {
    const down = createApiClient({
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    expect(((await down.get('/x').catch((e: unknown) => e)) as ApiError).code).toBe('network');
    let seen: RequestInit | undefined;
    let seenUrl = '';
    const ok = createApiClient({
      fetch: async (url, init) => {
        seen = init;
        seenUrl = url;
        return new Response(JSON.stringify({ a: 1 }), { headers: { 'content-type': 'application/json' } });
      },
    });
    expect(await ok.get('/locations', { token: 'abc', query: { services: 'passport:2', none: undefined } })).toEqual({
      a: 1,
    });
    expect((seen?.headers as Record<string, string> | undefined)?.authorization).toBe('Bearer abc');
    expect(seenUrl).toBe('/api/v1/locations?services=passport%3A2');
    expect(
      servicesParam([
        { code: 'passport', persons: 2 },
        { code: 'pickup', persons: 1 },
      ]),
    ).toBe('passport:2,pickup:1');
  });
});

describe('dates in the location zone', () => {
  it('formats instants in Amsterdam time whatever the host zone (tests run in UTC)', () => {
    expect(formatTime('2026-11-23T10:00:00Z', 'nl')).toBe('11:00');
    expect(formatTime('2026-07-01T10:00:00Z', 'en')).toBe('12:00');
    expect(localDateOf(new Date('2026-11-22T23:30:00Z'))).toBe('2026-11-23');
    expect(formatLocalDate('2026-11-23', 'nl')).toBe('maandag 23 november 2026');
    expect(formatLocalDate('2026-11-23', 'en')).toMatch(/^Monday,? 23 November 2026$/);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
