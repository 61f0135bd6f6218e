/**
 * The stack when parts of it fail: a server instance killed (SIGKILL) in the middle of a flash
 * sale, and Redis restarted under connected viewers. Real processes, real PostgreSQL, nginx,
 * nchan and Redis; the viewers are `@nightmarket/client` rooms.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Room } from '@nightmarket/client';
import { sampleProducts } from '@nightmarket/testing';
import type { Stack } from '../../../../scripts/stack/stack.js';
import { until } from '../../../client/test/room-contract.js';
import { command, createShow, serverState, testStack, viewerPost } from './fixtures.js';

let stack: Stack;
let db: pg.Pool;
beforeAll(async () => {
  stack = await testStack();
  db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
});
afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The instance (index) that runs a show's engine now. */
async function ownerOf(showId: string): Promise<number> {
  const { rows } = await db.query<{ owner: string }>('SELECT owner FROM show_owners WHERE show_id = $1', [showId]);
  const index = stack.instances.findIndex((i) => `${i.url}` === `${rows[0]?.owner}/`);
  if (index === -1) throw new Error(`no instance runs ${showId} (owner ${rows[0]?.owner})`);
  return index;
}

/** What one buyer learned. */
type Outcome = { kind: 'confirmed'; orderId: string } | { kind: 'refused'; type: string } | { kind: 'unknown'; last: string };

/**
 * One buyer: reserve one unit, then check it out, each step with its own Idempotency-Key and
 * retried (same key) on network errors and 5xx until a definite answer or the deadline.
 */
async function buy(showId: string, saleId: string, buyer: string, deadline: number): Promise<Outcome> {
  const step = async (path: string, body: unknown, key: string): Promise<{ status: number; json: Record<string, unknown> } | string> => {
    let last = '';
    let conflictSince: number | undefined;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      try {
        const response = await viewerPost(stack, buyer, path, body, key);
        const json = (await response.json()) as Record<string, unknown>;
        const type = String(json['type'] ?? '').replace(/^urn:nightmarket:problem:/, '');
        if (type === 'idempotency-conflict') {
          // The first request with this key is still recorded as in flight: it was on the instance
          // that died, and whether it completed is unknown until the record's lease runs out.
          conflictSince ??= Date.now();
          if (Date.now() - conflictSince > 3000) return `in flight on the dead instance (${response.status} ${type})`;
          last = type;
        } else if (response.status >= 500) {
          last = `${response.status} ${type}`; // a server error: ask again
        } else return { status: response.status, json: { ...json, type } };
      } catch (error) {
        last = String((error as Error).cause ?? error);
      }
      await sleep(Math.min(1000, 50 * 2 ** attempt));
    }
    return last;
  };
  const reserved = await step(`shows/${showId}/reservations`, { saleId, quantity: 1 }, `${buyer}-reserve`);
  if (typeof reserved === 'string') return { kind: 'unknown', last: reserved };
  if (reserved.status !== 201) return { kind: 'refused', type: String(reserved.json['type']) };
  const paid = await step(`shows/${showId}/checkout`, { source: 'reservation', reservationId: reserved.json['id'] }, `${buyer}-checkout`);
  if (typeof paid === 'string') return { kind: 'unknown', last: paid };
  if (paid.status !== 201) return { kind: 'refused', type: String(paid.json['type']) };
  const order = paid.json['order'] as { id: string; status: string } | undefined;
  if (order?.status !== 'confirmed') throw new Error(`checkout answered 201 without a confirmed order: ${JSON.stringify(paid.json)}`);
  return { kind: 'confirmed', orderId: order.id };
}

describe('stack failures', () => {
  it('sells at most 100 units to 1,000 buyers while the instance running the sale is killed; every confirmed order is kept and the other instance takes over', async () => {
    const showId = 'flash';
    const products = sampleProducts.map((p) => (p.id === 'robot-vacuum' ? { ...p, variants: p.variants.map((v) => ({ ...v, stock: 1000 })) } : p));
    await createShow(stack, showId, { products });
    const vacuum = products.find((p) => p.id === 'robot-vacuum')!;
    const now = Date.now();
    const { id: saleId } = (await command(stack, showId, {
      type: 'sale.schedule',
      sale: { productId: vacuum.id, variantId: vacuum.variants[0]!.id, price: { amount: 99_900, currency: 'CNY' }, units: 100, limitPerBuyer: 1, startsAt: now, endsAt: now + 600_000 },
    })) as { id: string };
    await expect.poll(async () => (await serverState(stack, showId)).sales[0]?.status, { timeout: 5000 }).toBe('live');
    const victim = await ownerOf(showId);

    // 1,000 buyers, 40 at a time; the show's instance is killed once 150 of them have started.
    const deadline = Date.now() + 30_000;
    const outcomes: Outcome[] = [];
    let next = 0;
    let killed: Promise<void> | undefined;
    const worker = async (): Promise<void> => {
      while (next < 1000) {
        const i = next++;
        if (i === 150) killed = stack.killInstance(victim, 'SIGKILL');
        outcomes[i] = await buy(showId, saleId, `buyer-${i}`, deadline);
      }
    };
    await Promise.all(Array.from({ length: 40 }, worker));
    await killed;
    expect(stack.instances[victim]!.process).toBeUndefined();

    const confirmed = outcomes.flatMap((o) => (o.kind === 'confirmed' ? [o.orderId] : []));
    const unknown = outcomes.filter((o) => o.kind === 'unknown');
    const refusals = new Set(outcomes.flatMap((o) => (o.kind === 'refused' ? [o.type] : [])));
    expect(confirmed.length).toBeGreaterThan(0);
    expect(confirmed.length).toBeLessThanOrEqual(100);
    expect(new Set(confirmed).size).toBe(confirmed.length);
    // Refusals are the sale's: sold out, ended (it closes once sold out), or a hold that expired.
    expect([...refusals].every((t) => t === 'sold-out' || t === 'sale-ended' || t === 'reservation-expired'), [...refusals].join()).toBe(true);

    // The database: never more than 100 sold; every confirmed order is there; every order there
    // was either confirmed to its buyer or was in flight when its instance died.
    const sale = (await db.query('SELECT units, units_left, held, sold FROM sales WHERE show_id = $1', [showId])).rows[0];
    expect(sale.units_left + sale.held + sale.sold).toBe(100);
    expect(sale.sold).toBeLessThanOrEqual(100);
    const orders = (await db.query<{ order_id: string }>("SELECT order_id FROM orders WHERE show_id = $1 AND kind = 'purchase'", [showId])).rows.map((r) => r.order_id);
    expect(orders.length).toBe(sale.sold);
    for (const id of confirmed) expect(orders).toContain(id);
    expect(sale.sold - confirmed.length).toBeLessThanOrEqual(unknown.length);
    // Only requests in flight on the dead instance (40 buyers at a time) can be left unknown.
    expect(unknown.length).toBeLessThanOrEqual(40);

    console.log(
      `flash sale across a killed instance: ${confirmed.length} confirmed, ${sale.sold} sold, ${sale.held} held, ` +
        `${unknown.length} buyers left unknown (in flight on the dead instance), ${outcomes.length - confirmed.length - unknown.length} refused`,
    );

    // The surviving instance runs the show now (a new epoch) and keeps serving it.
    expect(await ownerOf(showId)).toBe(1 - victim);
    const state = await serverState(stack, showId);
    expect(state.sales[0]).toMatchObject({ id: saleId, unitsLeft: sale.units_left });
    const late = await viewerPost(stack, 'late-buyer', `shows/${showId}/chat`, { text: 'still here?' });
    expect(late.status).toBe(201);
    const snapshot = await fetch(`${stack.url}api/shows/${showId}`);
    expect(snapshot.status).toBe(200);
    await stack.startInstance(victim);
  });

  it('brings viewers back to the right state when Redis restarts under them: reset, then a snapshot', async () => {
    const showId = 'redis';
    await createShow(stack, showId);
    const rooms: Room[] = [];
    const snapshots = new Map<Room, number>();
    for (let i = 0; i < 20; i++) {
      // Counts the room's snapshot requests: after a reset, a room fetches one.
      let count = 0;
      const counting: typeof fetch = (input, init) => {
        if (new URL(input instanceof Request ? input.url : String(input)).pathname.endsWith(`/shows/${showId}`)) count++;
        return fetch(input, init);
      };
      const room = createClient({ baseUrl: `${stack.url}api/`, fetch: counting }).join(showId, { retryMs: 50 });
      rooms.push(room);
      snapshots.set(room, 0);
      room.subscribe(() => snapshots.set(room, count));
    }
    await Promise.all(rooms.map((room) => room.ready));
    await Promise.all(rooms.map((room) => until(room, () => room.status === 'open', 10_000)));
    for (let i = 0; i < 5; i++) expect((await viewerPost(stack, `v${i}`, `shows/${showId}/chat`, { text: `before ${i}` })).status).toBe(201);
    let expected = await serverState(stack, showId);
    await Promise.all(rooms.map((room) => until(room, (s) => s.seq === expected.seq, 10_000)));

    const before = new Map(rooms.map((room) => [room, snapshots.get(room)!]));
    await stack.redis.restart();
    // Events while nchan reconnects are retried by the publisher; none is lost.
    for (let i = 0; i < 5; i++) expect((await viewerPost(stack, `w${i}`, `shows/${showId}/chat`, { text: `after ${i}` })).status).toBe(201);
    await command(stack, showId, { type: 'product.pin', productId: 'robot-vacuum' });
    expected = await serverState(stack, showId);
    for (const room of rooms) {
      const state = await until(room, (s) => s.seq === expected.seq && s.pinned !== null, 15_000);
      expect(state).toEqual(expected);
      // Redis lost the channel: the viewer was told (reset) and fetched a snapshot.
      expect(snapshots.get(room)!).toBeGreaterThan(before.get(room)!);
    }
    // And the stream goes on after it.
    await viewerPost(stack, 'x', `shows/${showId}/chat`, { text: 'later' });
    expected = await serverState(stack, showId);
    await Promise.all(rooms.map((room) => until(room, (s) => s.seq === expected.seq, 10_000)));
    for (const room of rooms) room.close();
  });

  it('serves event streams from nchan: cursors are nchan message ids, an old epoch gets a reset', async () => {
    const showId = 'ids';
    await createShow(stack, showId);
    await viewerPost(stack, 'a', `shows/${showId}/chat`, { text: 'one' });
    const snapshot = (await (await fetch(`${stack.url}api/shows/${showId}`)).json()) as { seq: number; epoch: string };
    const read = async (query: string): Promise<string> => {
      const controller = new AbortController();
      const response = await fetch(`${stack.url}api/shows/${showId}/events${query}`, { headers: { Accept: 'text/event-stream' }, signal: controller.signal });
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = response.body!.getReader();
      let text = '';
      const stop = setTimeout(() => controller.abort(), 1500);
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
          if (/data: .*"later"/.test(text) || /"type":"reset"/.test(text)) break;
        }
      } catch {
        // aborted
      } finally {
        clearTimeout(stop);
        controller.abort();
      }
      return text;
    };
    const live = read(`?since=${snapshot.seq - 1}&epoch=${snapshot.epoch}`);
    await sleep(300);
    await viewerPost(stack, 'b', `shows/${showId}/chat`, { text: 'later' });
    const text = await live;
    // From the snapshot's seq on: the event after it, with nchan's ids ("<time>:<n>").
    expect(text).toMatch(/id: \d+:\d+\ndata: \{"type":"chat\.message","seq":\d+/);
    expect(text).toContain('"text":"one"');
    expect(text).toContain('"text":"later"');
    const old = await read(`?since=1&epoch=not-this-epoch`);
    expect(old).toMatch(/data: \{"type":"reset","seq":\d+,"at":\d+,"data":\{"reason":"epoch-changed"\}\}/);
  });
});
