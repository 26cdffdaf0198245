/**
 * Writes the OpenAPI document the server serves at /api/v1/openapi.json to a file (for Spectral in CI):
 * the real app on an in-memory database, no server started.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createTestContext } from '../tests/helpers/context.ts';

const out = process.argv[2] ?? 'test-results/openapi.json';
const ctx = createTestContext();
const res = await ctx.app.request('/api/v1/openapi.json');
if (res.status !== 200) throw new Error(`openapi.json answered ${res.status}`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(await res.json(), null, 2));
ctx.db.$client.close();
console.log(`wrote ${out}`);
