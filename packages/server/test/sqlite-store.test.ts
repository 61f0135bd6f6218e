/**
 * SqliteStore against the CommerceStore contract: the same behavioural cases run over MemoryStore
 * (the reference) and SqliteStore through the real ShowEngine, a differential run of random
 * operations that must give identical results on both, and persistence across close and reopen.
 */
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MemoryStore, requestFingerprint, type CommerceStore, type SaleUnits } from '@nightmarket/engine';
import { SqliteStore } from '../src/sqlite-store.js';
import {
  cny,
  depositOrder,
  FakeClock,
  gated,
  HOUR,
  liveSale,
  makeEngine,
  openPresale,
  problemOf,
  purchaseOrder,
  reservation,
  T0,
  TempDir,
} from './fixtures/harness.js';

const dir = new TempDir();
const opened: SqliteStore[] = [];

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});
afterAll(() => dir.remove());

function sqlite(path = dir.file()): SqliteStore {
  const store = new SqliteStore({ path });
  opened.push(store);
  return store;
}

const fp = (body: unknown): string => requestFingerprint('POST', 'shows/spring/reservations', body);
const scope = (key: string, viewerId = 'mei', showId = 'spring') => ({ showId, viewerId, key });

describe.each([
  ['memory', (): CommerceStore => new MemoryStore()],
  ['sqlite', (): CommerceStore => sqlite()],
])('CommerceStore contract: %s', (_name, open) => {
  describe('flash sales', () => {
    it('holds exactly 100 units for 1,000 concurrent reservations', async () => {
      const store = open();
      const h = makeEngine(store);
      const saleId = await liveSale(h, { units: 100, limitPerBuyer: 1 });
      const results = await Promise.allSettled(
        Array.from({ length: 1000 }, (_, i) => h.engine.reserve(`buyer-${i}`, { saleId, quantity: 1 })),
      );
      const held = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r) => r.status === 'rejected');
      expect(held).toHaveLength(100);
      expect(refused.every((r) => r.status === 'rejected' && r.reason.type === 'sold-out')).toBe(true);
      expect(new Set(held.map((r) => r.status === 'fulfilled' && r.value.id)).size).toBe(100);
      expect(h.engine.state.sales[0]!.unitsLeft).toBe(0);
      expect(h.of('stock.changed').map((e) => e.data.sale?.unitsLeft)).toEqual(Array.from({ length: 100 }, (_, i) => 99 - i));
      expect(await store.closeSale('spring', saleId)).toMatchObject({ units: 100, unitsLeft: 0, held: 100, sold: 0, closed: true });
    });

    it('never oversells with mixed quantities racing', async () => {
      const h = makeEngine(open());
      const saleId = await liveSale(h, { units: 37, limitPerBuyer: 3 });
      const results = await Promise.allSettled(
        Array.from({ length: 200 }, (_, i) => h.engine.reserve(`b${i}`, { saleId, quantity: (i % 3) + 1 })),
      );
      const units = results.reduce((n, r) => n + (r.status === 'fulfilled' ? r.value.quantity : 0), 0);
      expect(units + h.engine.state.sales[0]!.unitsLeft).toBe(37);
      expect(units).toBeGreaterThanOrEqual(35);
    });

    it('limits units per buyer, counting held and bought units; a release gives them back', async () => {
      const h = makeEngine(open());
      const saleId = await liveSale(h, { units: 10, limitPerBuyer: 2 });
      const first = await h.engine.reserve('mei', { saleId, quantity: 1 });
      const over = await problemOf(h.engine.reserve('mei', { saleId, quantity: 2 }));
      expect(over).toMatchObject({ type: 'limit-exceeded', status: 409 });
      expect(over.detail).toMatch(/allows 2 units per buyer; you already have 1/);
      await h.engine.checkout('mei', { source: 'reservation', reservationId: first.id });
      const second = await h.engine.reserve('mei', { saleId, quantity: 1 }); // 1 bought + 1 held = 2
      expect((await problemOf(h.engine.reserve('mei', { saleId, quantity: 1 }))).type).toBe('limit-exceeded');
      await expect(h.engine.reserve('jun', { saleId, quantity: 2 })).resolves.toMatchObject({ status: 'held' });
      expect((await problemOf(h.engine.releaseReservation('jun', second.id))).type).toBe('not-found'); // not theirs
      await expect(h.engine.releaseReservation('mei', second.id)).resolves.toMatchObject({ status: 'released' });
      await expect(h.engine.reserve('mei', { saleId, quantity: 1 })).resolves.toMatchObject({ status: 'held' });
      expect(h.engine.state.sales[0]!.unitsLeft).toBe(10 - 1 - 2 - 1);
    });

    it('expires reservations: a tick returns the units; a late checkout is refused and returns them too', async () => {
      const store = open();
      const h = makeEngine(store);
      const saleId = await liveSale(h, { units: 10, reservationTtlMs: 5000 });
      const a = await h.engine.reserve('mei', { saleId, quantity: 3 });
      h.clock.advance(1000);
      const b = await h.engine.reserve('jun', { saleId, quantity: 4 });
      h.clock.advance(3999);
      await h.engine.tick();
      expect(h.engine.state.sales[0]!.unitsLeft).toBe(3);
      h.clock.advance(1); // a lapses
      await h.engine.tick();
      expect(h.engine.state.sales[0]!.unitsLeft).toBe(6);
      expect((await problemOf(h.engine.checkout('mei', { source: 'reservation', reservationId: a.id }))).type).toBe('reservation-expired');
      h.clock.advance(1000); // b lapses, no tick
      expect((await problemOf(h.engine.checkout('jun', { source: 'reservation', reservationId: b.id }))).type).toBe('reservation-expired');
      expect(h.engine.state.sales[0]!.unitsLeft).toBe(10);
      expect(h.engine.state.products[0]!.variants[0]!.stock).toBe(500); // nothing bought
      await expect(store.getReservation('spring', b.id)).resolves.toEqual({ reservation: { ...b, status: 'expired' }, buyerId: 'jun' });
      // The expired units are back in the buyers' allowance as well.
      await expect(h.engine.reserve('jun', { saleId, quantity: 5 })).resolves.toMatchObject({ status: 'held' });
    });

    it('converts a held reservation after the sale was closed; a second checkout is refused', async () => {
      const h = makeEngine(open());
      const saleId = await liveSale(h, { units: 2, limitPerBuyer: 2 });
      const r = await h.engine.reserve('lin', { saleId, quantity: 2 });
      await h.engine.command({ type: 'sale.end', saleId });
      const result = await h.engine.checkout('lin', { source: 'reservation', reservationId: r.id });
      const order = result.kind === 'order' ? result.order : undefined;
      expect(order).toMatchObject({ kind: 'purchase', status: 'confirmed', lines: [{ quantity: 2, saleId }] });
      expect(h.engine.state.products[0]!.variants[0]!.stock).toBe(498);
      await expect(h.engine.getOrder('lin', order!.id)).resolves.toEqual(order);
      expect((await problemOf(h.engine.getOrder('mei', order!.id))).type).toBe('not-found');
      expect((await problemOf(h.engine.checkout('lin', { source: 'reservation', reservationId: r.id }))).detail).toMatch(/already bought/);
      expect((await problemOf(h.engine.reserve('mei', { saleId, quantity: 1 }))).type).toBe('sale-ended');
    });
  });

  describe('store refusals', () => {
    it('checks a reservation in the documented order', async () => {
      const store = open();
      await store.putSale('spring', { id: 's', productId: 'vacuum', variantId: 'white', units: 3, limitPerBuyer: 2, startsAt: T0, endsAt: T0 + 1000 });
      const at = (now: number, id: string, quantity = 1, buyerId = 'mei') =>
        store.reserve('spring', { reservation: reservation(id, 's', quantity, now + 500), buyerId, now });
      await expect(store.reserve('spring', { reservation: reservation('x', 'nope', 1, T0), buyerId: 'mei', now: T0 })).resolves.toEqual({
        ok: false,
        reason: 'not-found',
      });
      await expect(at(T0 - 1, 'r0')).resolves.toEqual({ ok: false, reason: 'not-started', startsAt: T0 });
      await expect(at(T0 + 1000, 'r0')).resolves.toEqual({ ok: false, reason: 'ended' });
      await expect(at(T0, 'r0', 4)).resolves.toEqual({ ok: false, reason: 'sold-out', unitsLeft: 3 });
      await expect(at(T0, 'r0', 3)).resolves.toEqual({ ok: false, reason: 'limit-exceeded', limit: 2, has: 0 });
      const ok = await at(T0, 'r1', 2);
      expect(ok).toEqual({
        ok: true,
        reservation: reservation('r1', 's', 2, T0 + 500),
        sale: { saleId: 's', units: 3, unitsLeft: 1, held: 2, sold: 0, closed: false, version: 2 },
      });
      await expect(at(T0, 'r2', 1)).resolves.toEqual({ ok: false, reason: 'limit-exceeded', limit: 2, has: 2 });
      // Sold out is checked before the buyer's limit.
      await expect(at(T0, 'r2', 2)).resolves.toEqual({ ok: false, reason: 'sold-out', unitsLeft: 1 });
      await store.closeSale('spring', 's');
      await expect(at(T0, 'r3', 1, 'jun')).resolves.toEqual({ ok: false, reason: 'ended' });
    });

    it('answers release and purchase of reservations that are not held', async () => {
      const store = open();
      await store.putSale('spring', { id: 's', productId: 'vacuum', variantId: 'white', units: 5, limitPerBuyer: 5, startsAt: T0, endsAt: T0 + 9000 });
      await store.setStock('spring', 'vacuum', 'white', 1);
      await store.reserve('spring', { reservation: reservation('r1', 's', 2, T0 + 100), buyerId: 'mei', now: T0 });
      await store.reserve('spring', { reservation: reservation('r2', 's', 1, T0 + 100), buyerId: 'mei', now: T0 });
      const buy = (id: string, now = T0, buyerId = 'mei') =>
        store.purchaseReservation('spring', { reservationId: id, buyerId, now, order: purchaseOrder(`o-${id}`, [{ productId: 'vacuum', variantId: 'white', quantity: 2, saleId: 's' }]) });
      await expect(buy('r1', T0, 'jun')).resolves.toEqual({ ok: false, reason: 'not-found' });
      await expect(buy('nope')).resolves.toEqual({ ok: false, reason: 'not-found' });
      const bought = await buy('r1');
      // Tracked stock never goes below 0, even when a sale offered more than the stock.
      expect(bought).toMatchObject({ ok: true, sale: { unitsLeft: 2, held: 1, sold: 2 }, stock: { stock: 0, version: 2 } });
      await expect(buy('r1')).resolves.toMatchObject({ ok: false, reason: 'not-held', reservation: { status: 'converted' } });
      await expect(store.releaseReservation('spring', { reservationId: 'r1', buyerId: 'mei', now: T0 })).resolves.toMatchObject({
        ok: false,
        reason: 'not-held',
        reservation: { status: 'converted' },
      });
      // At expiresAt sharp the hold has lapsed: release expires it and reports the counters.
      const late = await store.releaseReservation('spring', { reservationId: 'r2', buyerId: 'mei', now: T0 + 100 });
      expect(late).toMatchObject({ ok: false, reason: 'not-held', reservation: { status: 'expired' }, sale: { unitsLeft: 3, held: 0 } });
      await expect(buy('r2')).resolves.toEqual({ ok: false, reason: 'expired', reservation: { ...reservation('r2', 's', 1, T0 + 100), status: 'expired' } });
      await expect(store.expireReservations('spring', T0 + 10_000)).resolves.toEqual([]);
    });

    it('returns copies: changing a result does not change the store', async () => {
      const store = open();
      await store.putSale('spring', { id: 's', productId: 'vacuum', variantId: 'white', units: 5, limitPerBuyer: 5, startsAt: T0, endsAt: T0 + 9000 });
      const input = reservation('r1', 's', 1, T0 + 100);
      const result = await store.reserve('spring', { reservation: input, buyerId: 'mei', now: T0 });
      (input as { quantity: number }).quantity = 99;
      if (result.ok) (result.reservation as { quantity: number }).quantity = 42;
      const stored = await store.getReservation('spring', 'r1');
      (stored!.reservation.unitPrice as { amount: number }).amount = 0;
      await expect(store.getReservation('spring', 'r1')).resolves.toEqual({ reservation: reservation('r1', 's', 1, T0 + 100), buyerId: 'mei' });
      const added = await store.addCartLine('spring', 'mei', {
        line: { id: 'l1', productId: 'tea', variantId: 'default', title: 'Tea', quantity: 1, unitPrice: cny(1) },
        now: T0,
        maxQuantity: 99,
        maxLines: 100,
      });
      if (added.ok) (added.cart.lines[0] as { quantity: number }).quantity = 50;
      await expect(store.getCart('spring', 'mei')).resolves.toMatchObject({ lines: [{ id: 'l1', quantity: 1 }], version: 1 });
    });

    it('keeps shows apart: the same ids in two shows are two records', async () => {
      const store = open();
      const terms = { id: 's', productId: 'vacuum', variantId: 'white', units: 1, limitPerBuyer: 1, startsAt: T0, endsAt: T0 + 9000 };
      await store.putSale('a', terms);
      await store.putSale('b', terms);
      await expect(store.reserve('a', { reservation: reservation('r', 's', 1, T0 + 100), buyerId: 'mei', now: T0 })).resolves.toMatchObject({ ok: true });
      await expect(store.reserve('b', { reservation: reservation('r', 's', 1, T0 + 100), buyerId: 'mei', now: T0 })).resolves.toMatchObject({ ok: true });
      await expect(store.expireReservations('a', T0 + 100)).resolves.toHaveLength(1);
      await expect(store.getReservation('b', 'r')).resolves.toMatchObject({ reservation: { status: 'held' } });
      await expect(store.getReservation('c', 'r')).resolves.toBeUndefined();
    });
  });

  describe('idempotency', () => {
    it('replays the stored result for the same key and body, without doing it twice', async () => {
      const h = makeEngine(open());
      const saleId = await liveSale(h, { units: 10 });
      const body = { saleId, quantity: 2 };
      const first = await h.engine.idempotent('mei', 'k-1', fp(body), () => h.engine.reserve('mei', body));
      const again = await h.engine.idempotent('mei', 'k-1', fp({ quantity: 2, saleId }), () => h.engine.reserve('mei', body));
      expect(first).toMatchObject({ ok: true, replayed: false });
      expect(again).toMatchObject({ ok: true, replayed: true });
      expect(again.ok && again.value).toEqual(first.ok && first.value);
      expect(h.engine.state.sales[0]!.unitsLeft).toBe(8);
      // Keys are scoped per viewer.
      await expect(h.engine.idempotent('jun', 'k-1', fp(body), () => h.engine.reserve('jun', body))).resolves.toMatchObject({ replayed: false });
    });

    it('replays an error result, and answers a mismatch for another request with the key', async () => {
      const h = makeEngine(open());
      await h.engine.command({
        type: 'sale.schedule',
        sale: { id: 's', productId: 'vacuum', variantId: 'white', price: cny(1), units: 5, limitPerBuyer: 5, startsAt: T0 + 1000, endsAt: T0 + 9000 },
      });
      const body = { saleId: 's', quantity: 1 };
      const first = await h.engine.idempotent('mei', 'k', fp(body), () => h.engine.reserve('mei', body));
      expect(first.ok || first.error.type).toBe('sale-not-started');
      h.clock.advance(1000);
      const again = await h.engine.idempotent('mei', 'k', fp(body), () => h.engine.reserve('mei', body));
      expect(again.replayed).toBe(true);
      expect(!again.ok && again.error.toProblem()).toEqual(!first.ok && first.error.toProblem());
      const other = await h.engine.idempotent('mei', 'k', fp({ saleId: 's', quantity: 2 }), () => h.engine.reserve('mei', { saleId: 's', quantity: 2 }));
      expect(!other.ok && other.error).toMatchObject({ type: 'idempotency-mismatch', status: 422 });
      expect(h.engine.state.sales[0]!.unitsLeft).toBe(5);
    });

    it('answers idempotency-conflict while the first request is in flight', async () => {
      const gate = gated(open());
      const h = makeEngine(gate.store);
      const saleId = await liveSale(h, { units: 10 });
      const body = { saleId, quantity: 1 };
      gate.close();
      const first = h.engine.idempotent('mei', 'k', fp(body), () => h.engine.reserve('mei', body));
      for (let i = 0; i < 1000 && gate.entered() === 0; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(gate.entered()).toBe(1);
      const second = await h.engine.idempotent('mei', 'k', fp(body), () => h.engine.reserve('mei', body));
      expect(!second.ok && second.error).toMatchObject({ type: 'idempotency-conflict', status: 409, retryAfter: 1 });
      expect(gate.entered()).toBe(1);
      gate.open();
      const done = await first;
      expect(done).toMatchObject({ ok: true, replayed: false });
      const third = await h.engine.idempotent('mei', 'k', fp(body), () => h.engine.reserve('mei', body));
      expect(third).toMatchObject({ ok: true, replayed: true });
      expect(h.engine.state.sales[0]!.unitsLeft).toBe(9);
    });

    it('frees a key after a server failure, and after the in-flight lease', async () => {
      const store = open();
      const h = makeEngine(store);
      let calls = 0;
      const flaky = async (): Promise<string> => {
        if (++calls === 1) throw new Error('database went away');
        return 'ok';
      };
      await expect(h.engine.idempotent('mei', 'k', 'op', flaky)).rejects.toThrow('database went away');
      await expect(h.engine.idempotent('mei', 'k', 'op', flaky)).resolves.toEqual({ ok: true, value: 'ok', replayed: false });
      // Store level: a claim blocks its key until completed, abandoned, or its lease (60 s) ran out.
      await expect(store.beginIdempotent(scope('lease'), 'f', T0)).resolves.toEqual({ state: 'new' });
      await expect(store.beginIdempotent(scope('lease'), 'f', T0 + 59_999)).resolves.toEqual({ state: 'in-flight' });
      await expect(store.beginIdempotent(scope('lease'), 'g', T0 + 59_999)).resolves.toEqual({ state: 'mismatch' });
      await store.abandonIdempotent(scope('lease'), 'g'); // not its claim: nothing happens
      await expect(store.beginIdempotent(scope('lease'), 'f', T0 + 1)).resolves.toEqual({ state: 'in-flight' });
      await expect(store.beginIdempotent(scope('lease'), 'g', T0 + 60_000)).resolves.toEqual({ state: 'new' });
      await store.completeIdempotent(scope('lease'), 'f', { ok: true, value: 'stale' }, T0 + 60_001); // lost its claim
      await store.completeIdempotent(scope('lease'), 'g', { ok: true, value: { n: 1 } }, T0 + 60_001);
      await store.abandonIdempotent(scope('lease'), 'g'); // completed: stays
      await expect(store.beginIdempotent(scope('lease'), 'g', T0 + 2 * HOUR)).resolves.toEqual({ state: 'done', outcome: { ok: true, value: { n: 1 } } });
      await expect(store.beginIdempotent(scope('lease'), 'f', T0 + 2 * HOUR)).resolves.toEqual({ state: 'mismatch' });
      // Finished records are kept 24 hours, then purged.
      await expect(store.beginIdempotent(scope('other'), 'x', T0 + 60_001 + 25 * HOUR)).resolves.toEqual({ state: 'new' });
      await expect(store.beginIdempotent(scope('lease'), 'f', T0 + 60_001 + 25 * HOUR)).resolves.toEqual({ state: 'new' });
    });
  });

  describe('presales', () => {
    it('caps the units with deposits and the units per buyer; a refund frees units for the buyer too', async () => {
      const store = open();
      const h = makeEngine(store);
      const presaleId = await openPresale(h, { units: 3, limitPerBuyer: 2 });
      const mei = await h.engine.deposit('mei', { presaleId, quantity: 2 });
      expect(mei).toMatchObject({ kind: 'deposit', status: 'deposit-paid', total: cny(200_000) });
      const limit = await problemOf(h.engine.deposit('mei', { presaleId, quantity: 1 }));
      expect(limit.type).toBe('limit-exceeded');
      expect(limit.detail).toMatch(/you already have 2/);
      const cap = await problemOf(h.engine.deposit('jun', { presaleId, quantity: 2 }));
      expect(cap.detail).toMatch(/Only 1 deposit unit\(s\) left/);
      await h.engine.deposit('jun', { presaleId, quantity: 1 });
      expect((await problemOf(h.engine.deposit('kai', { presaleId, quantity: 1 }))).type).toBe('sold-out');
      await expect(h.engine.refundDeposit('mei', mei.id)).resolves.toMatchObject({ status: 'refunded' });
      expect((await problemOf(h.engine.refundDeposit('mei', mei.id))).type).toBe('not-refundable');
      expect(h.of('presale.updated').map((e) => e.data.depositsTaken)).toEqual([2, 3, 1]);
      await expect(h.engine.deposit('mei', { presaleId, quantity: 2 })).resolves.toMatchObject({ status: 'deposit-paid' });
      expect(h.engine.state.presales[0]!.depositsTaken).toBe(3);
    });

    it('refuses deposits once closed or at endsAt; pays a balance once', async () => {
      const h = makeEngine(open());
      const a = await openPresale(h);
      await h.engine.command({ type: 'presale.close', presaleId: a });
      expect((await problemOf(h.engine.deposit('mei', { presaleId: a, quantity: 1 }))).type).toBe('presale-closed');
      const b = await openPresale(h);
      const order = await h.engine.deposit('mei', { presaleId: b, quantity: 1 });
      h.clock.advance(HOUR);
      expect((await problemOf(h.engine.deposit('mei', { presaleId: b, quantity: 1 }))).type).toBe('presale-closed');
      expect((await problemOf(h.engine.deposit('mei', { presaleId: 'nope', quantity: 1 }))).type).toBe('not-found');
      h.clock.advance(HOUR);
      const paid = await h.engine.payBalance('mei', order.id);
      expect(paid).toMatchObject({ id: order.id, status: 'paid' });
      await expect(h.engine.payBalance('mei', order.id)).resolves.toEqual(paid);
      expect(h.of('purchase')).toHaveLength(1);
      expect((await problemOf(h.engine.refundDeposit('mei', order.id))).type).toBe('not-refundable');
      expect((await problemOf(h.engine.payBalance('jun', order.id))).type).toBe('not-found');
    });

    it('answers store-level transitions on orders that are not deposit-paid', async () => {
      const store = open();
      await store.putPresale('spring', { id: 'p', units: 2, limitPerBuyer: 2, endsAt: T0 + HOUR });
      await expect(store.deposit('spring', { presaleId: 'p', buyerId: 'mei', quantity: 3, now: T0, order: depositOrder('d1', 'p', 3) })).resolves.toEqual({
        ok: false,
        reason: 'sold-out',
        left: 2,
      });
      await store.deposit('spring', { presaleId: 'p', buyerId: 'mei', quantity: 2, now: T0, order: depositOrder('d1', 'p', 2) });
      const refund = depositOrder('d1', 'p', 2, 'refunded');
      await expect(store.refundDeposit('spring', { buyerId: 'jun', order: refund })).resolves.toEqual({ ok: false, reason: 'not-found' });
      await expect(store.refundDeposit('spring', { buyerId: 'mei', order: refund })).resolves.toEqual({
        ok: true,
        order: refund,
        presale: { presaleId: 'p', depositsTaken: 0, closed: false, version: 3 },
      });
      await expect(store.payBalance('spring', { buyerId: 'mei', order: depositOrder('d1', 'p', 2, 'paid') })).resolves.toEqual({
        ok: false,
        reason: 'conflict',
        order: refund,
      });
      // Replacing terms keeps the deposits and reopens.
      await store.closePresale('spring', 'p');
      await expect(store.putPresale('spring', { id: 'p', limitPerBuyer: 1, endsAt: T0 + HOUR })).resolves.toEqual({
        presaleId: 'p',
        depositsTaken: 0,
        closed: false,
        version: 5,
      });
      await expect(store.closePresale('spring', 'nope')).resolves.toBeUndefined();
    });
  });

  describe('carts and checkout', () => {
    it('is atomic: one line out of stock and nothing is decremented, nothing bought, the cart kept', async () => {
      const h = makeEngine(open());
      await h.engine.addToCart('mei', { productId: 'vacuum', variantId: 'white', quantity: 3 });
      await h.engine.addToCart('mei', { productId: 'rocket', variantId: 'slot', quantity: 6 }); // 5 in stock
      const problem = await problemOf(h.engine.checkout('mei', { source: 'cart' }));
      expect(problem).toMatchObject({ type: 'out-of-stock', detail: 'Only 5 of "Launch slot" left; nothing was bought.' });
      expect(h.engine.state.products[0]!.variants[0]!.stock).toBe(500);
      expect((await h.engine.getCart('mei')).lines).toHaveLength(2);
      await h.engine.updateCartLine('mei', (await h.engine.getCart('mei')).lines[1]!.id, { quantity: 5 });
      const result = await h.engine.checkout('mei', { source: 'cart' });
      expect(result.kind === 'order' && result.order.lines.map((l) => l.quantity)).toEqual([3, 5]);
      expect((await h.engine.getCart('mei')).lines).toEqual([]);
      expect(h.engine.state.products[0]!.variants[0]!.stock).toBe(497);
      expect(h.engine.state.products[2]!.variants[0]).toMatchObject({ stock: 0, available: false });
    });

    it('sells exactly the stock to concurrent buyers', async () => {
      const h = makeEngine(open());
      const results = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) =>
          h.engine.checkout(`b${i}`, { source: 'items', lines: [{ productId: 'rocket', variantId: 'slot', quantity: 1 }] }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
      expect(h.engine.state.products[2]!.variants[0]).toMatchObject({ stock: 0, available: false });
    });

    it('refuses a checkout of a cart that changed, and counts two lines of one variant together', async () => {
      const store = open();
      await store.setStock('spring', 'rocket', 'slot', 5);
      const line = { id: 'l1', productId: 'rocket', variantId: 'slot', title: 'Slot', quantity: 2, unitPrice: cny(1) };
      const added = await store.addCartLine('spring', 'mei', { line, now: T0, maxQuantity: 3, maxLines: 1 });
      expect(added).toEqual({ ok: true, cart: { lines: [line], updatedAt: T0, version: 1 } });
      await expect(store.addCartLine('spring', 'mei', { line: { ...line, id: 'l2' }, now: T0, maxQuantity: 3, maxLines: 1 })).resolves.toEqual({
        ok: false,
        reason: 'too-many-units',
        lineId: 'l1',
        quantity: 4,
      });
      await expect(
        store.addCartLine('spring', 'mei', { line: { ...line, id: 'l3', variantId: 'other' }, now: T0, maxQuantity: 3, maxLines: 1 }),
      ).resolves.toEqual({ ok: false, reason: 'too-many-lines' });
      const order = purchaseOrder('o1', [{ productId: 'rocket', variantId: 'slot', quantity: 2 }], T0 + 5);
      await expect(store.purchase('spring', { buyerId: 'mei', order, cartVersion: 0 })).resolves.toEqual({ ok: false, reason: 'cart-changed' });
      await expect(store.purchase('spring', { buyerId: 'jun', order, cartVersion: 1 })).resolves.toEqual({ ok: false, reason: 'cart-changed' });
      const twice = purchaseOrder('o2', [
        { productId: 'rocket', variantId: 'slot', quantity: 3 },
        { productId: 'tea', variantId: 'default', quantity: 50 },
        { productId: 'rocket', variantId: 'slot', quantity: 3 },
      ]);
      await expect(store.purchase('spring', { buyerId: 'mei', order: twice })).resolves.toEqual({
        ok: false,
        reason: 'out-of-stock',
        productId: 'rocket',
        variantId: 'slot',
        stock: 5,
      });
      await expect(store.purchase('spring', { buyerId: 'mei', order, cartVersion: 1 })).resolves.toEqual({
        ok: true,
        order,
        stock: [{ productId: 'rocket', variantId: 'slot', stock: 3, version: 2 }],
      });
      await expect(store.getCart('spring', 'mei')).resolves.toEqual({ lines: [], updatedAt: T0 + 5, version: 2 });
      await expect(store.getOrder('spring', 'o1')).resolves.toEqual({ order, buyerId: 'mei' });
      await expect(store.updateCartLine('spring', 'mei', { lineId: 'l1', quantity: 1, now: T0 })).resolves.toBeUndefined();
    });
  });

  describe('versions', () => {
    it('bump with every change, in the same operation: concurrent results carry distinct, consistent versions', async () => {
      const store = open();
      await store.putSale('spring', { id: 's', productId: 'vacuum', variantId: 'white', units: 50, limitPerBuyer: 1, startsAt: T0, endsAt: T0 + 9000 });
      const results = await Promise.all(
        Array.from({ length: 80 }, (_, i) =>
          store.reserve('spring', { reservation: reservation(`r${i}`, 's', 1, T0 + 100 + (i % 7)), buyerId: `b${i}`, now: T0 }),
        ),
      );
      const sales = results.flatMap((r) => (r.ok ? [r.sale] : []));
      expect(sales).toHaveLength(50);
      const check = (list: readonly SaleUnits[]): void => {
        expect(new Set(list.map((s) => s.version)).size).toBe(list.length);
        // A newer version never shows fewer units taken: versions order the states.
        const byVersion = [...list].sort((a, b) => a.version - b.version);
        for (const s of byVersion) expect(s.unitsLeft + s.held + s.sold).toBe(s.units);
        for (let i = 1; i < byVersion.length; i++) expect(byVersion[i]!.version).toBeGreaterThan(byVersion[i - 1]!.version);
      };
      check(sales);
      const expired = await store.expireReservations('spring', T0 + 103);
      expect(expired.map((e) => e.reservation.id)).toEqual(
        Array.from({ length: 50 }, (_, i) => i).filter((i) => i % 7 <= 3).map((i) => `r${i}`),
      );
      expect(expired.map((e) => e.sale.unitsLeft)).toEqual(expired.map((_, i) => i + 1));
      check([...sales, ...expired.map((e) => e.sale)]);
      const closed = await store.closeSale('spring', 's');
      expect(closed!.version).toBe(Math.max(...expired.map((e) => e.sale.version)) + 1);
      await expect(store.closeSale('spring', 's')).resolves.toEqual(closed); // no change, no bump

      const levels = [await store.setStock('spring', 'tea', 'default', null), await store.setStock('spring', 'tea', 'default', 7)];
      const bought = await store.purchase('spring', { buyerId: 'mei', order: purchaseOrder('o', [{ productId: 'tea', variantId: 'default', quantity: 2 }]) });
      expect([...levels.map((l) => l.version), ...(bought.ok ? bought.stock.map((l) => l.version) : [])]).toEqual([1, 2, 3]);
    });
  });

  describe('saved shows', () => {
    it('saves, replaces, lists in first-saved order and forgets show states; reads counters without changing them', async () => {
      const store = open();
      const spring = makeEngine(store);
      await spring.engine.flush();
      const autumn = makeEngine(store, { show: { ...spring.engine.state.show, id: 'autumn' } });
      await autumn.engine.flush();
      const saleId = await liveSale(spring, { units: 4 }); // a command: saved again, order unchanged
      const shows = await store.loadShows();
      expect(shows.map((s) => s.state.show.id)).toEqual(['spring', 'autumn']);
      expect(shows[0]!.state.sales.map((s) => s.id)).toEqual([saleId]);
      expect(shows[0]!.voters).toEqual({});
      expect(shows[0]!.savedAt).toBe(spring.clock.now());

      const units = await store.getSale('spring', saleId);
      await expect(store.getSale('spring', saleId)).resolves.toEqual(units);
      await expect(store.getStock('spring', 'vacuum', 'white')).resolves.toMatchObject({ stock: 500 });
      await expect(store.getStock('spring', 'vacuum', 'nope')).resolves.toBeUndefined();
      await expect(store.getSale('spring', 'nope')).resolves.toBeUndefined();
      await expect(store.getPresale('spring', 'nope')).resolves.toBeUndefined();

      await store.deleteShow('spring');
      await store.deleteShow('spring'); // harmless twice
      expect((await store.loadShows()).map((s) => s.state.show.id)).toEqual(['autumn']);
      // Its commerce records stay.
      await expect(store.getSale('spring', saleId)).resolves.toEqual(units);
    });
  });
});

describe('SqliteStore matches MemoryStore', () => {
  it('gives identical results for a long random sequence of operations', async () => {
    const memory = new MemoryStore();
    const store = sqlite();
    // A small deterministic PRNG (mulberry32): the same sequence on every run.
    let seed = 20270115;
    const random = (): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const shows = ['a', 'b'];
    const buyers = ['mei', 'jun', 'kai', 'lin', 'bo'];
    const sales = ['s1', 's2'];
    const presales = ['p1', 'p2'];
    const variants = [
      ['vacuum', 'white'],
      ['tea', 'default'],
      ['rocket', 'slot'],
    ] as const;
    let now = T0;
    let n = 0;
    const orders: { showId: string; id: string; buyerId: string; presaleId: string; quantity: number }[] = [];
    const held: { showId: string; id: string; buyerId: string }[] = [];
    /** A recent reservation, usually asked for by its own buyer in its own show. */
    const recent = (buyerId: string): { showId: string; reservationId: string; buyerId: string } => {
      const target = held.length > 0 ? pick(held.slice(-10)) : { showId: 'a', id: 'none', buyerId };
      return { showId: target.showId, reservationId: target.id, buyerId: random() < 0.85 ? target.buyerId : buyerId };
    };
    const operations: ((s: CommerceStore) => Promise<unknown>)[] = [];
    for (let step = 0; step < 1500; step++) {
      const showId = pick(shows);
      const buyerId = pick(buyers);
      const id = `x${++n}`;
      const quantity = 1 + Math.floor(random() * 3);
      now += Math.floor(random() * 150);
      const at = now;
      const [productId, variantId] = pick(variants);
      const saleId = pick(sales);
      const presaleId = pick(presales);
      const kind = Math.floor(random() * 16);
      switch (kind) {
        case 0: {
          const stock = pick([null, 0, 3, 20]);
          operations.push((s) => s.setStock(showId, productId, variantId, stock));
          break;
        }
        case 1: {
          // Terms are replaced with the same units: fewer than held + sold is outside the contract.
          const endsAt = at + pick([500, 20_000]);
          operations.push((s) =>
            s.putSale(showId, { id: saleId, productId: 'vacuum', variantId: 'white', units: 8, limitPerBuyer: 3, startsAt: at - 500, endsAt }),
          );
          break;
        }
        case 2: {
          const closing = pick([...sales, 'nope']);
          operations.push((s) => s.closeSale(showId, closing));
          break;
        }
        case 3:
        case 4: {
          const made = reservation(id, saleId, quantity, at + pick([0, 300, 2000]));
          held.push({ showId, id, buyerId });
          operations.push((s) => s.reserve(showId, { reservation: made, buyerId, now: at }));
          break;
        }
        case 5: {
          const target = recent(buyerId);
          operations.push((s) => s.releaseReservation(target.showId, { reservationId: target.reservationId, buyerId: target.buyerId, now: at }));
          break;
        }
        case 6:
          operations.push((s) => s.expireReservations(showId, at));
          break;
        case 7: {
          const target = recent(buyerId);
          const order = purchaseOrder(id, [{ productId: 'vacuum', variantId: 'white', quantity: 1, saleId }], at);
          operations.push((s) =>
            s.purchaseReservation(target.showId, { reservationId: target.reservationId, buyerId: target.buyerId, now: at, order }),
          );
          break;
        }
        case 8: {
          const order = purchaseOrder(id, [{ productId, variantId, quantity }, { ...pick(variants.map(([p, v]) => ({ productId: p, variantId: v }))), quantity: 2 }], at);
          const cartVersion = pick([undefined, 0, 1, 2, 3, 4]);
          operations.push((s) => s.purchase(showId, { buyerId, order, cartVersion }));
          break;
        }
        case 9:
          operations.push((s) =>
            s.addCartLine(showId, buyerId, {
              line: { id, productId, variantId, title: 't', quantity, unitPrice: cny(5) },
              now: at,
              maxQuantity: 5,
              maxLines: 2,
            }),
          );
          break;
        case 10: {
          const update = { lineId: `x${Math.max(1, n - Math.floor(random() * 10))}`, quantity: pick([0, 1, 4]), now: at };
          operations.push((s) => s.updateCartLine(showId, buyerId, update));
          break;
        }
        case 11: {
          const terms = { id: presaleId, ...(random() < 0.5 ? { units: 6 } : {}), limitPerBuyer: 3, endsAt: at + pick([100, 5000]) };
          operations.push((s) => s.putPresale(showId, terms));
          break;
        }
        case 12:
          operations.push((s) => s.closePresale(showId, presaleId));
          break;
        case 13:
          orders.push({ showId, id, buyerId, presaleId, quantity });
          operations.push((s) => s.deposit(showId, { presaleId, buyerId, quantity, now: at, order: depositOrder(id, presaleId, quantity) }));
          break;
        case 14: {
          const target = orders.length > 0 ? pick(orders) : undefined;
          if (!target) break;
          const order = depositOrder(target.id, target.presaleId, target.quantity, random() < 0.5 ? 'paid' : 'refunded');
          const who = random() < 0.8 ? target.buyerId : buyerId;
          operations.push((s) =>
            order.status === 'paid' ? s.payBalance(target.showId, { buyerId: who, order }) : s.refundDeposit(target.showId, { buyerId: who, order }),
          );
          break;
        }
        case 15: {
          const key = pick(['k1', 'k2', 'k3']);
          const fingerprint = pick(['f1', 'f2']);
          const what = Math.floor(random() * 3);
          operations.push(async (s) => {
            if (what === 0) return s.beginIdempotent({ showId, viewerId: buyerId, key }, fingerprint, at);
            if (what === 1) return s.completeIdempotent({ showId, viewerId: buyerId, key }, fingerprint, { ok: true, value: { at } }, at);
            return s.abandonIdempotent({ showId, viewerId: buyerId, key }, fingerprint);
          });
          break;
        }
      }
    }
    const refusals = new Set<string>();
    for (const [i, operation] of operations.entries()) {
      const expected = await operation(memory);
      const actual = await operation(store);
      expect(actual, `operation ${i}`).toEqual(expected);
      const reason = (expected as { ok?: boolean; reason?: string } | undefined)?.reason;
      if (reason) refusals.add(reason);
    }
    // The sequence reached the interesting refusals, not just successes.
    expect([...refusals].sort()).toEqual(
      expect.arrayContaining(['cart-changed', 'closed', 'ended', 'expired', 'limit-exceeded', 'not-found', 'not-held', 'out-of-stock', 'sold-out', 'too-many-lines', 'too-many-units']),
    );
    for (const showId of shows) {
      for (const buyerId of buyers) expect(await store.getCart(showId, buyerId)).toEqual(await memory.getCart(showId, buyerId));
      for (let i = 1; i <= n; i++) {
        expect(await store.getReservation(showId, `x${i}`)).toEqual(await memory.getReservation(showId, `x${i}`));
        expect(await store.getOrder(showId, `x${i}`)).toEqual(await memory.getOrder(showId, `x${i}`));
      }
    }
  });
});

describe('SqliteStore on disk', () => {
  it('keeps orders, reservations, idempotency records, stock and sale counters across close and reopen', async () => {
    const path = dir.file('persist');
    const first = sqlite(path);
    const clock = new FakeClock();
    const h = makeEngine(first, {}, clock);
    const saleId = await liveSale(h, { units: 10, limitPerBuyer: 3 });
    const body = { saleId, quantity: 2 };
    const reserved = await h.engine.idempotent('mei', 'key-1', fp(body), () => h.engine.reserve('mei', body));
    if (!reserved.ok) throw new Error('reservation failed');
    const held = reserved.value;
    const other = await h.engine.reserve('jun', { saleId, quantity: 3 });
    const bought = await h.engine.checkout('jun', { source: 'reservation', reservationId: other.id });
    await h.engine.addToCart('kai', { productId: 'tea', variantId: 'default', quantity: 4 });
    const presaleId = await openPresale(h, { units: 5 });
    const deposit = await h.engine.deposit('mei', { presaleId, quantity: 2 });
    const cart = await first.getCart('spring', 'kai');
    h.engine.dispose();
    first.close();
    await expect(first.getCart('spring', 'kai')).rejects.toThrow(); // closed: calls reject

    const second = sqlite(path);
    expect(bought.kind).toBe('order');
    const order = bought.kind === 'order' ? bought.order : undefined;
    await expect(second.getOrder('spring', order!.id)).resolves.toEqual({ order, buyerId: 'jun' });
    await expect(second.getOrder('spring', deposit.id)).resolves.toEqual({ order: deposit, buyerId: 'mei' });
    await expect(second.getReservation('spring', held.id)).resolves.toEqual({ reservation: held, buyerId: 'mei' });
    await expect(second.getReservation('spring', other.id)).resolves.toMatchObject({ reservation: { status: 'converted' } });
    await expect(second.getCart('spring', 'kai')).resolves.toEqual(cart);
    await expect(second.beginIdempotent(scope('key-1'), fp(body), clock.now())).resolves.toEqual({
      state: 'done',
      outcome: { ok: true, value: held },
    });
    await expect(second.getSale('spring', saleId)).resolves.toMatchObject({ units: 10, unitsLeft: 5, held: 2, sold: 3, closed: false });
    await expect(second.getStock('spring', 'vacuum', 'white')).resolves.toMatchObject({ stock: 497 });
    await expect(second.getPresale('spring', presaleId)).resolves.toMatchObject({ depositsTaken: 2 });
    // The per-buyer counts survived as well: mei holds 2 of her 3.
    await expect(
      second.reserve('spring', { reservation: reservation('late', saleId, 2, clock.now() + 1000), buyerId: 'mei', now: clock.now() }),
    ).resolves.toEqual({ ok: false, reason: 'limit-exceeded', limit: 3, has: 2 });
    // And expiry still works on the reopened file.
    const expired = await second.expireReservations('spring', held.expiresAt);
    expect(expired.map((e) => [e.reservation.id, e.sale.unitsLeft])).toEqual([[held.id, 7]]);
  });

  it('creates the schema once, records its version, and refuses a file from a newer version', () => {
    const path = dir.file('schema');
    sqlite(path).close();
    sqlite(path).close(); // reopening an existing file is fine
    const raw = new Database(path);
    expect(raw.pragma('user_version', { simple: true })).toBe(2);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => new SqliteStore({ path })).toThrow(/schema version 99/);
    expect(() => new SqliteStore({ path: ':memory:', busyTimeoutMs: -1 })).toThrow(RangeError);
  });

  it('refuses, by constraint, any write that would oversell or take stock below zero', async () => {
    const path = dir.file('check');
    const store = sqlite(path);
    await store.putSale('spring', { id: 's', productId: 'vacuum', variantId: 'white', units: 2, limitPerBuyer: 2, startsAt: T0, endsAt: T0 + 1000 });
    await store.setStock('spring', 'vacuum', 'white', 1);
    await store.reserve('spring', { reservation: reservation('r', 's', 2, T0 + 500), buyerId: 'mei', now: T0 });
    const raw = new Database(path);
    try {
      expect(() => raw.prepare("UPDATE sales SET sold = sold + 1, units_left = units_left - 1 WHERE sale_id = 's'").run()).toThrow(/CHECK constraint/);
      expect(() => raw.prepare("UPDATE sales SET held = held + 1 WHERE sale_id = 's'").run()).toThrow(/CHECK constraint/);
      expect(() => raw.prepare("UPDATE stock SET stock = -1 WHERE variant_id = 'white'").run()).toThrow(/CHECK constraint/);
    } finally {
      raw.close();
    }
    // Terms that could not hold the units already taken are a store failure, not silent overselling.
    await expect(
      store.putSale('spring', { id: 's', productId: 'vacuum', variantId: 'white', units: 1, limitPerBuyer: 2, startsAt: T0, endsAt: T0 + 1000 }),
    ).rejects.toThrow(RangeError);
    await expect(store.getSale('spring', 's')).resolves.toMatchObject({ units: 2, unitsLeft: 0, held: 2, sold: 0 });
  });

  it('upgrades a version 1 file in place: its records stay and shows can be saved', async () => {
    const path = dir.file('v1');
    const first = sqlite(path);
    await first.setStock('spring', 'tea', 'default', 7);
    first.close();
    const raw = new Database(path);
    raw.exec('DROP TABLE shows');
    raw.pragma('user_version = 1');
    raw.close();
    const upgraded = sqlite(path);
    await expect(upgraded.getStock('spring', 'tea', 'default')).resolves.toMatchObject({ stock: 7 });
    const h = makeEngine(upgraded);
    await h.engine.flush();
    expect((await upgraded.loadShows()).map((s) => s.state.show.id)).toEqual(['spring']);
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(2);
    check.close();
  });

  it('serves a ":memory:" database too', async () => {
    const store = sqlite(':memory:');
    await expect(store.setStock('spring', 'tea', 'default', 3)).resolves.toEqual({ productId: 'tea', variantId: 'default', stock: 3, version: 1 });
  });
});

describe('SqliteStore group commit', () => {
  const saleTerms = (units: number) => ({ id: 's', productId: 'vacuum', variantId: 'white', units, limitPerBuyer: 1, startsAt: T0, endsAt: T0 + HOUR });
  const reserveFor = (store: SqliteStore, buyer: string) =>
    store.reserve('spring', { reservation: reservation(`r-${buyer}`, 's', 1, T0 + 1000), buyerId: buyer, now: T0 });
  /** What another connection sees: only committed rows. */
  const committedReservations = (path: string): string[] => {
    const raw = new Database(path, { readonly: true });
    try {
      return (raw.prepare('SELECT reservation_id FROM reservations ORDER BY seq').all() as { reservation_id: string }[]).map((r) => r.reservation_id);
    } finally {
      raw.close();
    }
  };

  it('commits the calls of one turn together and settles them in order, only once committed', async () => {
    const path = dir.file('batch');
    const store = sqlite(path);
    await store.putSale('spring', saleTerms(10));
    const settled: string[] = [];
    const seenAtSettle: string[][] = [];
    const calls = ['a', 'b', 'c'].map((buyer) =>
      reserveFor(store, buyer).then((result) => {
        settled.push(buyer);
        seenAtSettle.push(committedReservations(path));
        return result;
      }),
    );
    // Ran at once (a read in the same turn sees them) but not committed yet: nothing settled.
    const read = store.getReservation('spring', 'r-b');
    expect(committedReservations(path)).toEqual([]);
    await Promise.resolve();
    expect(settled).toEqual([]);
    const results = await Promise.all(calls);
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    expect(settled).toEqual(['a', 'b', 'c']);
    // When the first call settled, every call of its batch was already durable.
    expect(seenAtSettle[0]).toEqual(['r-a', 'r-b', 'r-c']);
    await expect(read).resolves.toMatchObject({ buyerId: 'b' });
    await expect(store.getSale('spring', 's')).resolves.toMatchObject({ unitsLeft: 7, held: 3 });
  });

  it('rolls back a failing call alone: the others of its batch commit', async () => {
    const path = dir.file('batch-fail');
    const store = sqlite(path);
    await store.putSale('spring', saleTerms(10));
    const first = reserveFor(store, 'a');
    // Fewer units than already held: a store failure (RangeError) inside the same batch.
    const failing = store.putSale('spring', saleTerms(0));
    const second = reserveFor(store, 'b');
    await expect(failing).rejects.toThrow(RangeError);
    await expect(first).resolves.toMatchObject({ ok: true });
    await expect(second).resolves.toMatchObject({ ok: true, sale: { unitsLeft: 8, held: 2 } });
    expect(committedReservations(path)).toEqual(['r-a', 'r-b']);
    await expect(store.getSale('spring', 's')).resolves.toMatchObject({ units: 10, unitsLeft: 8, held: 2 });
  });

  it('keeps each call atomic in its batch: a refused reservation changes nothing, the next one still gets the unit', async () => {
    const store = sqlite();
    await store.putSale('spring', saleTerms(1));
    const results = await Promise.all(['a', 'b', 'c'].map((buyer) => reserveFor(store, buyer)));
    expect(results.map((r) => (r.ok ? 'held' : r.reason))).toEqual(['held', 'sold-out', 'sold-out']);
    await expect(store.getSale('spring', 's')).resolves.toMatchObject({ unitsLeft: 0, held: 1, sold: 0 });
  });

  it('commits an open batch on close', async () => {
    const path = dir.file('batch-close');
    const store = sqlite(path);
    await store.putSale('spring', saleTerms(10));
    const pending = reserveFor(store, 'a');
    store.close();
    await expect(pending).resolves.toMatchObject({ ok: true });
    expect(committedReservations(path)).toEqual(['r-a']);
    await expect(reserveFor(store, 'b')).rejects.toThrow();
  });
});
