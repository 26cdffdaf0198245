// @vitest-environment jsdom
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Ack } from '../server/contracts/hub.ts';
import type { QueueSnapshot } from '../server/contracts/queue.ts';
import { FakeHub } from './fake-hub.ts';
import { makeTicketDto } from './ticket-fixture.ts';
import { useLocationFeed } from './use-location-feed.ts';

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

  it('listens no more once unmounted', async () => {
    const hub = new FakeHub(answer('a'));
    const { facts, hook } = feed(hub, 'a');
    await act(async () => {});
    hook.unmount();
    hub.serverEmit('ticket:issued', makeTicketDto({ locationId: 'a', number: 'A3' }));
    expect(facts).toEqual([]);
  });
});
