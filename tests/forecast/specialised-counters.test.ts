import { describe, expect, it } from 'vitest';
import { signInAs } from '../helpers/auth.ts';
import { describeEachEngine } from '../helpers/context.ts';
import { call } from '../helpers/http.ts';

const ZIJLSINGEL = 'haarlem-zijlsingel';
/** A Tuesday, with eight weeks of imported history before it. */
const DATE = '2026-12-08';

/** Eight weeks of weekday mornings: passports at 9 and 10, a few pickups. */
function history(): string {
  const lines = ['date,hour,service,count'];
  const day = new Date('2026-10-05T00:00:00Z');
  for (let i = 0; i < 56; i++, day.setUTCDate(day.getUTCDate() + 1)) {
    const dow = day.getUTCDay();
    if (dow === 0 || dow === 6) continue;
    const date = day.toISOString().slice(0, 10);
    for (const hour of [9, 10]) lines.push(`${date},${hour},passport,20`, `${date},${hour},pickup,4`);
  }
  return `${lines.join('\n')}\n`;
}

describeEachEngine('planning with specialised counters', (under) => {
  describe('a skill group whose counters do not all serve every service', () => {
    it('counts for passports only the counters that take them, as the simulator does', async () => {
      const ctx = await under.context({ now: '2026-12-07T07:00:00Z' });
      const supervisor = await signInAs(ctx, 'demo-supervisor');
      const imported = await call(ctx, 'POST', `/locations/${ZIJLSINGEL}/hourly-history`, {
        token: supervisor,
        body: { csv: history() },
      });
      expect(imported.status).toBe(200);
      const tenOClock = async () => {
        const res = await call(ctx, 'GET', `/locations/${ZIJLSINGEL}/forecast?from=${DATE}&to=${DATE}`, {
          token: supervisor,
        });
        expect(res.status).toBe(200);
        const hours = res.body.hours as {
          hour: number;
          requiredCounters: number;
          rosteredCounters: number;
          gap: number;
        }[];
        return hours.find((h) => h.hour === 10);
      };
      const simulatedTen = async () => {
        const sim = await call(ctx, 'POST', `/locations/${ZIJLSINGEL}/what-if`, {
          token: supervisor,
          body: { date: DATE, replications: 20 },
        });
        expect(sim.status).toBe(200);
        const hours = sim.body.hours as { hour: number; meetsNorm: boolean; walkInsPerDay: number }[];
        return hours.find((h) => h.hour === 10);
      };
      const before = await tenOClock();
      // Seven counters at ten (Balie 1–7), five of them taking passports: enough for the morning.
      expect(before?.rosteredCounters).toBe(7);
      expect(before?.gap).toBeGreaterThanOrEqual(0);
      expect((await simulatedTen())?.meetsNorm).toBe(true);

      // Balie 4 and 5 (passports and ID cards) become pickup-only: still seven counters in one skill group,
      // but only Balie 1–3 take passports.
      const counters = await ctx.sql.rows<{ id: number }>(
        "SELECT id FROM counters WHERE location_id = ? AND name IN ('Balie 4', 'Balie 5')",
        [ZIJLSINGEL],
      );
      expect(counters).toHaveLength(2);
      for (const c of counters) {
        const res = await call(ctx, 'PATCH', `/locations/${ZIJLSINGEL}/counters/${c.id}`, {
          token: supervisor,
          body: { skills: ['pickup'] },
        });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
      }
      const after = await tenOClock();
      expect(after?.rosteredCounters).toBe(7);
      // Pooled over the group the hour would look as staffed as before; the passport counters are short.
      expect(after?.gap).toBeLessThan(0);
      expect(after?.requiredCounters).toBeGreaterThan(before?.requiredCounters ?? 0);

      // The simulator, on the same demand and roster, agrees: the norm met at ten before is missed now.
      const ten = await simulatedTen();
      expect(ten?.walkInsPerDay).toBeGreaterThan(10);
      expect(ten?.meetsNorm).toBe(false);
    });
  });
});
