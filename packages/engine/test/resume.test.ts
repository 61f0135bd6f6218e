/**
 * Resuming a show after a restart: the engine saves its public state to the store, and a new
 * engine restored from it continues the show in a new epoch with the counters the *store* holds
 * (commerce that happened after the last save is not lost, nothing is reseeded or sold twice).
 */
import { describe, expect, it } from 'vitest';
import { MemoryStore, ShowEngine, ShowRegistry, type SavedShow } from '@nightmarket/engine';
import { HOUR, liveSale, makeEngine, makeShow, openPresale, problemOf, tea, vacuum, rocket, type Harness } from './fixtures.js';

/** The one show saved in `store`. */
async function savedOf(store: MemoryStore): Promise<SavedShow> {
  const shows = await store.loadShows();
  expect(shows).toHaveLength(1);
  return shows[0]!;
}

/** A second engine over the same store and clock, restored from what the first one saved. */
async function restart(first: Harness, store: MemoryStore): Promise<Harness> {
  first.engine.dispose(); // a crash: nothing saved after the last flush
  const saved = await savedOf(store);
  const second = makeEngine({
    store,
    clock: first.clock,
    epoch: 'e2',
    init: { show: saved.state.show, products: saved.state.products },
    restore: saved,
  });
  await second.engine.ready;
  return second;
}

describe('resuming a show from its saved state', () => {
  it('continues a flash sale with the units the store holds, including sales after the last save', async () => {
    const store = new MemoryStore();
    const first = makeEngine({ store });
    const saleId = await liveSale(first, { units: 10, limitPerBuyer: 5 });
    await first.engine.command({ type: 'product.pin', productId: 'vacuum' });
    const bought = await first.engine.reserve('mei', { saleId, quantity: 2 });
    const result = await first.engine.checkout('mei', { source: 'reservation', reservationId: bought.id });
    if (result.kind !== 'order') throw new Error('expected an order');
    await first.engine.flush();
    // After the last save: jun holds 3 more, and an order is placed for tea.
    const held = await first.engine.reserve('jun', { saleId, quantity: 3 });

    const second = await restart(first, store);
    const state = second.engine.state;
    expect(state.epoch).toBe('e2');
    expect(state.pinned?.productId).toBe('vacuum');
    expect(state.sales[0]).toMatchObject({ id: saleId, status: 'live', unitsLeft: 5 });
    expect(state.products.find((p) => p.id === 'vacuum')!.variants[0]!.stock).toBe(498);
    // The correction since the save is published as an event of the new epoch.
    expect(second.of('stock.changed').map((e) => e.data.sale?.unitsLeft)).toEqual([5]);
    expect(second.events[0]!.seq).toBe(1);

    // Orders and reservations made before the restart are still there and still work.
    await expect(second.engine.getOrder('mei', result.order.id)).resolves.toEqual(result.order);
    await second.engine.checkout('jun', { source: 'reservation', reservationId: held.id });
    // The rest sells out; never a unit more than the sale has.
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => second.engine.reserve(`b${i}`, { saleId, quantity: 1 })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(await store.getSale('spring', saleId)).toMatchObject({ units: 10, unitsLeft: 0, sold: 5, held: 5 });
  });

  it('ends sales whose time ran out while the server was down, and sales the store closed', async () => {
    const store = new MemoryStore();
    const first = makeEngine({ store });
    const timed = await liveSale(first, { units: 5, durationMs: 60_000 });
    await first.engine.flush();
    await store.closeSale('spring', timed); // closed in the store after the save
    const second = await restart(first, store);
    expect(second.engine.state.sales[0]).toMatchObject({ status: 'ended', endReason: 'host' });

    const store2 = new MemoryStore();
    const third = makeEngine({ store: store2 });
    await liveSale(third, { units: 5, durationMs: 60_000 });
    await third.engine.flush();
    third.clock.advance(HOUR);
    const fourth = await restart(third, store2);
    await fourth.engine.tick();
    expect(fourth.engine.state.sales[0]).toMatchObject({ status: 'ended', endReason: 'time' });
  });

  it('takes deposits from the store and keeps who voted, so nobody votes twice', async () => {
    const store = new MemoryStore();
    const first = makeEngine({ store });
    const presaleId = await openPresale(first, { units: 800 });
    const { id: pollId } = await first.engine.command({ type: 'poll.open', poll: { question: 'Colour?', options: ['White', 'Black'] } });
    await first.engine.vote('mei', pollId!, { optionId: 'o1' });
    await first.engine.flush();
    await first.engine.deposit('jun', { presaleId, quantity: 2 }); // after the save

    const second = await restart(first, store);
    expect(second.engine.state.presales[0]!.depositsTaken).toBe(2);
    expect(second.of('presale.updated')).toHaveLength(1);
    expect(second.engine.state.polls[0]!.totalVotes).toBe(1);
    expect(await problemOf(second.engine.vote('mei', pollId!, { optionId: 'o2' }))).toMatchObject({ type: 'already-voted' });
    await expect(second.engine.vote('jun', pollId!, { optionId: 'o2' })).resolves.toMatchObject({ totalVotes: 2 });
  });

  it('saves a command before it resolves, other changes on tick at most every saveEveryMs, and on flush after dispose', async () => {
    const store = new MemoryStore();
    const h = makeEngine({ store, saveEveryMs: 1000 });
    await h.engine.tick();
    await h.engine.flush();
    expect((await savedOf(store)).state.seq).toBe(0);
    // A host command is saved by the time the host hears back.
    await h.engine.command({ type: 'product.pin', productId: 'tea' });
    expect((await savedOf(store)).state.pinned?.productId).toBe('tea');
    // Viewer traffic is saved at most once per saveEveryMs.
    await h.engine.chat('mei', { text: 'Is it dishwasher safe?' });
    h.clock.advance(500);
    await h.engine.tick();
    expect((await savedOf(store)).state.chat).toEqual([]);
    h.clock.advance(600);
    await h.engine.tick();
    await h.engine.flush();
    expect((await savedOf(store)).state.chat.map((m) => m.text)).toEqual(['Is it dishwasher safe?']);
    await h.engine.chat('jun', { text: 'Ships to Macau?' });
    h.engine.dispose();
    await h.engine.flush();
    expect((await savedOf(store)).state.chat).toHaveLength(2);

    const off = new MemoryStore();
    const quiet = makeEngine({ store: off, saveEveryMs: 0 });
    await quiet.engine.tick();
    await quiet.engine.flush();
    expect(await off.loadShows()).toEqual([]);
  });

  it('forgets a removed show, and refuses a saved state of another show or an invalid one', async () => {
    const store = new MemoryStore();
    const registry = new ShowRegistry({ store, autoTick: false });
    const engine = registry.create({ show: makeShow(), products: [vacuum, tea, rocket] });
    await engine.flush();
    const saved = await savedOf(store);
    expect(await registry.remove('spring')).toBe(true);
    expect(await registry.remove('spring')).toBe(false);
    expect(engine.disposed).toBe(true);
    expect(await store.loadShows()).toEqual([]);

    const resumed = registry.resume(saved);
    await resumed.ready;
    expect(resumed.state.products.map((p) => p.id)).toEqual(['vacuum', 'tea', 'rocket']);
    expect(resumed.epoch).not.toBe(saved.state.epoch);
    registry.dispose();

    expect(() => new ShowEngine({ show: makeShow({ id: 'autumn' }) }, { restore: saved, autoTick: false })).toThrow(
      /options\.restore is the state of show "spring", not of "autumn"/,
    );
    const broken = { ...saved, state: { ...saved.state, sales: [{ id: 'x' }] } } as unknown as SavedShow;
    expect(() => new ShowEngine({ show: makeShow() }, { restore: broken, autoTick: false })).toThrow(/options\.restore\.state is invalid: sales\.0/);
  });
});
