import { describe, expect, it } from 'vitest';
import { fromSnapshot, ingest, SnapshotSchema, validate, type ShowEvent } from '@nightmarket/client';
import { MemoryStore, ShowEngine, ShowRegistry } from '@nightmarket/engine';
import { cny, liveSale, makeEngine, makeShow, problemOf, T0, tea, vacuum, viewer } from './fixtures.js';

describe('show lifecycle commands', () => {
  it('moves scheduled → live ⇄ paused → ended, and refuses other transitions naming both statuses', async () => {
    const h = makeEngine({ init: { show: makeShow({ status: 'scheduled' }) } });
    const wrong = await problemOf(h.engine.command({ type: 'show.pause' }));
    expect(wrong).toMatchObject({ type: 'show-not-live', status: 409, detail: 'show.pause needs the show live; it is scheduled.' });
    await h.engine.command({ type: 'show.start' });
    await h.engine.command({ type: 'show.pause' });
    expect((await problemOf(h.engine.command({ type: 'show.pause' }))).detail).toBe('show.pause needs the show live; it is paused.');
    await h.engine.command({ type: 'show.start' });
    expect((await problemOf(h.engine.command({ type: 'show.start' }))).detail).toBe(
      'show.start needs the show scheduled or paused; it is live.',
    );
    expect(h.of('show.updated').map((e) => e.data.status)).toEqual(['live', 'paused', 'live']);
  });

  it('ends the show: closes sales, presales and polls, then show.updated ended, then ends subscribers', async () => {
    const h = makeEngine();
    const saleId = await liveSale(h);
    await h.engine.command({
      type: 'presale.open',
      presale: {
        id: 'pre',
        productId: 'rocket',
        variantId: 'slot',
        deposit: cny(1),
        balance: cny(2),
        balanceDueFrom: T0 + 10_000,
        balanceDueUntil: T0 + 20_000,
        refundable: true,
        limitPerBuyer: 1,
        endsAt: T0 + 5000,
      },
    });
    await h.engine.command({ type: 'poll.open', poll: { id: 'p', question: 'Q?', options: ['A', 'B'] } });
    await h.engine.react('mei', { kind: 'heart' });
    const ends: string[] = [];
    h.engine.subscribe({ event: () => undefined, end: (reason) => ends.push(reason) });
    const before = h.events.length;
    const result = await h.engine.command({ type: 'show.end' });
    const final = h.events.slice(before);
    expect(final.map((e) => e.type)).toEqual(['reaction', 'sale.ended', 'presale.closed', 'poll.closed', 'show.updated']);
    expect(final[1]!.data).toMatchObject({ id: saleId, endReason: 'host' });
    expect(h.engine.state.show).toMatchObject({ status: 'ended', endedAt: T0 });
    expect(result.seq).toBe(h.engine.seq);
    expect(ends).toEqual(['ended']);
    expect((await problemOf(h.engine.command({ type: 'show.end' }))).type).toBe('show-not-live');
    expect((await problemOf(h.engine.reserve('mei', { saleId, quantity: 1 }))).type).toBe('sale-ended');
    expect((await problemOf(h.engine.command({ type: 'poll.open', poll: { question: 'Q?', options: ['A', 'B'] } }))).type).toBe(
      'show-not-live',
    );
    // The replay arrives after the end, as show details do.
    await h.engine.command({ type: 'show.update', show: { replay: { hls: 'https://video.example/replay.m3u8' } } });
    expect(h.engine.state.show.replay).toEqual({ hls: 'https://video.example/replay.m3u8' });
    let late = false;
    h.engine.subscribe({ event: () => undefined, end: () => (late = true) });
    await Promise.resolve();
    expect(late).toBe(true);
  });

  it('validates commands: 400 with every field, detail naming the first', async () => {
    const h = makeEngine();
    const bad = await problemOf(h.engine.command({ type: 'stock.set', productId: 'vacuum', stock: -1 }));
    expect(bad).toMatchObject({ type: 'invalid-request', status: 400, detail: 'variantId: is required' });
    expect(bad.errors).toEqual([
      { path: 'variantId', message: 'is required' },
      { path: 'stock', message: 'must not be negative' },
    ]);
    expect((await problemOf(h.engine.command({ type: 'launch.rocket' }))).type).toBe('invalid-request');
    expect((await problemOf(h.engine.command(null))).type).toBe('invalid-request');
    expect((await problemOf(h.engine.command({ type: 'product.pin', productId: 'nope' }))).detail).toBe(
      'Product "nope" is not in this show.',
    );
  });
});

describe('catalog commands', () => {
  it('upserts, pins, unpins and removes products', async () => {
    const h = makeEngine({ init: { products: [vacuum] } });
    await h.engine.command({ type: 'product.upsert', product: tea });
    expect(h.engine.state.products.map((p) => p.id)).toEqual(['vacuum', 'tea']);
    await h.engine.command({ type: 'product.pin', productId: 'tea', streamTime: T0 - 4000 });
    expect(h.engine.state.pinned).toEqual({ productId: 'tea', at: T0, streamTime: T0 - 4000 });
    await h.engine.command({ type: 'product.unpin' });
    expect(h.engine.state.pinned).toBeNull();
    await h.engine.command({ type: 'product.pin', productId: 'vacuum', variantId: 'black' });
    await h.engine.command({ type: 'product.remove', productId: 'vacuum' });
    expect(h.engine.state.pinned).toBeNull();
    expect((await problemOf(h.engine.command({ type: 'product.remove', productId: 'vacuum' }))).type).toBe('not-found');
    const usd = await problemOf(h.engine.command({ type: 'product.upsert', product: { ...tea, id: 't2', price: { amount: 1, currency: 'USD' } } }));
    expect(usd.detail).toMatch(/^product\.price\.currency: must be in the show currency CNY/);
  });

  it('sets stock: stock.changed, and availability follows tracked stock', async () => {
    const h = makeEngine();
    await h.engine.command({ type: 'stock.set', productId: 'vacuum', variantId: 'white', stock: 0 });
    await h.engine.command({ type: 'stock.set', productId: 'vacuum', variantId: 'white', stock: 0 }); // no change, no event
    await h.engine.command({ type: 'stock.set', productId: 'vacuum', variantId: 'white', stock: null });
    expect(h.of('stock.changed').map((e) => [e.data.stock, e.data.available])).toEqual([
      [0, false],
      [null, false],
    ]);
    await h.engine.command({ type: 'stock.set', productId: 'vacuum', variantId: 'white', stock: 3 });
    expect(h.engine.state.products[0]!.variants[0]).toMatchObject({ stock: 3, available: true });
  });

  it('product.upsert replaces stock in the store too', async () => {
    const h = makeEngine();
    await h.engine.command({
      type: 'product.upsert',
      product: { ...vacuum, variants: [{ id: 'white', title: 'White', available: true, stock: 1 }] },
    });
    const two = await problemOf(h.engine.checkout('mei', { source: 'items', lines: [{ productId: 'vacuum', variantId: 'white', quantity: 2 }] }));
    expect(two.type).toBe('out-of-stock');
  });
});

describe('events and snapshots', () => {
  it('snapshot at N plus the events after N is the snapshot at M', async () => {
    const h = makeEngine();
    await h.engine.chat(viewer('mei', 'Mei'), { text: 'first' });
    const early = JSON.parse(JSON.stringify(h.engine.snapshot())) as unknown;
    const checked = validate(SnapshotSchema, early);
    expect(checked.success).toBe(true);
    const saleId = await liveSale(h, { units: 3 });
    const r = await h.engine.reserve('mei', { saleId, quantity: 2 });
    await h.engine.checkout('mei', { source: 'reservation', reservationId: r.id });
    await h.engine.command({ type: 'poll.open', poll: { question: 'Q?', options: ['A', 'B'] } });
    await h.engine.command({ type: 'product.pin', productId: 'tea' });
    await h.engine.react('jun', { kind: 'fire' });
    h.engine.viewerJoined();
    await h.engine.tick();
    await h.engine.command({ type: 'show.end' });
    let state = fromSnapshot(checked.success ? checked.output : (undefined as never));
    for (const event of h.engine.eventsAfter(state.seq)!) {
      const step = ingest(state, JSON.parse(JSON.stringify(event)) as ShowEvent);
      expect(step.outcome).toBe('applied');
      state = step.state;
    }
    expect(state).toEqual(h.engine.state);
    const { serverTime, heartbeatMs, ...rest } = h.engine.snapshot();
    expect(rest).toEqual(h.engine.state);
    expect([serverTime, heartbeatMs]).toEqual([T0, 60_000]);
    expect(h.engine.state.capabilities).toEqual(['cart', 'checkout', 'flash-sale', 'presale', 'chat', 'reactions', 'polls', 'since']);
  });

  it('keeps a bounded history: eventsAfter is undefined for cursors too old or ahead', async () => {
    const h = makeEngine({ historyLimit: 3 });
    for (let i = 0; i < 6; i++) await h.engine.chat(`v${i}`, { text: `m${i}` });
    expect(h.engine.seq).toBe(6);
    expect(h.engine.eventsAfter(3)!.map((e) => e.seq)).toEqual([4, 5, 6]);
    expect(h.engine.eventsAfter(5)!.map((e) => e.seq)).toEqual([6]);
    expect(h.engine.eventsAfter(6)).toEqual([]);
    expect(h.engine.eventsAfter(2)).toBeUndefined();
    expect(h.engine.eventsAfter(7)).toBeUndefined();
    expect(h.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]); // contiguous
  });

  it('ends subscribers on dispose, and a subscriber that throws does not break the others', async () => {
    const errors: unknown[] = [];
    const h = makeEngine({ onError: (e) => errors.push(e) });
    const seen: number[] = [];
    h.engine.subscribe(() => {
      throw new Error('bad subscriber');
    });
    const reasons: string[] = [];
    const off = h.engine.subscribe({ event: (e) => seen.push(e.seq), end: (r) => reasons.push(r) });
    await h.engine.chat('mei', { text: 'a' });
    off();
    await h.engine.chat('mei', { text: 'b' });
    expect(seen).toEqual([1]);
    expect(errors).toHaveLength(2);
    h.engine.subscribe({ event: () => undefined, end: (r) => reasons.push(r) });
    h.engine.dispose();
    expect(reasons).toEqual(['disposed']);
    expect(h.engine.disposed).toBe(true);
  });

  it('rejects an invalid show or duplicate products at construction', () => {
    expect(() => new ShowEngine({ show: { ...makeShow(), currency: 'yuan' } }, { autoTick: false })).toThrow(
      /init\.show is invalid: currency: must be an ISO 4217 code/,
    );
    expect(() => new ShowEngine({ show: makeShow(), products: [tea, tea] }, { autoTick: false })).toThrow(/two products with id "tea"/);
  });

  it('runs tick on a timer unless autoTick is false, and stops on dispose', async () => {
    const engine = new ShowEngine({ show: makeShow(), products: [tea] }, { tickMs: 10 });
    engine.viewerJoined();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(engine.state.viewers).toBe(1);
    engine.dispose();
    engine.viewerLeft();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(engine.state.viewers).toBe(1);
  });
});

describe('ShowRegistry', () => {
  it('creates, finds, lists and deletes engines, sharing options and one store', async () => {
    const store = new MemoryStore();
    const registry = new ShowRegistry({ autoTick: false, store, epoch: 'shared' });
    const a = registry.create({ show: makeShow({ id: 'a' }), products: [tea] });
    const b = registry.create({ show: makeShow({ id: 'b' }) }, { epoch: 'own' });
    expect(() => registry.create({ show: makeShow({ id: 'a' }) })).toThrow(/already exists/);
    expect(registry.get('a')).toBe(a);
    expect(registry.list()).toEqual([a, b]);
    expect([a.epoch, b.epoch]).toEqual(['shared', 'own']);
    await a.addToCart('mei', { productId: 'tea', variantId: 'default', quantity: 1 });
    await expect(store.getCart('a', 'mei')).resolves.toMatchObject({ lines: [{ productId: 'tea' }] });
    expect(registry.delete('a')).toBe(true);
    expect(a.disposed).toBe(true);
    expect(registry.get('a')).toBeUndefined();
    expect(registry.delete('a')).toBe(false);
    registry.dispose();
    expect(b.disposed).toBe(true);
  });
});
