import { describe, expect, it } from 'vitest';
import { loadConfig, trustedOrigins } from './config.ts';

describe('origins in the configuration', () => {
  it('parses ALLOWED_ORIGINS to browser origins and adds PUBLIC_URL', () => {
    const config = loadConfig({
      PUBLIC_URL: 'https://afspraak.haarlem.nl/loket/',
      ALLOWED_ORIGINS: ' https://www.haarlem.nl, http://localhost:5173/ ,,',
    });
    expect(config.ALLOWED_ORIGINS).toEqual(['https://www.haarlem.nl', 'http://localhost:5173']);
    expect([...trustedOrigins(config)].sort()).toEqual([
      'http://localhost:5173',
      'https://afspraak.haarlem.nl',
      'https://www.haarlem.nl',
    ]);
  });

  it('refuses what is not an origin', () => {
    for (const bad of ['www.haarlem.nl', 'https://www.haarlem.nl/pad', 'ftp://x.nl', 'https://a@b.nl', '*']) {
      expect(() => loadConfig({ ALLOWED_ORIGINS: bad })).toThrow(/ALLOWED_ORIGINS/);
    }
    expect(() => loadConfig({ PUBLIC_URL: 'javascript:alert(1)' })).toThrow(/PUBLIC_URL/);
  });

  it('without PUBLIC_URL trusts only the loopback origins on PORT', () => {
    expect([...trustedOrigins(loadConfig({ PORT: '8080' }))].sort()).toEqual([
      'http://127.0.0.1:8080',
      'http://[::1]:8080',
      'http://localhost:8080',
    ]);
  });
});
