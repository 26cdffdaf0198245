import { describe, expect, it } from 'vitest';
import { commands, NOT_PLAIN, parsePayload } from '../../server/hub/commands.ts';

// The hot commands check their usual payloads by hand (`plain`): it must answer exactly what the schema does, or
// leave the payload to the schema.
const payloads: unknown[] = [
  undefined,
  null,
  0,
  'x',
  [],
  [1],
  {},
  { counterId: 1 },
  { counterId: 2 ** 31 },
  { counterId: 2 ** 31 + 1 },
  { counterId: 0 },
  { counterId: -3 },
  { counterId: 1.5 },
  { counterId: '1' },
  { counterId: Number.NaN },
  { counterId: Number.POSITIVE_INFINITY },
  { counterId: undefined },
  { counterId: null },
  { counterId: 1, extra: true },
  { ticketId: 7 },
  { ticketId: 7, counterId: 1 },
  { ticketId: 0 },
  { ticketId: '7' },
  { ticketId: 2 ** 31 },
  { ticketId: 2 ** 53 },
  JSON.parse('{"__proto__": {"x": 1}, "ticketId": 7}'),
  JSON.parse('{"__proto__": {"x": 1}, "counterId": 7}'),
  Object.assign(Object.create(null), { ticketId: 7 }),
  Object.assign(Object.create(null), { counterId: 7 }),
];

describe('hub command payloads checked by hand (server/hub/commands.ts `plain`)', () => {
  const withPlain = Object.entries(commands).filter(([, c]) => c.plain);

  it('covers the commands of a press', () => {
    expect(withPlain.map(([name]) => name)).toEqual(expect.arrayContaining(['queue:call-next', 'ticket:start']));
  });

  for (const [name, command] of withPlain) {
    it(`${name}: answers what the schema answers, or leaves the payload to it`, () => {
      let taken = 0;
      for (const payload of payloads) {
        const schema = command.schema.safeParse(payload);
        const plain = command.plain?.(payload);
        if (plain !== NOT_PLAIN) {
          taken++;
          expect(schema.success, `${name} ${JSON.stringify(payload)}`).toBe(true);
          expect(plain).toStrictEqual(schema.data);
        }
        if (schema.success) expect(parsePayload(command, payload)).toStrictEqual(schema.data);
        else expect(() => parsePayload(command, payload)).toThrow();
      }
      expect(taken).toBeGreaterThan(0);
    });
  }
});
