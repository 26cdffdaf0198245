import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import { assertSameRequest, canonicalJson, requestFingerprint } from './idempotency.ts';

describe('request fingerprints', () => {
  it('ignore key order and undefined members but not values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null }, u: undefined })).toBe(
      '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}',
    );
    expect(requestFingerprint({ a: 1, b: 2 })).toBe(requestFingerprint({ b: 2, a: 1 }));
    expect(requestFingerprint({ a: 1, b: 2 })).not.toBe(requestFingerprint({ a: 1, b: 3 }));
    expect(requestFingerprint({ a: [1, 2] })).not.toBe(requestFingerprint({ a: [2, 1] }));
    expect(requestFingerprint({ a: '1' })).not.toBe(requestFingerprint({ a: 1 }));
  });

  it('refuse another body under the same key with idempotency-key-reused', () => {
    const first = requestFingerprint({ services: [{ code: 'paspoort' }] });
    expect(() => assertSameRequest(first, first)).not.toThrow();
    expect(() => assertSameRequest(null, first)).not.toThrow();
    const err = (() => {
      try {
        assertSameRequest(first, requestFingerprint({ services: [{ code: 'rijbewijs' }] }));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('idempotency-key-reused');
    expect((err as AppError).status).toBe(422);
  });
});
