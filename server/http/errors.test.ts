import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { onError } from './errors.ts';

describe('a 503 unavailable', () => {
  it('is logged as a warning with its cause, rate-limited, with the route pattern and no request data', async () => {
    const lines: Record<string, unknown>[] = [];
    const app = new Hono();
    app.onError(onError(createLogger('warn', (line) => lines.push(JSON.parse(line)))));
    app.post('/locations/:id', () => {
      const cause = Object.assign(new Error('sorry, too many clients already'), { code: '53300' });
      throw new AppError('unavailable', 'Storage cannot be reached: 53300', {}, { cause });
    });
    app.get('/missing', () => {
      throw new AppError('not-found', 'No such thing');
    });

    for (let i = 0; i < 3; i++) {
      const res = await app.request('/locations/haarlem-zijlsingel?email=j@example.nl', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Jan Jansen' }),
      });
      expect(res.status).toBe(503);
      // The client's answer is as before: the cause's own message stays in the log.
      expect(await res.json()).toMatchObject({ code: 'unavailable', detail: 'Storage cannot be reached: 53300' });
    }
    expect((await app.request('/missing')).status).toBe(404);

    expect(lines).toEqual([
      {
        time: expect.any(String),
        level: 'warn',
        msg: 'request answered 503 unavailable',
        cause: 'Storage cannot be reached: 53300',
        error: 'sorry, too many clients already',
        method: 'POST',
        route: '/locations/:id',
      },
    ]);
  });
});
