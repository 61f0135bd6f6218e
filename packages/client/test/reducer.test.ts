import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  CHAT_HISTORY_LIMIT,
  fromSnapshot,
  ingest,
  parseEvent,
  type ShowEvent,
  type ShowState,
} from '@nightmarket/client';
import { eventAt, snapshot } from './fixtures.js';

const run = (state: ShowState, events: readonly ShowEvent[]): ShowState =>
  events.reduce((s, e) => ingest(s, e).state, state);

describe('applyEvent', () => {
  it('applies each event type to the state it belongs to', () => {
    let state = fromSnapshot(snapshot());
    state = applyEvent(state, eventAt(1, 1)); // chat.message
    state = applyEvent(state, eventAt(2, 2)); // stock.changed
    state = applyEvent(state, eventAt(3, 3)); // product.pinned
    expect(state.seq).toBe(3);
    expect(state.chat.map((m) => m.id)).toEqual(['m1']);
    expect(state.products[0]!.variants[0]!.stock).toBe(498);
    expect(state.pinned).toMatchObject({ productId: 'vac-1', streamTime: 1_700_000_000_030 - 4000 });
    state = applyEvent(state, { type: 'chat.removed', seq: 4, at: 1, data: { messageId: 'm1' } });
    expect(state.chat).toEqual([]);
    state = applyEvent(state, { type: 'product.removed', seq: 5, at: 1, data: { productId: 'vac-1' } });
    expect(state.products).toEqual([]);
    expect(state.pinned).toBeNull();
  });

  it('does not mutate the previous state and keeps untouched parts by identity', () => {
    const before = fromSnapshot(snapshot());
    const frozen = structuredClone(before);
    const after = applyEvent(before, eventAt(1, 0)); // viewers.changed
    expect(before).toEqual(frozen);
    expect(after).not.toBe(before);
    expect(after.products).toBe(before.products);
    expect(after.viewers).toBe(3);
  });

  it('updates sale units and variant stock from one stock.changed', () => {
    const sale = {
      id: 's1', productId: 'vac-1', variantId: 'white', price: { amount: 99900, currency: 'CNY' },
      units: 5, unitsLeft: 5, limitPerBuyer: 1, startsAt: 0, endsAt: 10, reservationTtlMs: 60_000, status: 'live',
    } as const;
    const state = applyEvent(fromSnapshot(snapshot({ sales: [sale] })), {
      type: 'stock.changed', seq: 1, at: 1,
      data: { productId: 'vac-1', variantId: 'white', stock: 499, available: true, sale: { id: 's1', unitsLeft: 4 } },
    });
    expect(state.sales[0]!.unitsLeft).toBe(4);
    expect(state.products[0]!.variants[0]!.stock).toBe(499);
  });

  it('keeps only the most recent chat messages', () => {
    let state = fromSnapshot(snapshot());
    for (let seq = 1; seq <= CHAT_HISTORY_LIMIT + 20; seq++) state = applyEvent(state, eventAt(seq, 1));
    expect(state.chat).toHaveLength(CHAT_HISTORY_LIMIT);
    expect(state.chat.at(-1)!.id).toBe(`m${CHAT_HISTORY_LIMIT + 20}`);
    expect(state.chat[0]!.id).toBe('m21');
  });

  it('advances seq past event types it does not know (forward compatibility)', () => {
    const parsed = parseEvent({ type: 'livestream.confetti', seq: 1, at: 5, data: { colour: 'gold' } });
    expect(parsed.kind).toBe('unknown');
    if (parsed.kind !== 'unknown') return;
    const before = fromSnapshot(snapshot());
    const after = applyEvent(before, parsed.event);
    expect(after.seq).toBe(1);
    expect({ ...after, seq: 0 }).toEqual(before);
  });
});

describe('ingest', () => {
  it('reports duplicates, gaps and resets without changing the state', () => {
    const state = run(fromSnapshot(snapshot()), [eventAt(1), eventAt(2)]);
    expect(ingest(state, eventAt(2))).toEqual({ state, outcome: 'duplicate' });
    expect(ingest(state, eventAt(4))).toEqual({ state, outcome: 'gap' });
    expect(ingest(state, { type: 'reset', seq: 9, at: 1, data: { reason: 'too-old' } })).toEqual({ state, outcome: 'reset' });
    expect(ingest(state, eventAt(3)).outcome).toBe('applied');
  });
});

describe('properties', () => {
  const events = (n: number): ShowEvent[] => Array.from({ length: n }, (_, i) => eventAt(i + 1, i * 7 + 3));

  it('snapshot at N + events N+1…M equals snapshot at M', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 120 }), (a, b) => {
        const [n, m] = a <= b ? [a, b] : [b, a];
        const all = events(m);
        const atN = run(fromSnapshot(snapshot()), all.slice(0, n));
        const atM = run(fromSnapshot(snapshot()), all);
        // A snapshot is the state serialized; going through JSON proves no hidden structure.
        const resumed = run(JSON.parse(JSON.stringify(atN)) as ShowState, all.slice(n));
        expect(resumed).toEqual(atM);
      }),
      { numRuns: 200 },
    );
  });

  it('replayed and duplicated deliveries (as a resumed stream sends them) change nothing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 80 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 40 }),
        (m, replays) => {
          const all = events(m);
          // A delivery order: in-order, with replays of earlier runs inserted (reconnect backlogs).
          const delivered: ShowEvent[] = [];
          const sortedReplays = replays.map(([at, len]) => [at % m, len % 10] as const).sort((x, y) => x[0] - y[0]);
          let r = 0;
          for (let i = 0; i < m; i++) {
            delivered.push(all[i]!);
            while (r < sortedReplays.length && sortedReplays[r]![0] === i) {
              const len = sortedReplays[r]![1];
              delivered.push(...all.slice(Math.max(0, i + 1 - len), i + 1));
              r++;
            }
          }
          expect(run(fromSnapshot(snapshot()), delivered)).toEqual(run(fromSnapshot(snapshot()), all));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('an event arriving ahead of its turn is refused as a gap, never applied out of order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 60 }), fc.integer({ min: 0, max: 58 }), (m, k) => {
        const all = events(m);
        const base = run(fromSnapshot(snapshot()), all.slice(0, Math.min(k, m - 2)));
        const ahead = all[base.seq + 1]!; // skips base.seq + 1
        expect(ingest(base, ahead)).toEqual({ state: base, outcome: 'gap' });
      }),
    );
  });
});
