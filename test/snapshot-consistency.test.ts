/**
 * The property the protocol rests on, checked against the real engine: for any sequence of host
 * commands and viewer actions, snapshot(N) + events N+1…M (as the stream would deliver them,
 * through the client's reducer) equals snapshot(M); every event and snapshot the engine produces
 * is valid protocol; seq is contiguous; the engine's resume history serves exactly those events.
 * (The engine builds its state with the same reducer, so the reducer's own semantics are checked
 * by its unit tests, not here.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromSnapshot, ingest, parseEvent, SnapshotSchema, validate, type ShowEvent, type ShowState } from '@nightmarket/client';
import { ShowEngine } from '@nightmarket/engine';
import { sampleProducts, sampleShow } from '@nightmarket/testing';

type Step =
  | { kind: 'pin'; product: number }
  | { kind: 'unpin' }
  | { kind: 'chat'; viewer: number; text: string }
  | { kind: 'remove-chat'; back: number }
  | { kind: 'viewers'; count: number }
  | { kind: 'stock'; product: number; stock: number }
  | { kind: 'poll' }
  | { kind: 'vote'; viewer: number; option: number }
  | { kind: 'sale'; units: number }
  | { kind: 'reserve'; viewer: number; quantity: number }
  | { kind: 'buy'; viewer: number; product: number; quantity: number }
  | { kind: 'tick'; ms: number }
  | { kind: 'snapshot' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('pin' as const), product: fc.nat(2) }),
  fc.constant({ kind: 'unpin' as const }),
  fc.record({ kind: fc.constant('chat' as const), viewer: fc.nat(4), text: fc.string({ minLength: 1, maxLength: 20 }) }),
  fc.record({ kind: fc.constant('remove-chat' as const), back: fc.nat(3) }),
  fc.record({ kind: fc.constant('viewers' as const), count: fc.nat(100_000) }),
  fc.record({ kind: fc.constant('stock' as const), product: fc.nat(2), stock: fc.nat(50) }),
  fc.constant({ kind: 'poll' as const }),
  fc.record({ kind: fc.constant('vote' as const), viewer: fc.nat(4), option: fc.nat(2) }),
  fc.record({ kind: fc.constant('sale' as const), units: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ kind: fc.constant('reserve' as const), viewer: fc.nat(4), quantity: fc.integer({ min: 1, max: 2 }) }),
  fc.record({ kind: fc.constant('buy' as const), viewer: fc.nat(4), product: fc.nat(2), quantity: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 200_000 }) }),
  fc.constant({ kind: 'snapshot' as const }),
);

async function play(engine: ShowEngine, clock: { now: number }, s: Step): Promise<void> {
  const state = engine.state;
  const product = (i: number) => state.products[i % Math.max(1, state.products.length)];
  // Expected refusals (sold out, limits, closed polls…) are part of the game; they produce no events.
  const attempt = (p: Promise<unknown>) => p.catch((e: unknown) => {
    if (!(e instanceof Error) || e.name !== 'ProblemError') throw e;
  });
  switch (s.kind) {
    case 'pin': {
      const p = product(s.product);
      if (p) await engine.command({ type: 'product.pin', productId: p.id, streamTime: clock.now - 3000 });
      return;
    }
    case 'unpin':
      return void (await attempt(engine.command({ type: 'product.unpin', streamTime: null })));
    case 'chat':
      return void (await attempt(engine.chat({ id: `v${s.viewer}`, name: `Viewer ${s.viewer}` }, { text: s.text })));
    case 'remove-chat': {
      const m = state.chat.at(-1 - s.back);
      if (m) await engine.command({ type: 'chat.remove', messageId: m.id });
      return;
    }
    case 'viewers':
      return void (await engine.command({ type: 'viewers.set', count: s.count }));
    case 'stock': {
      const p = product(s.product);
      if (p) await engine.command({ type: 'stock.set', productId: p.id, variantId: p.variants[0]!.id, stock: s.stock });
      return;
    }
    case 'poll':
      return void (await engine.command({ type: 'poll.open', poll: { question: 'Which colour?', options: ['White', 'Black', 'Sage'] } }));
    case 'vote': {
      const poll = state.polls.find((p) => p.status === 'open');
      if (poll) await attempt(engine.vote(`v${s.viewer}`, poll.id, { optionId: poll.options[s.option % poll.options.length]!.id }));
      return;
    }
    case 'sale':
      await engine.command({
        type: 'sale.schedule',
        sale: {
          productId: 'robot-vacuum', variantId: 'white', price: { amount: 99_900, currency: 'CNY' },
          units: s.units, limitPerBuyer: 2, startsAt: clock.now, endsAt: clock.now + 60_000, reservationTtlMs: 30_000,
        },
      });
      return void (await engine.tick());
    case 'reserve': {
      const sale = state.sales.find((x) => x.status === 'live');
      if (sale) await attempt(engine.reserve(`v${s.viewer}`, { saleId: sale.id, quantity: s.quantity }));
      return;
    }
    case 'buy': {
      const p = product(s.product);
      if (p) {
        await attempt(engine.checkout(`v${s.viewer}`, {
          source: 'items', lines: [{ productId: p.id, variantId: p.variants[0]!.id, quantity: s.quantity }],
        }));
      }
      return;
    }
    case 'tick':
      clock.now += s.ms;
      return void (await engine.tick());
    case 'snapshot':
      return;
  }
}

describe('engine snapshots and the client reducer', () => {
  it('snapshot(N) + events N+1…M = snapshot(M), for random shows', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 60 }), fc.nat(), async (steps, cut) => {
        const clock = { now: 1_800_000_000_000 };
        const engine = new ShowEngine(
          { show: sampleShow({ startsAt: clock.now }), products: sampleProducts },
          { now: () => clock.now, autoTick: false, ids: counter(), epoch: 'prop' },
        );
        const events: ShowEvent[] = [];
        engine.subscribe((e) => events.push(e));
        const at = cut % (steps.length + 1);
        let snapshotN = engine.snapshot();
        for (const [i, s] of steps.entries()) {
          if (i === at) snapshotN = engine.snapshot();
          await play(engine, clock, s);
        }
        if (at === steps.length) snapshotN = engine.snapshot();
        const snapshotM = engine.snapshot();
        for (const snap of [snapshotN, snapshotM]) {
          const check = validate(SnapshotSchema, snap);
          expect(check.success ? [] : check.issues).toEqual([]);
        }
        for (const e of events) {
          seen.add(e.type);
          expect(parseEvent(JSON.parse(JSON.stringify(e)))).toMatchObject({ kind: 'event' });
        }
        // What a client holding snapshot N receives: the events after its seq, via JSON.
        const wire = events.filter((e) => e.seq > snapshotN.seq).map((e) => JSON.parse(JSON.stringify(e)) as ShowEvent);
        let state: ShowState = fromSnapshot(JSON.parse(JSON.stringify(snapshotN)));
        for (const e of wire) {
          const r = ingest(state, e);
          expect(r.outcome).toBe('applied');
          state = r.state;
        }
        expect(state).toEqual(fromSnapshot(JSON.parse(JSON.stringify(snapshotM))));
        // The engine's history serves the same events for resume.
        expect(engine.eventsAfter(snapshotN.seq)?.map((e) => e.seq)).toEqual(wire.map((e) => e.seq));
        engine.dispose();
      }),
      { numRuns: 150 },
    );
    // The random walks reach the parts of the engine that matter, not just chat.
    for (const type of ['chat.message', 'chat.removed', 'product.pinned', 'stock.changed', 'sale.started', 'sale.ended', 'purchase', 'poll.updated']) {
      expect(seen, `no run produced ${type}`).toContain(type);
    }
    // About 0.5 s alone; room for a loaded 2-core CI machine. A counterexample prints its seed.
  }, 60_000);
});

function counter(): () => string {
  let n = 0;
  return () => `id-${++n}`;
}
