/**
 * SqliteStore against the CommerceStore contract (test/fixtures/store-contract.ts): the same
 * behavioural cases run over MemoryStore (the reference) and SqliteStore through the real
 * ShowEngine, a differential run of random operations that must give identical results on both;
 * then what is SQLite's own: persistence across close and reopen, the schema, group commit.
 */
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MemoryStore, requestFingerprint } from '@nightmarket/engine';
import { SqliteStore } from '../src/sqlite-store.js';
import {
  FakeClock,
  HOUR,
  liveSale,
  makeEngine,
  openPresale,
  reservation,
  T0,
  TempDir,
} from './fixtures/harness.js';
import { describeMatchesMemoryStore, describeStoreContract } from './fixtures/store-contract.js';

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

describeStoreContract('memory', () => new MemoryStore());
describeStoreContract('sqlite', () => sqlite());
describeMatchesMemoryStore('SqliteStore', () => sqlite());

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
