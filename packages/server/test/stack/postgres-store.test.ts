/**
 * PostgresStore against the CommerceStore contract (test/fixtures/store-contract.ts) — the same
 * cases and the same differential run as SqliteStore — on a real PostgreSQL cluster that the
 * stack step's global setup started (scripts/stack/postgres.ts); then what is PostgreSQL's own:
 * several connections (as several server instances would) racing for one sale, persistence, the
 * schema, and the show-ownership lease.
 */
import pg from 'pg';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { PostgresStore } from '../../src/postgres-store.js';
import { liveSale, makeEngine, purchaseOrder, reservation, T0 } from '../fixtures/harness.js';
import { describeMatchesMemoryStore, describeStoreContract } from '../fixtures/store-contract.js';

const url = inject('postgresUrl');
const admin = new pg.Pool({ connectionString: url, max: 2 });
const opened: PostgresStore[] = [];
let schemas = 0;

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});
afterAll(() => admin.end());

/** A URL whose connections use a new, empty schema: each test gets a database of its own. */
async function freshUrl(): Promise<string> {
  const schema = `t${process.pid}_${++schemas}`;
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

async function postgres(at?: string, options: { maxConnections?: number } = {}): Promise<PostgresStore> {
  const store = await PostgresStore.connect({ url: at ?? (await freshUrl()), ...options });
  opened.push(store);
  return store;
}

describeStoreContract('postgres', () => postgres());
describeMatchesMemoryStore('PostgresStore', () => postgres());

describe('PostgresStore across instances', () => {
  it('holds exactly 100 units when 1,000 reservations race through four stores (four instances) on one database', async () => {
    const at = await freshUrl();
    const stores = await Promise.all([1, 2, 3, 4].map(() => postgres(at, { maxConnections: 5 })));
    await stores[0]!.putSale('spring', { id: 's', productId: 'vacuum', variantId: 'white', units: 100, limitPerBuyer: 1, startsAt: T0, endsAt: T0 + 60_000 });
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        stores[i % 4]!.reserve('spring', { reservation: reservation(`r${i}`, 's', 1, T0 + 30_000), buyerId: `b${i % 700}`, now: T0 + 1 }),
      ),
    );
    const held = results.filter((r) => r.ok);
    expect(held).toHaveLength(100);
    // 700 distinct buyers, limit 1 each: a buyer racing through two instances still holds one unit.
    const buyers = new Set(results.flatMap((r, i) => (r.ok ? [`b${i % 700}`] : [])));
    expect(buyers.size).toBe(100);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && (r.reason === 'sold-out' || r.reason === 'limit-exceeded'))).toBe(true);
    await expect(stores[3]!.getSale('spring', 's')).resolves.toMatchObject({ units: 100, unitsLeft: 0, held: 100, sold: 0 });
    // The counters' versions are one per change, in commit order.
    const versions = held.map((r) => (r.ok ? r.sale.version : 0)).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 100 }, (_, i) => i + 2));
  });

  it('buys every held reservation once when two instances race to check the same ones out', async () => {
    const at = await freshUrl();
    const [a, b] = [await postgres(at), await postgres(at)];
    await a.setStock('spring', 'vacuum', 'white', 30);
    await a.putSale('spring', { id: 's', productId: 'vacuum', variantId: 'white', units: 20, limitPerBuyer: 1, startsAt: T0, endsAt: T0 + 60_000 });
    for (let i = 0; i < 20; i++) await a.reserve('spring', { reservation: reservation(`r${i}`, 's', 1, T0 + 30_000), buyerId: `b${i}`, now: T0 });
    const attempts = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a : b).purchaseReservation('spring', {
          reservationId: `r${i % 20}`,
          buyerId: `b${i % 20}`,
          now: T0 + 1,
          order: purchaseOrder(`o${i % 20}`, [{ productId: 'vacuum', variantId: 'white', quantity: 1, saleId: 's' }]),
        }),
      ),
    );
    expect(attempts.filter((r) => r.ok)).toHaveLength(20);
    expect(attempts.filter((r) => !r.ok && r.reason === 'not-held')).toHaveLength(20);
    await expect(b.getSale('spring', 's')).resolves.toMatchObject({ unitsLeft: 0, held: 0, sold: 20 });
    await expect(b.getStock('spring', 'vacuum', 'white')).resolves.toMatchObject({ stock: 10 });
    expect(await a.listOrders('spring')).toHaveLength(20);
  });

  it('keeps everything across close and reopen, and an engine over a new store resumes the show', async () => {
    const at = await freshUrl();
    const first = await postgres(at);
    const h = makeEngine(first);
    const saleId = await liveSale(h, { units: 10 });
    const r = await h.engine.reserve('mei', { saleId, quantity: 2 });
    await h.engine.checkout('mei', { source: 'reservation', reservationId: r.id });
    await h.engine.flush();
    await first.close();
    const second = await postgres(at);
    await expect(second.getSale('spring', saleId)).resolves.toMatchObject({ unitsLeft: 8, sold: 2 });
    await expect(second.getStock('spring', 'vacuum', 'white')).resolves.toMatchObject({ stock: 498 });
    const [saved] = await second.loadShows();
    expect(saved!.state.sales[0]).toMatchObject({ id: saleId, unitsLeft: 8 });
    await expect(second.loadShow('spring')).resolves.toEqual(saved);
    await expect(second.loadShow('nope')).resolves.toBeUndefined();
  });

  it('refuses a database from a newer schema version, and a URL that is not postgres://', async () => {
    const at = await freshUrl();
    await (await postgres(at)).close();
    const schema = new URL(at).searchParams.get('options')!.split('=')[1]!;
    await admin.query(`UPDATE ${schema}.nightmarket_schema SET version = 99`);
    await expect(PostgresStore.connect({ url: at })).rejects.toThrow(/schema version 99; this PostgresStore knows versions up to 1/);
    await expect(PostgresStore.connect({ url: 'mysql://x' })).rejects.toThrow(/must be a postgres:\/\/ URL/);
    await expect(PostgresStore.connect({ url: 'postgres://nightmarket:wrong@127.0.0.1:1/x' })).rejects.toThrow(/could not open postgres:\/\/nightmarket:\*\*\*@/);
  });

  it('refuses, by constraint, any write that would oversell', async () => {
    const at = await freshUrl();
    const store = await postgres(at);
    await store.putSale('spring', { id: 's', productId: 'vacuum', variantId: 'white', units: 1, limitPerBuyer: 1, startsAt: T0, endsAt: T0 + 1 });
    const schema = new URL(at).searchParams.get('options')!.split('=')[1]!;
    await expect(admin.query(`UPDATE ${schema}.sales SET units_left = units_left - 2`)).rejects.toThrow(/check constraint/);
    await expect(admin.query(`UPDATE ${schema}.sales SET sold = 2`)).rejects.toThrow(/check constraint/);
  });

  it('commits the calls made together as one batch: a call that fails is rolled back alone, the others keep their changes', async () => {
    const store = await postgres();
    await store.putSale('spring', { id: 's', productId: 'vacuum', variantId: 'white', units: 10, limitPerBuyer: 5, startsAt: T0, endsAt: T0 + 60_000 });
    await store.reserve('spring', { reservation: reservation('r0', 's', 4, T0 + 30_000), buyerId: 'mei', now: T0 + 1 });
    // Made together: one batch. The shrinking putSale throws (4 units are held) in the middle.
    const [a, shrink, b] = await Promise.allSettled([
      store.reserve('spring', { reservation: reservation('r1', 's', 2, T0 + 30_000), buyerId: 'jun', now: T0 + 1 }),
      store.putSale('spring', { id: 's', productId: 'vacuum', variantId: 'white', units: 3, limitPerBuyer: 5, startsAt: T0, endsAt: T0 + 60_000 }),
      store.reserve('spring', { reservation: reservation('r2', 's', 1, T0 + 30_000), buyerId: 'kai', now: T0 + 1 }),
    ]);
    expect(a).toMatchObject({ status: 'fulfilled', value: { ok: true } });
    expect(shrink).toMatchObject({ status: 'rejected', reason: { name: 'RangeError' } });
    expect(b).toMatchObject({ status: 'fulfilled', value: { ok: true } });
    await expect(store.getSale('spring', 's')).resolves.toMatchObject({ units: 10, unitsLeft: 3, held: 7 });
    await store.close(); // waits for nothing left: closing twice is harmless
    await store.close();
  });

  it('gives a show one owner at a time: renewals keep it, another instance gets it once the lease runs out or is released', async () => {
    const store = await postgres();
    await expect(store.claimShow('spring', 'a', 'e1', 60_000)).resolves.toEqual({ owner: 'a', epoch: 'e1', mine: true });
    await expect(store.claimShow('spring', 'b', 'e2', 60_000)).resolves.toEqual({ owner: 'a', epoch: 'e1', mine: false });
    await expect(store.claimShow('spring', 'a', 'e1', 1)).resolves.toMatchObject({ mine: true }); // renewed, 1 ms lease
    await new Promise((r) => setTimeout(r, 20));
    await expect(store.claimShow('spring', 'b', 'e2', 60_000)).resolves.toEqual({ owner: 'b', epoch: 'e2', mine: true });
    await store.releaseShow('spring', 'a'); // not a's any more: nothing happens
    await expect(store.claimShow('spring', 'a', 'e3', 60_000)).resolves.toMatchObject({ owner: 'b', mine: false });
    await store.releaseShow('spring', 'b');
    await expect(store.claimShow('spring', 'a', 'e3', 60_000)).resolves.toEqual({ owner: 'a', epoch: 'e3', mine: true });
  });
});
