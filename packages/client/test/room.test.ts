import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, NightmarketError, type CheckoutRequest, type Room, type RoomError, type ShowState } from '@nightmarket/client';
import { createTestBackend, type ShowDirector, type TestBackend } from '@nightmarket/testing';
import { describeRoomContract, until, type RoomTarget } from './room-contract.js';

const BASE = 'https://shop.example/nightmarket/';
let backend: TestBackend;
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  backend?.dispose();
});
afterAll(() => server.close());

function setup(engine: { heartbeatMs?: number } = {}): { backend: TestBackend; show: ShowDirector } {
  // Viewer counting off: its events (one per reconnection) would race whole-state comparisons.
  backend = createTestBackend({ baseUrl: BASE, engine: { countViewers: false, ...engine } });
  server.use(...backend.handlers);
  return { backend, show: backend.createShow() };
}

/** The msw test kit as a backend of the shared room contract (room-contract.ts). */
const testKit: RoomTarget = {
  name: 'the msw test kit',
  async createShow() {
    const { show } = setup();
    return {
      id: show.id,
      viewerSays: (name, text) => show.viewerSays(name, text),
      pin: (productId, options) => show.pin(productId, options),
      setViewers: (count) => show.setViewers(count),
      end: () => show.end(),
      state: async () => show.engine.state,
      dropStreamAfter: (events, times) => {
        for (let i = 0; i < times; i++) show.faults.dropStreamAfter(events);
      },
      streamRequests: () => show.faults.streamRequests,
    };
  },
  client: () => createClient({ baseUrl: BASE }),
};

describeRoomContract(testKit);

describe('Room', () => {
  it("coalesces state deliveries per frame with { coalesce: 'frame' }, always with the latest state", async () => {
    const { show } = setup();
    const room = createClient({ baseUrl: BASE }).join(show.id);
    await room.ready;
    await until(room, () => room.status === 'open');
    const each: number[] = [];
    const framed: number[] = [];
    room.subscribe((s) => each.push(s.seq));
    const off = room.subscribe((s) => framed.push(s.seq), { coalesce: 'frame' });
    // 200 events in one burst: the engine emits them synchronously, the stream carries them in a few chunks.
    await Promise.all(Array.from({ length: 200 }, (_, i) => show.setViewers(i + 1)));
    const final = show.engine.state.seq;
    await until(room, (s) => s.seq === final);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(each.at(-1)).toBe(final);
    expect(each.length).toBe(200);
    expect(framed.at(-1)).toBe(final);
    // Far fewer deliveries than events, each newer than the one before.
    expect(framed.length).toBeLessThan(20);
    expect([...framed].sort((a, b) => a - b)).toEqual(framed);
    expect(new Set(framed).size).toBe(framed.length);
    // Unsubscribing drops a pending delivery.
    await show.setViewers(1000);
    off();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(framed.at(-1)).toBe(final);
    expect(() => room.subscribe(() => undefined, { coalesce: 'sometimes' as never })).toThrow(/coalesce must be 'event' or 'frame'/);
    room.close();
  });

  it('recovers from a gap by fetching a new snapshot', async () => {
    const { show } = setup();
    const seq = show.engine.state.seq;
    // An event from the future (seq jumps ahead), as when a fan-out node lost messages.
    show.faults.injectFrame(0, JSON.stringify({ type: 'viewers.changed', seq: seq + 6, at: 1, data: { count: 999 } }));
    const room = createClient({ baseUrl: BASE }).join(show.id, { retryMs: 20 });
    let resyncs = 0;
    room.on('resync', () => resyncs++);
    await room.ready;
    await show.viewerSays('Ana', 'hello');
    await show.setViewers(42);
    const state = await until(room, (s) => s.viewers === 42 && s.seq === show.engine.state.seq);
    expect(resyncs).toBe(1);
    expect(state).toEqual(show.engine.state); // the injected 999 was never applied
    room.close();
  });

  it('skips malformed frames and invalid payloads, reports them, and keeps a correct state', async () => {
    const { show } = setup();
    const errors: RoomError[] = [];
    const room = createClient({ baseUrl: BASE }).join(show.id, { retryMs: 20 });
    room.on('error', (e) => errors.push(e));
    await room.ready;
    show.faults
      .injectFrame(1, '{this is not json')
      .injectFrame(1, JSON.stringify({ type: 'chat.message', seq: 1, at: 1, data: { text: '<img src=x onerror=alert(1)>' } }));
    await until(room, () => room.status === 'open');
    for (let i = 0; i < 4; i++) await show.viewerSays('Jo', `message ${i}`);
    const state = await until(room, (s) => s.seq === show.engine.state.seq && s.chat.length === 4);
    expect(state).toEqual(show.engine.state);
    const payloadErrors = errors.filter((e) => e.kind === 'payload');
    expect(payloadErrors.length).toBeGreaterThanOrEqual(1);
    expect(payloadErrors.every((e) => e.error instanceof NightmarketError && e.error.type === 'invalid-response')).toBe(true);
    expect(payloadErrors.map((e) => e.error.detail).join('\n')).toMatch(/not JSON|does not follow the protocol/);
    room.close();
  });

  it('treats a silent stream as dead and reconnects', async () => {
    const { show } = setup({ heartbeatMs: 150 });
    // The first stream delivers one event, then sends nothing, not even heartbeats.
    show.faults.stallStreamAfter(1);
    const room = createClient({ baseUrl: BASE }).join(show.id, { retryMs: 20 });
    const statuses: string[] = [];
    room.on('status', (s) => statuses.push(s));
    await room.ready;
    await until(room, () => room.status === 'open');
    await show.viewerSays('Kai', 'one');
    await show.viewerSays('Kai', 'two');
    // After 2 × 150 + 1000 ms of silence the room gives up on the stream and resumes.
    await until(room, (s) => s.chat.some((m) => m.text === 'two'), 4000);
    expect(show.faults.streamRequests).toBe(2);
    expect(statuses).toEqual(['open', 'reconnecting', 'open']);
    // The reconnection itself changes the viewer count; wait for that event too.
    expect(await until(room, (s) => s.seq === show.engine.state.seq)).toEqual(show.engine.state);
    room.close();
  });

  it('stops on a 204 answer to the event stream', async () => {
    const { show } = setup();
    show.faults.noStream();
    const room = createClient({ baseUrl: BASE }).join(show.id);
    await room.ready;
    await new Promise<void>((resolve) => room.on('status', (s) => s === 'closed' && resolve()));
    expect(room.closeReason).toBe('ended');
  });

  it('retries a failing snapshot with backoff, then gets ready', async () => {
    const { show } = setup();
    show.faults.failNext('snapshot', 2, 503);
    const errors: RoomError[] = [];
    const room = createClient({ baseUrl: BASE, retries: 0 }).join(show.id, { retryMs: 20 });
    room.on('error', (e) => errors.push(e));
    const state = await room.ready;
    expect(state.show.id).toBe(show.id);
    expect(errors.map((e) => [e.kind, e.error.status])).toEqual([
      ['snapshot', 503],
      ['snapshot', 503],
    ]);
    room.close();
  });

  it('fails ready with a typed error when the show does not exist', async () => {
    setup();
    const room = createClient({ baseUrl: BASE }).join('no-such-show');
    await expect(room.ready).rejects.toMatchObject({ name: 'NightmarketError', type: 'not-found', status: 404 });
    expect(room.status).toBe('closed');
    expect(room.closeReason).toBe('failed');
  });

  it('closes on abort, and ready rejects when aborted before the snapshot', async () => {
    const { show } = setup();
    show.faults.delay(300, 'snapshot');
    const controller = new AbortController();
    const room = createClient({ baseUrl: BASE }).join(show.id, { signal: controller.signal });
    controller.abort();
    await expect(room.ready).rejects.toMatchObject({ name: 'AbortError' });
    expect(room.status).toBe('closed');
    expect(room.closeReason).toBe('closed');
  });

  it('serves server time right when the local clock is an hour off', async () => {
    const { show } = setup();
    for (const skew of [-3_600_000, 3_600_000]) {
      const client = createClient({ baseUrl: BASE, now: () => Date.now() + skew });
      const room = client.join(show.id);
      await room.ready;
      expect(Math.abs(room.serverNow() - show.engine.now())).toBeLessThan(250);
      room.close();
    }
  });
});

describe('commerce and viewer calls', () => {
  it('refreshes the token once on 401', async () => {
    backend = createTestBackend({
      baseUrl: BASE,
      identify: (request) =>
        request.headers.get('Authorization') === 'Bearer fresh-token' ? { id: 'buyer-1', name: 'Lin' } : null,
    });
    server.use(...backend.handlers);
    const show = backend.createShow();
    const asked: boolean[] = [];
    const client = createClient({
      baseUrl: BASE,
      getToken: ({ refresh }) => {
        asked.push(refresh);
        return refresh ? 'fresh-token' : 'expired-token';
      },
    });
    const cart = await client.addToCart(show.id, { productId: 'tea-set', variantId: 'default', quantity: 2 });
    expect(cart.lines).toMatchObject([{ productId: 'tea-set', quantity: 2 }]);
    expect(cart.subtotal).toEqual({ amount: 37_600, currency: 'CNY' });
    expect(asked).toEqual([false, true]);
    // A token that stays bad fails after one refresh, with a typed error.
    const stuck = createClient({ baseUrl: BASE, getToken: () => 'nope' });
    await expect(stuck.getCart(show.id)).rejects.toMatchObject({ type: 'unauthorized', status: 401 });
  });

  it('turns problems into typed errors with the detail to show', async () => {
    const { show } = setup();
    const saleId = await show.startSale({
      productId: 'robot-vacuum',
      price: { amount: 99_900, currency: 'CNY' },
      units: 2,
      limitPerBuyer: 1,
    });
    const client = createClient({ baseUrl: BASE, getToken: () => 'buyer-1' });
    const held = await client.reserve(show.id, { saleId, quantity: 1 });
    expect(held).toMatchObject({ saleId, quantity: 1, status: 'held', unitPrice: { amount: 99_900, currency: 'CNY' } });
    const limit = await client.reserve(show.id, { saleId, quantity: 1 }).catch((e: unknown) => e);
    expect(limit).toBeInstanceOf(NightmarketError);
    expect(limit).toMatchObject({ type: 'limit-exceeded', status: 409 });
    expect((limit as NightmarketError).detail).toMatch(/1/);
    const other = createClient({ baseUrl: BASE, getToken: () => 'buyer-2' });
    await other.reserve(show.id, { saleId, quantity: 1 });
    const third = createClient({ baseUrl: BASE, getToken: () => 'buyer-3' });
    await expect(third.reserve(show.id, { saleId, quantity: 1 })).rejects.toMatchObject({ type: 'sold-out' });
  });

  it('gives one order for a double-tapped buy with one idempotency key', async () => {
    const { show } = setup();
    const client = createClient({ baseUrl: BASE, getToken: () => 'buyer-7' });
    const request: CheckoutRequest = { source: 'items', lines: [{ productId: 'robot-vacuum', variantId: 'white', quantity: 1 }] };
    const [a, b] = await Promise.allSettled([
      client.checkout(show.id, request, { idempotencyKey: 'tap-1' }),
      client.checkout(show.id, request, { idempotencyKey: 'tap-1' }),
    ]);
    // The second tap either waits for and replays the first (same order) or is told it is in flight.
    const orders = [a, b].filter((r) => r.status === 'fulfilled').map((r) => (r.value.kind === 'order' ? r.value.order.id : ''));
    expect(new Set(orders).size).toBe(1);
    const replay = await client.checkout(show.id, request, { idempotencyKey: 'tap-1' });
    expect(replay.kind === 'order' && replay.order.id).toBe(orders[0]);
    const variant = show.engine.state.products.find((p) => p.id === 'robot-vacuum')!.variants[0]!;
    expect(variant.stock).toBe(19_999); // one unit sold, not two
  });

  it('rejects bad arguments with a TypeError naming them, before any request', async () => {
    setup();
    expect(() => createClient({ baseUrl: 'shop.example' })).toThrow(/options\.baseUrl must be an absolute http\(s\) URL/);
    const client = createClient({ baseUrl: BASE, getToken: () => 'buyer-1' });
    expect(() => client.join('')).toThrow(/join: showId must be an id/);
    await expect(client.addToCart('spring-launch', { productId: 'tea-set', variantId: 'default', quantity: 0 })).rejects.toThrow(
      /addToCart: line\.quantity: must be at least 1/,
    );
  });

  it('aborts a call with its signal', async () => {
    const { show } = setup();
    show.faults.delay(500, 'commerce');
    const client = createClient({ baseUrl: BASE, getToken: () => 'buyer-1' });
    const controller = new AbortController();
    const pending = client.getCart(show.id, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('Room sharing', () => {
  it('shares one event stream between joins of the same show, and closes it with the last handle', async () => {
    const { backend, show } = setup();
    const client = createClient({ baseUrl: BASE });
    const first = client.join(show.id);
    const second = client.join(show.id);
    await Promise.all([first.ready, second.ready]);
    await until(first, () => first.status === 'open');
    expect(backend.faults.streamRequests).toBe(1);
    const seen: string[] = [];
    second.on('chat.message', (e) => seen.push(e.data.text));
    first.close();
    expect(first.status).toBe('closed');
    await show.viewerSays('Mei', 'still here?');
    await until(second, (s) => s.chat.some((m) => m.text === 'still here?'));
    expect(seen).toEqual(['still here?']);
    second.close();
    // A join after the last handle closed opens a new connection.
    const third = client.join(show.id);
    await third.ready;
    await until(third, () => third.status === 'open');
    expect(backend.faults.streamRequests).toBe(2);
    third.close();
    // Joins with options get a connection of their own.
    const own = client.join(show.id, { retryMs: 500 });
    await own.ready;
    await until(own, () => own.status === 'open');
    expect(backend.faults.streamRequests).toBe(3);
    own.close();
  });
});
