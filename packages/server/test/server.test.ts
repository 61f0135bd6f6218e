import { afterEach, describe, expect, it } from 'vitest';
import {
  createClient,
  NightmarketError,
  ProblemSchema,
  validate,
  type ConnectionStatus,
  type Product,
  type Room,
  type Show,
} from '@nightmarket/client';
import { MemoryStore, type CommerceStore } from '@nightmarket/engine';
import { createNightmarketServer, type NightmarketServer, type NightmarketServerOptions } from '@nightmarket/server';

const ADMIN = 'admin-token-for-tests';
const cny = (amount: number) => ({ amount, currency: 'CNY' });

const show = (overrides: Partial<Show> = {}): Show => ({
  id: 'spring',
  title: 'Spring launch',
  status: 'live',
  startsAt: Date.UTC(2027, 0, 15, 8),
  host: { name: 'Lin' },
  stream: { hls: 'https://video.example/live.m3u8' },
  locale: 'zh-CN',
  currency: 'CNY',
  ...overrides,
});

const vacuum: Product = {
  id: 'vacuum',
  title: 'Robot vacuum X2',
  images: [{ url: 'https://images.example/vacuum.jpg', alt: 'White robot vacuum' }],
  price: cny(249_900),
  variants: [{ id: 'white', title: 'White', available: true, stock: 10 }],
};

const tea: Product = {
  id: 'tea',
  title: 'Celadon tea set',
  images: [],
  price: cny(18_800),
  variants: [{ id: 'default', title: 'Celadon tea set', available: true, stock: null }],
};

const servers: NightmarketServer[] = [];
const rooms: Room[] = [];

afterEach(async () => {
  for (const room of rooms.splice(0)) room.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: Partial<NightmarketServerOptions> = {}): Promise<NightmarketServer> {
  const server = await createNightmarketServer({
    adminToken: ADMIN,
    port: 0,
    shows: [{ show: show(), products: [vacuum, tea] }],
    onError: () => undefined,
    ...options,
  });
  servers.push(server);
  return server;
}

interface CallInit {
  token?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

function caller(server: NightmarketServer) {
  return (method: string, path: string, init: CallInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (init.token !== undefined) headers.set('Authorization', `Bearer ${init.token}`);
    const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
    if (body !== undefined) headers.set('Content-Type', 'application/json');
    return fetch(new URL(path, server.url), { method, headers, ...(body === undefined ? {} : { body }) });
  };
}

/** Reads a problem+json response, checks its shape and that it carries no internals. */
async function problemBody(res: Response): Promise<{ type: string; status: number; detail: string; errors?: { path: string; message: string }[] }> {
  expect(res.headers.get('Content-Type')).toBe('application/problem+json');
  const text = await res.text();
  expect(text).not.toMatch(/\bat .+:\d+|Error:|node_modules|\.ts\b|\.js\b/);
  const body = JSON.parse(text) as { type: string; status: number; detail: string };
  expect(validate(ProblemSchema, body).success).toBe(true);
  expect(body.status).toBe(res.status);
  return body;
}

function viewerClient(server: NightmarketServer, token: string) {
  return createClient({ baseUrl: `${server.url}api/`, getToken: () => token, retries: 0 });
}

function join(server: NightmarketServer, showId = 'spring'): Room {
  const room = createClient({ baseUrl: `${server.url}api/`, retries: 0 }).join(showId, { retryMs: 5000 });
  rooms.push(room);
  return room;
}

function waitForStatus(room: Room, status: ConnectionStatus): Promise<void> {
  if (room.status === status) return Promise.resolve();
  return new Promise((resolve) => {
    const off = room.on('status', (s) => {
      if (s === status) {
        off();
        resolve();
      }
    });
  });
}

const command = (server: NightmarketServer, showId: string, body: unknown, token = ADMIN) =>
  caller(server)('POST', `api/shows/${showId}/commands`, { token, body });

describe('nightmarket server: the protocol over HTTP', () => {
  it('lets a client join a show and receive the events of host commands sent over HTTP', async () => {
    const server = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const room = join(server);
    const state = await room.ready;
    expect(state.show.title).toBe('Spring launch');
    await waitForStatus(room, 'open');

    const pinned = new Promise((resolve) => room.on('product.pinned', resolve));
    const res = await command(server, 'spring', { type: 'product.pin', productId: 'vacuum' });
    expect(res.status).toBe(200);
    expect(await pinned).toMatchObject({ type: 'product.pinned', data: { productId: 'vacuum' } });
    expect(room.state?.pinned?.productId).toBe('vacuum');

    const message = new Promise((resolve) => room.on('chat.message', resolve));
    await viewerClient(server, 'mei~Mei').sendChat('spring', { text: 'Does it climb door sills?' });
    expect(await message).toMatchObject({ data: { text: 'Does it climb door sills?', author: { id: 'mei', name: 'Mei' } } });

    const paused = new Promise((resolve) => room.on('show.updated', resolve));
    expect((await command(server, 'spring', { type: 'show.pause' })).status).toBe(200);
    expect(await paused).toMatchObject({ data: { status: 'paused' } });
  });

  it('runs a flash sale: reserve, check out the reservation, sold-out for the rest', async () => {
    const server = await start();
    const now = Date.now();
    const scheduled = await command(server, 'spring', {
      type: 'sale.schedule',
      sale: { productId: 'vacuum', variantId: 'white', price: cny(199_900), units: 2, limitPerBuyer: 2, startsAt: now - 1000, endsAt: now + 60_000 },
    });
    expect(scheduled.status).toBe(200);
    const { id: saleId } = (await scheduled.json()) as { id: string };

    const mei = viewerClient(server, 'mei');
    const reservation = await mei.reserve('spring', { saleId, quantity: 2 });
    expect(reservation).toMatchObject({ saleId, quantity: 2, status: 'held' });
    const result = await mei.checkout('spring', { source: 'reservation', reservationId: reservation.id });
    expect(result).toMatchObject({ kind: 'order', order: { status: 'confirmed', total: cny(399_800) } });
    if (result.kind !== 'order') throw new Error('expected an order');
    expect(await mei.getOrder('spring', result.order.id)).toMatchObject({ id: result.order.id });

    const error = await viewerClient(server, 'jun').reserve('spring', { saleId, quantity: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NightmarketError);
    expect(error).toMatchObject({ status: 409 });
    const snapshot = await mei.getShow('spring');
    expect(snapshot.products.find((p) => p.id === 'vacuum')?.variants[0]?.stock).toBe(8);
  });

  it('checks out a cart, and replays an idempotent request', async () => {
    const server = await start();
    const mei = viewerClient(server, 'mei');
    await mei.addToCart('spring', { productId: 'tea', variantId: 'default', quantity: 2 });
    const first = await mei.checkout('spring', { source: 'cart' }, { idempotencyKey: 'order-1' });
    const again = await mei.checkout('spring', { source: 'cart' }, { idempotencyKey: 'order-1' });
    expect(first).toMatchObject({ kind: 'order', order: { total: cny(37_600) } });
    expect(again).toEqual(first);
    expect((await mei.getCart('spring')).lines).toEqual([]);
  });

  it('serves /healthz, security headers and problem+json for unknown paths', async () => {
    const server = await start();
    const call = caller(server);
    const health = await call('GET', 'healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', shows: 1 });
    expect(health.headers.get('X-Content-Type-Options')).toBe('nosniff');

    const snapshot = await call('GET', 'api/shows/spring');
    expect(snapshot.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(snapshot.headers.get('Content-Security-Policy')).toContain("default-src 'none'");
    expect(snapshot.headers.get('Nightmarket-Protocol')).toBe('1');

    const missing = await call('GET', 'nowhere');
    expect(missing.status).toBe(404);
    expect((await problemBody(missing)).detail).toContain('/nowhere');
    expect((await problemBody(await call('GET', 'api/shows/autumn'))).status).toBe(404);
  });

  it('serves a simulated live HLS stream for every show, with program date-time, and 404 for others', async () => {
    const server = await start();
    const res = await caller(server)('GET', 'streams/spring/live.m3u8');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toContain('application/vnd.apple.mpegurl');
    const playlist = await res.text();
    expect(playlist).toMatch(/^#EXTM3U/);
    expect(playlist).not.toContain('#EXT-X-ENDLIST');
    const pdt = [...playlist.matchAll(/#EXT-X-PROGRAM-DATE-TIME:(.+)/g)].map((m) => Date.parse(m[1]!));
    expect(pdt.length).toBeGreaterThanOrEqual(5);
    expect(Date.now() - pdt.at(-1)!).toBeLessThan(10_000); // a real live edge
    const segment = playlist.split('\n').find((l) => l.endsWith('.ts'))!;
    const media = await caller(server)('GET', `streams/spring/${segment}`);
    expect(media.status).toBe(200);
    expect(media.headers.get('Content-Type')).toBe('video/mp2t');
    expect((await media.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    expect((await caller(server)('GET', 'streams/no-such-show/live.m3u8')).status).toBe(404);
  });

  it('mounts extra routes beside the API', async () => {
    const server = await start({ extraRoutes: (app) => app.get('/hls/live.m3u8', (c) => c.text('#EXTM3U\n')) });
    const res = await caller(server)('GET', 'hls/live.m3u8');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('#EXTM3U\n');
  });
});

describe('nightmarket server: admin API', () => {
  it('answers 401 without a token and 403 with a wrong one, on every admin route', async () => {
    const server = await start();
    const call = caller(server);
    const routes: [string, string, unknown?][] = [
      ['GET', 'api/shows'],
      ['PUT', 'api/shows/autumn', { show: show({ id: 'autumn' }) }],
      ['DELETE', 'api/shows/spring'],
      ['POST', 'api/shows/spring/commands', { type: 'show.pause' }],
    ];
    for (const [method, path, body] of routes) {
      const none = await call(method, path, { body });
      expect([method, path, none.status]).toEqual([method, path, 401]);
      expect((await problemBody(none)).type).toBe('urn:nightmarket:problem:unauthorized');
      const wrong = await call(method, path, { body, token: 'not-the-admin-token' });
      expect([method, path, wrong.status]).toEqual([method, path, 403]);
      expect((await problemBody(wrong)).type).toBe('urn:nightmarket:problem:forbidden');
    }
    // Nothing happened.
    expect(server.registry.list().map((e) => [e.id, e.state.show.status])).toEqual([['spring', 'live']]);
  });

  it('creates, lists, replaces and deletes shows', async () => {
    const server = await start();
    const call = caller(server);
    const created = await call('PUT', 'api/shows/autumn', {
      token: ADMIN,
      body: { show: show({ id: 'autumn', title: 'Autumn picks', status: 'scheduled' }), products: [tea] },
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ show: { id: 'autumn', status: 'scheduled' }, products: [{ id: 'tea' }], seq: 0 });

    const list = await call('GET', 'api/shows', { token: ADMIN });
    expect(await list.json()).toEqual({
      shows: [
        { id: 'spring', title: 'Spring launch', status: 'live', startsAt: show().startsAt, viewers: 0 },
        { id: 'autumn', title: 'Autumn picks', status: 'scheduled', startsAt: show().startsAt, viewers: 0 },
      ],
    });

    // The lifecycle runs through the protocol's host commands.
    expect((await command(server, 'autumn', { type: 'show.start' })).status).toBe(200);
    expect(((await (await call('GET', 'api/shows/autumn')).json()) as { show: Show }).show.status).toBe('live');

    const replaced = await call('PUT', 'api/shows/autumn', { token: ADMIN, body: { show: show({ id: 'autumn', title: 'Autumn picks, take 2' }) } });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toMatchObject({ show: { title: 'Autumn picks, take 2' }, products: [], seq: 0 });

    const deleted = await call('DELETE', 'api/shows/autumn', { token: ADMIN });
    expect(deleted.status).toBe(204);
    expect((await call('GET', 'api/shows/autumn')).status).toBe(404);
    const again = await call('DELETE', 'api/shows/autumn', { token: ADMIN });
    expect(again.status).toBe(404);
    expect((await problemBody(again)).detail).toContain('autumn');
  });

  it('rejects an invalid show with 400 naming the field', async () => {
    const server = await start();
    const call = caller(server);
    const badPrice = { ...tea, price: { amount: 188.5, currency: 'CNY' } };
    const res = await call('PUT', 'api/shows/autumn', { token: ADMIN, body: { show: show({ id: 'autumn' }), products: [tea, badPrice] } });
    expect(res.status).toBe(400);
    const body = await problemBody(res);
    expect(body.type).toBe('urn:nightmarket:problem:invalid-request');
    expect(body.detail).toMatch(/^products\.1\.price\.amount: must be an integer number of minor units/);
    expect(body.errors).toEqual([expect.objectContaining({ path: 'products.1.price.amount' })]);

    const wrongId = await problemBody(await call('PUT', 'api/shows/autumn', { token: ADMIN, body: { show: show({ id: 'winter' }) } }));
    expect(wrongId.detail).toBe('show.id: must be the id in the URL ("autumn")');
    const missing = await problemBody(await call('PUT', 'api/shows/autumn', { token: ADMIN, body: { products: [] } }));
    expect(missing.detail).toBe('show: is required');
    const notJson = await problemBody(await call('PUT', 'api/shows/autumn', { token: ADMIN, raw: '{"show": ' }));
    expect(notJson.detail).toBe('body: is not valid JSON');
    expect(server.registry.get('autumn')).toBeUndefined();
  });

  it('does not accept the admin token as a viewer credential', async () => {
    const server = await start();
    const res = await caller(server)('POST', 'api/shows/spring/chat', { token: ADMIN, body: { text: 'hello' } });
    expect(res.status).toBe(401);
    expect(server.registry.get('spring')!.state.chat).toEqual([]);
  });
});

describe('nightmarket server: limits and failures', () => {
  it('answers 413 problem+json for bodies over 64 KiB', async () => {
    const server = await start();
    const call = caller(server);
    const big = 'x'.repeat(65 * 1024);
    const put = await call('PUT', 'api/shows/autumn', { token: ADMIN, body: { show: show({ id: 'autumn', description: big }) } });
    expect(put.status).toBe(413);
    expect((await problemBody(put)).type).toBe('urn:nightmarket:problem:payload-too-large');
    const chat = await call('POST', 'api/shows/spring/chat', { token: 'mei', body: { text: big } });
    expect(chat.status).toBe(413);
    await problemBody(chat);
  });

  it('allows cross-origin calls from the allow-list only', async () => {
    const server = await start({ cors: ['https://shop.example'] });
    const call = caller(server);
    const preflight = (origin: string) =>
      call('OPTIONS', 'api/shows/spring/cart/lines', {
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type, nightmarket-protocol' },
      });
    const allowed = await preflight('https://shop.example');
    expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example');
    expect(allowed.headers.get('Access-Control-Allow-Credentials')).toBe('true');
    expect(allowed.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('nightmarket-protocol');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('Access-Control-Allow-Origin')).toBeNull();

    const get = (origin: string) => call('GET', 'api/shows/spring', { headers: { Origin: origin } });
    expect((await get('https://shop.example')).headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example');
    expect((await get('https://evil.example')).headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('sends no CORS headers by default', async () => {
    const server = await start();
    const res = await caller(server)('GET', 'api/shows/spring', { headers: { Origin: 'https://shop.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('answers an internal error with a generic 500 and reports it to onError', async () => {
    const failing = new Proxy(new MemoryStore(), {
      get(target, property, receiver) {
        if (property === 'getCart') {
          return () => Promise.reject(new Error('SQLITE_CORRUPT at /srv/nightmarket/data.db (store.js:42)'));
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as CommerceStore;
    const errors: unknown[] = [];
    const server = await start({ store: failing, onError: (error) => errors.push(error) });
    const res = await caller(server)('GET', 'api/shows/spring/cart', { token: 'mei' });
    expect(res.status).toBe(500);
    const text = await res.clone().text();
    expect(text).not.toContain('SQLITE');
    expect(text).not.toContain('/srv/');
    const body = await problemBody(res);
    expect(body).toMatchObject({ type: 'urn:nightmarket:problem:internal', detail: 'Something went wrong on our side. Please try again.' });
    expect(String(errors[0])).toContain('SQLITE_CORRUPT');
  });

  it('refuses to start without an admin token', async () => {
    await expect(createNightmarketServer({ adminToken: '', port: 0 })).rejects.toThrow(/admin token is required/);
    await expect(createNightmarketServer({ port: 0 } as NightmarketServerOptions)).rejects.toThrow(/admin token is required/);
  });

  it('rejects a bad CORS origin and a duplicate initial show', async () => {
    await expect(createNightmarketServer({ adminToken: ADMIN, port: 0, cors: ['https://shop.example/path'] })).rejects.toThrow(/options\.cors\[0\]/);
    await expect(
      createNightmarketServer({ adminToken: ADMIN, port: 0, shows: [{ show: show() }, { show: show() }] }),
    ).rejects.toThrow(/options\.shows\[1\]/);
  });
});

describe('nightmarket server: graceful shutdown', () => {
  it('ends open event streams, then resolves close() quickly and closes the store', async () => {
    let storeClosed = false;
    const store = Object.assign(new MemoryStore(), { close: () => void (storeClosed = true) });
    const server = await start({ store });
    const room = join(server);
    await room.ready;
    await waitForStatus(room, 'open');

    const stream = await fetch(`${server.url}api/shows/spring/events`);
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('retry:');
    const drained = (async () => {
      for (;;) if ((await reader.read()).done) return 'ended';
    })();
    const roomLeft = waitForStatus(room, 'reconnecting');

    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await drained).toBe('ended');
    await roomLeft;
    expect(storeClosed).toBe(true);
    expect(server.registry.list()).toEqual([]);
    // Closed for good: no new connections.
    await expect(fetch(`${server.url}healthz`)).rejects.toThrow();
    expect(server.close()).toBe(server.close());
  });
});
