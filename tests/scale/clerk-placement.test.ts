import { describe, expect, it } from 'vitest';
import { clerkNodeIndex, parseClerkPlacement } from '../../bench/scale/clerk-placement.ts';

describe('part 2 clerk placement (bench:scale)', () => {
  it('spreads the clerks over the nodes by office, each node an equal share', () => {
    const nodes = Array.from({ length: 125 }, (_, i) => clerkNodeIndex(i, 4, 'spread'));
    expect(nodes.slice(0, 6)).toEqual([0, 1, 2, 3, 0, 1]);
    const perNode = [0, 1, 2, 3].map((n) => nodes.filter((x) => x === n).length);
    expect(perNode).toEqual([32, 31, 31, 31]);
  });

  it('leaves three quarters of every office displays on other nodes than its clerk', () => {
    // Display j of an office is on node j mod 4 (fanout.ts); 40 displays per office.
    for (let office = 0; office < 125; office++) {
      const clerk = clerkNodeIndex(office, 4, 'spread');
      const elsewhere = Array.from({ length: 40 }, (_, j) => j % 4).filter((n) => n !== clerk).length;
      expect(elsewhere).toBe(30);
    }
  });

  it('puts every clerk on node A in node-a mode', () => {
    expect(Array.from({ length: 9 }, (_, i) => clerkNodeIndex(i, 4, 'node-a'))).toEqual(Array(9).fill(0));
  });

  it('reads --clerks, defaulting to spread and refusing anything else', () => {
    expect(parseClerkPlacement(['--part=2'])).toBe('spread');
    expect(parseClerkPlacement(['--clerks=node-a'])).toBe('node-a');
    expect(parseClerkPlacement(['--clerks=spread'])).toBe('spread');
    expect(() => parseClerkPlacement(['--clerks=haproxy'])).toThrow(/expected one of spread, node-a/);
  });

  it('refuses a placement without nodes', () => {
    expect(() => clerkNodeIndex(0, 0, 'spread')).toThrow(RangeError);
    expect(() => clerkNodeIndex(-1, 4, 'spread')).toThrow(RangeError);
  });
});
