// @vitest-environment jsdom
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Ack } from '../server/contracts/hub.ts';
import type { QueueSnapshot } from '../server/contracts/queue.ts';
import { FakeHub } from './fake-hub.ts';
import { emitCommand } from './hub.ts';
import { makeTicketDto } from './ticket-fixture.ts';
import { SUBSCRIBE_RETRY_MS, useLocationFeed } from './use-location-feed.ts';

afterEach(cleanup);

const snapshotOf = (locationId: string, tickerText = ''): QueueSnapshot => ({
  locationId,
  serviceDate: '2026-12-01',
  at: '2026-12-01T09:00:00Z',
  tickets: [],
  counters: [],
  recentCalls: [],
  waits: [],
  tickerText,
  callAndStart: false,
});

function feed(hub: FakeHub, locationId: string | null) {
  const snapshots: string[] = [];
  const facts: string[] = [];
  const hook = renderHook(
    ({ id }: { id: string | null }) =>
      useLocationFeed(hub.asSocket(), {
        locationId: id,
        onSnapshot: (s) => snapshots.push(`${s.locationId}:${s.tickerText}`),
        facts: {
          'ticket:issued': (t) => facts.push(`issued ${t.locationId} ${t.number}`),
          'display:ticker-changed': (p) => facts.push(`ticker ${p.locationId} ${p.text}`),
        },
      }),
    { initialProps: { id: locationId } },
  );
  return { snapshots, facts, hook };
}

const answer =
  (locationId: string) =>
  (event: string): Ack =>
    event === 'queue:subscribe'
      ? { ok: true, data: snapshotOf(locationId, 'ack') }
      : { ok: false, error: { code: 'not-found', message: '' } };

describe('useLocationFeed', () => {
  it('subscribes on connect, applies the ack snapshot, then facts of its location only', async () => {
    const hub = new FakeHub(answer('a'));
    const { snapshots, facts } = feed(hub, 'a');
    await act(async () => {});
    expect(hub.sent('queue:subscribe')).toEqual([{ locationId: 'a' }]);
    expect(snapshots).toEqual(['a:ack']);
    act(() => {
      hub.serverEmit('ticket:issued', makeTicketDto({ locationId: 'a', number: 'A1' }));
      hub.serverEmit('ticket:issued', makeTicketDto({ locationId: 'b', number: 'B1' }));
      hub.serverEmit('display:ticker-changed', { locationId: 'a', text: 'hi' });
      hub.serverEmit('queue:snapshot', snapshotOf('b', 'other'));
    });
    expect(facts).toEqual(['issued a A1', 'ticker a hi']);
    expect(snapshots).toEqual(['a:ack']);
  });

  it('asks again for a subscription the hub could not answer (unavailable), but not for one it refused (forbidden)', async () => {
    vi.useFakeTimers();
    try {
      let refusals = 1;
      const hub = new FakeHub((event): Ack => {
        if (event !== 'queue:subscribe') return { ok: false, error: { code: 'not-found', message: '' } };
        if (refusals-- > 0) return { ok: false, error: { code: 'unavailable', message: 'Storage cannot be reached' } };
        return { ok: true, data: snapshotOf('a', 'ack') };
      });
      const { snapshots } = feed(hub, 'a');
      await act(async () => {});
      expect(snapshots).toEqual([]);
      await act(async () => {
        vi.advanceTimersByTime(SUBSCRIBE_RETRY_MS);
      });
      expect(hub.sent('queue:subscribe')).toHaveLength(2);
      expect(snapshots).toEqual(['a:ack']);

      const forbidden = new FakeHub(() => ({ ok: false, error: { code: 'forbidden', message: 'Not your location' } }));
      feed(forbidden, 'b');
      await act(async () => {
        vi.advanceTimersByTime(SUBSCRIBE_RETRY_MS * 3);
      });
      expect(forbidden.sent('queue:subscribe')).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('subscribes again after every reconnect, and reports the connection', async () => {
    const hub = new FakeHub(answer('a'));
    const { snapshots, hook } = feed(hub, 'a');
    await act(async () => {});
    act(() => hub.serverEmit('disconnect'));
    expect(hook.result.current.online).toBe(false);
    await act(async () => hub.serverEmit('connect'));
    expect(hook.result.current.online).toBe(true);
    expect(hub.sent('queue:subscribe')).toHaveLength(2);
    expect(snapshots).toEqual(['a:ack', 'a:ack']);
  });

  it('without a location, keeps to the location of the first snapshot the hub sends unasked', async () => {
    const hub = new FakeHub(answer('a'));
    const { snapshots, facts } = feed(hub, null);
    await act(async () => {});
    expect(hub.sent('queue:subscribe')).toEqual([]);
    act(() => {
      hub.serverEmit('queue:snapshot', snapshotOf('a', 'pushed'));
      hub.serverEmit('queue:snapshot', snapshotOf('b', 'other'));
      hub.serverEmit('ticket:issued', makeTicketDto({ locationId: 'b', number: 'B1' }));
      hub.serverEmit('ticket:issued', makeTicketDto({ locationId: 'a', number: 'A2' }));
    });
    expect(snapshots).toEqual(['a:pushed']);
    expect(facts).toEqual(['issued a A2']);
  });

  it('ignores stale facts and asks for a snapshot when a fact before one went missing', async () => {
    let seq = 10;
    const hub = new FakeHub((event) =>
      event === 'queue:subscribe'
        ? { ok: true, data: { ...snapshotOf('a', `seq ${seq}`), seq } }
        : { ok: false, error: { code: 'not-found', message: '' } },
    );
    const { snapshots, facts } = feed(hub, 'a');
    await act(async () => {});
    expect(snapshots).toEqual(['a:seq 10']);
    const issued = (number: string, order: { seq: number; prev: number }) =>
      hub.serverEmit('ticket:issued', { ...makeTicketDto({ locationId: 'a', number }), ...order });
    act(() => {
      issued('A9', { seq: 9, prev: 8 }); // already in the snapshot
      issued('A10', { seq: 10, prev: 9 }); // the snapshot's own
      issued('A11', { seq: 11, prev: 10 }); // next: applied
      issued('A11', { seq: 11, prev: 10 }); // the same again (another node): ignored
      hub.serverEmit('display:ticker-changed', { locationId: 'a', text: 'public', seq: 13, prev: 11 }); // a display's order
    });
    expect(facts).toEqual(['issued a A11', 'ticker a public']);
    expect(hub.sent('queue:subscribe')).toHaveLength(1);

    seq = 20;
    await act(async () => {
      issued('A15', { seq: 15, prev: 14 }); // 14 never came: applied, and a snapshot is asked for
      issued('A16', { seq: 16, prev: 15 });
    });
    expect(facts).toEqual(['issued a A11', 'ticker a public', 'issued a A15', 'issued a A16']);
    expect(hub.sent('queue:subscribe')).toHaveLength(2);
    expect(snapshots).toEqual(['a:seq 10', 'a:seq 20']);
    act(() => {
      issued('A17', { seq: 17, prev: 16 }); // older than the snapshot
      hub.serverEmit('queue:snapshot', { ...snapshotOf('a', 'older'), seq: 18 });
      issued('A21', { seq: 21, prev: 20 });
    });
    expect(facts.at(-1)).toBe('issued a A21');
    expect(facts).not.toContain('issued a A17');
    expect(snapshots).toEqual(['a:seq 10', 'a:seq 20']);
    expect(hub.sent('queue:subscribe')).toHaveLength(2);
  });

  it('resubscribes with its seq: an ack that its snapshot is current leaves it; an old hub is asked without', async () => {
    let reply: 'snapshot' | 'current' | 'refuse' = 'snapshot';
    const hub = new FakeHub((event, payload) => {
      if (event !== 'queue:subscribe') return { ok: false, error: { code: 'not-found', message: '' } };
      if (reply === 'current') return { ok: true, data: { current: true, seq: 12 } };
      if (reply === 'refuse' && (payload as { seq?: number }).seq !== undefined)
        return { ok: false, error: { code: 'validation-failed', message: 'payload: unrecognized key' } };
      return { ok: true, data: { ...snapshotOf('a', `ack ${reply}`), seq: reply === 'refuse' ? 13 : 10 } };
    });
    const { snapshots } = feed(hub, 'a');
    await act(async () => {});
    expect(hub.sent('queue:subscribe')).toEqual([{ locationId: 'a' }]);

    // Reconnected: the hub sent the snapshot unasked at the handshake, the subscription says which seq the feed has.
    reply = 'current';
    act(() => hub.serverEmit('disconnect'));
    await act(async () => {
      hub.serverEmit('connect');
      hub.serverEmit('queue:snapshot', { ...snapshotOf('a', 'pushed'), seq: 12 });
    });
    expect(hub.sent('queue:subscribe')).toEqual([{ locationId: 'a' }, { locationId: 'a', seq: 10 }]);
    expect(snapshots).toEqual(['a:ack snapshot', 'a:pushed']);

    // A node of before refuses the seq: asked again without it, its snapshot is applied.
    reply = 'refuse';
    act(() => hub.serverEmit('disconnect'));
    await act(async () => hub.serverEmit('connect'));
    await act(async () => {});
    expect(hub.sent('queue:subscribe').slice(2)).toEqual([{ locationId: 'a', seq: 12 }, { locationId: 'a' }]);
    expect(snapshots).toEqual(['a:ack snapshot', 'a:pushed', 'a:ack refuse']);
  });

  it('unpacks a batch of facts in order, and counts the facts of its own command as seen from the ack', async () => {
    const hub = new FakeHub((event) =>
      event === 'queue:subscribe'
        ? { ok: true, data: { ...snapshotOf('a', 'seq 10'), seq: 10 } }
        : event === 'ticket:start'
          ? {
              ok: true,
              data: makeTicketDto({ locationId: 'a', number: 'A12', status: 'serving' }),
              seq: 13,
              estimates: { at: '2026-12-01T09:01:00Z', waits: [] },
            }
          : { ok: false, error: { code: 'not-found', message: '' } },
    );
    const facts: string[] = [];
    renderHook(() =>
      useLocationFeed(hub.asSocket(), {
        locationId: 'a',
        onSnapshot: () => {},
        facts: {
          'ticket:issued': (t) => facts.push(`issued ${t.number} ${t.seq}`),
          'ticket:updated': (t) => facts.push(`updated ${t.number} ${t.seq}`),
          'wait:estimates': (p) => facts.push(`waits ${p.at}`),
        },
      }),
    );
    await act(async () => {});
    const fact = (event: 'ticket:issued' | 'ticket:updated', number: string, seq: number) => ({
      event,
      data: { ...makeTicketDto({ locationId: 'a', number }), seq, prev: seq - 1 },
    });
    act(() => {
      hub.serverEmit('queue:facts', {
        locationId: 'a',
        facts: [fact('ticket:issued', 'A11', 11), fact('ticket:updated', 'A11', 12)],
      });
      hub.serverEmit('queue:facts', { locationId: 'b', facts: [fact('ticket:issued', 'B1', 13)] });
    });
    expect(facts).toEqual(['issued A11 11', 'updated A11 12']);
    // This socket's start (seq 13) is not sent to it: the ack says so, and the next fact chains to it.
    await act(async () => {
      const ack = await emitCommand(hub.asSocket(), 'ticket:start', { ticketId: 12 });
      expect(ack.ok).toBe(true);
    });
    act(() => hub.serverEmit('queue:facts', { locationId: 'a', facts: [fact('ticket:issued', 'A14', 14)] }));
    expect(facts).toEqual(['issued A11 11', 'updated A11 12', 'waits 2026-12-01T09:01:00Z', 'issued A14 14']);
    expect(hub.sent('queue:subscribe')).toHaveLength(1);
  });

  it("hands a call's waits to the waits handler, as a wait:estimates of its location", async () => {
    const hub = new FakeHub(answer('a'));
    const waits: string[] = [];
    const calls: string[] = [];
    renderHook(() =>
      useLocationFeed(hub.asSocket(), {
        locationId: 'a',
        onSnapshot: () => undefined,
        facts: {
          'ticket:called': (c) => calls.push(c.number),
          'wait:estimates': (p) => waits.push(`${p.locationId} ${p.at} ${p.waits.map((w) => w.waiting).join(',')}`),
        },
      }),
    );
    await act(async () => {});
    const ticket = makeTicketDto({ locationId: 'a', number: 'A1' });
    const call = {
      ticketId: ticket.id,
      number: 'A1',
      counterId: 1,
      counterName: 'Balie 1',
      calledAt: '2026-12-01T09:01:00Z',
      recall: false,
      ticket,
    };
    const wait = { code: 'passport', waiting: 3, status: 'wait' as const, estimatedWait: null, opensAt: null };
    act(() => {
      hub.serverEmit('ticket:called', { ...call, estimates: { at: '2026-12-01T09:01:00Z', waits: [wait] } });
      hub.serverEmit('ticket:called', { ...call, number: 'A2' }); // without: nothing for the waits
      hub.serverEmit('ticket:called', {
        ...call,
        ticket: { ...ticket, locationId: 'b' },
        number: 'B1',
        estimates: { at: '2026-12-01T09:02:00Z', waits: [wait] },
      });
    });
    expect(calls).toEqual(['A1', 'A2']);
    expect(waits).toEqual(['a 2026-12-01T09:01:00Z 3']);
  });

  it('listens no more once unmounted', async () => {
    const hub = new FakeHub(answer('a'));
    const { facts, hook } = feed(hub, 'a');
    await act(async () => {});
    hook.unmount();
    hub.serverEmit('ticket:issued', makeTicketDto({ locationId: 'a', number: 'A3' }));
    expect(facts).toEqual([]);
  });
});
