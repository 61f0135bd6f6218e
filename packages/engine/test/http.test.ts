import { describe, expect, it } from 'vitest';
import { ProblemSchema, SnapshotSchema, validate, type Reservation } from '@nightmarket/client';
import { bearerViewer, createHttpHandler, MemoryStore, ShowRegistry, type ReserveResult } from '@nightmarket/engine';
import { cny, liveSale, makeEngine, makeShow, T0, tea, type Harness } from './fixtures.js';

const BASE = 'https://shop.example/nm/';
const ADMIN = 'admin-secret';

interface CallInit {
  token?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

function setup(h: Harness = makeEngine(), options: { bodyLimit?: number; onError?: (e: unknown) => void } = {}) {
  const handler = createHttpHandler({
    shows: (id) => (id === h.engine.id ? h.engine : undefined),
    adminToken: ADMIN,
    basePath: '/nm/',
    ...options,
  });
  const call = (method: string, path: string, init: CallInit = {}): Promise<Response> => {
    const headers = new Headers({ 'Nightmarket-Protocol': '1', ...init.headers });
    if (init.token !== undefined) headers.set('Authorization', `Bearer ${init.token}`);
    const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
    if (body !== undefined) headers.set('Content-Type', 'application/json');
    return handler(new Request(BASE + path, { method, headers, ...(body === undefined ? {} : { body }) }));
  };
  return { h, handler, call };
}

/** Reads a problem+json response and checks its shape. */
async function problemBody(res: Response): Promise<Record<string, unknown>> {
  expect(res.headers.get('Content-Type')).toBe('application/problem+json');
  expect(res.headers.get('Nightmarket-Protocol')).toBe('1');
  const body = (await res.json()) as Record<string, unknown>;
  expect(validate(ProblemSchema, body).success).toBe(true);
  expect(body['status']).toBe(res.status);
  expect(JSON.stringify(body)).not.toMatch(/\bat .+:\d+|Error:|node_modules/); // no stack traces
  return body;
}

describe('HTTP binding: resources and status codes', () => {
  it('serves the snapshot without credentials, with the protocol header', async () => {
    const { call } = setup();
    const res = await call('GET', 'shows/spring');
    expect(res.status).toBe(200);
    expect(res.headers.get('Nightmarket-Protocol')).toBe('1');
    expect(res.headers.get('Content-Type')).toBe('application/json');
    const body = (await res.json()) as unknown;
    expect(validate(SnapshotSchema, body).success).toBe(true);
    expect(body).toMatchObject({ epoch: 'e1', seq: 0, serverTime: T0, show: { id: 'spring' } });
  });

  it('answers every viewer and admin endpoint with the binding\'s status', async () => {
    const { h, call } = setup();
    const saleId = await liveSale(h, { units: 5 });
    await h.engine.command({
      type: 'presale.open',
      presale: {
        id: 'pre', productId: 'rocket', variantId: 'slot', deposit: cny(1), balance: cny(2),
        balanceDueFrom: T0, balanceDueUntil: T0 + 10_000, refundable: true, limitPerBuyer: 2, endsAt: T0 + 5000,
      },
    });
    const { id: pollId } = await h.engine.command({ type: 'poll.open', poll: { question: 'Q?', options: ['A', 'B'] } });
    const t = { token: 'mei~Mei%20Lin' };
    const key = (k: string) => ({ ...t, headers: { 'Idempotency-Key': k } });

    const chat = await call('POST', 'shows/spring/chat', { ...t, body: { text: 'hi' } });
    expect(chat.status).toBe(201);
    expect(await chat.json()).toMatchObject({ author: { id: 'mei', name: 'Mei Lin', role: 'viewer' } });
    const reaction = await call('POST', 'shows/spring/reactions', { ...t, body: { kind: 'heart' } });
    expect([reaction.status, await reaction.json()]).toEqual([202, {}]);
    expect((await call('POST', `shows/spring/polls/${pollId}/votes`, { ...t, body: { optionId: 'o1' } })).status).toBe(200);
    expect((await call('GET', 'shows/spring/cart', t)).status).toBe(200);
    const added = await call('POST', 'shows/spring/cart/lines', { ...key('c1'), body: { productId: 'tea', variantId: 'default', quantity: 1 } });
    expect(added.status).toBe(200);
    const lineId = ((await added.json()) as { lines: { id: string }[] }).lines[0]!.id;
    expect((await call('PATCH', `shows/spring/cart/lines/${lineId}`, { ...t, body: { quantity: 2 } })).status).toBe(200);
    expect((await call('DELETE', `shows/spring/cart/lines/${lineId}`, t)).status).toBe(200);
    const reserved = await call('POST', 'shows/spring/reservations', { ...key('r1'), body: { saleId, quantity: 1 } });
    expect(reserved.status).toBe(201);
    const reservation = (await reserved.json()) as Reservation;
    expect((await call('DELETE', `shows/spring/reservations/${reservation.id}`, t)).status).toBe(200);
    const bought = await call('POST', 'shows/spring/checkout', {
      ...key('co1'),
      body: { source: 'items', lines: [{ productId: 'tea', variantId: 'default', quantity: 1 }] },
    });
    expect(bought.status).toBe(201);
    const deposit = await call('POST', 'shows/spring/deposits', { ...key('d1'), body: { presaleId: 'pre', quantity: 1 } });
    expect(deposit.status).toBe(201);
    const orderId = ((await deposit.json()) as { id: string }).id;
    expect((await call('GET', `shows/spring/orders/${orderId}`, t)).status).toBe(200);
    expect((await call('GET', `shows/spring/orders/${orderId}`, { token: 'jun' })).status).toBe(404);
    const refund = await call('POST', `shows/spring/orders/${orderId}/refund`, t);
    expect([refund.status, ((await refund.json()) as { status: string }).status]).toEqual([200, 'refunded']);
    const again = await call('POST', 'shows/spring/deposits', { ...key('d2'), body: { presaleId: 'pre', quantity: 1 } });
    const second = ((await again.json()) as { id: string }).id;
    const paid = await call('POST', `shows/spring/orders/${second}/balance`, key('b1'));
    expect([paid.status, ((await paid.json()) as { status: string }).status]).toEqual([200, 'paid']);
    const command = await call('POST', 'shows/spring/commands', { token: ADMIN, body: { type: 'product.pin', productId: 'tea' } });
    expect([command.status, await command.json()]).toEqual([200, { seq: h.engine.seq }]);
  });

  it('answers 400 invalid-request with field paths and a detail naming the first', async () => {
    const { h, call } = setup();
    const saleId = await liveSale(h);
    const res = await call('POST', 'shows/spring/reservations', {
      token: 'mei',
      headers: { 'Idempotency-Key': 'k' },
      body: { saleId, quantity: 0 },
    });
    expect(res.status).toBe(400);
    expect(await problemBody(res)).toEqual({
      type: 'urn:nightmarket:problem:invalid-request',
      title: 'Invalid request',
      status: 400,
      detail: 'quantity: must be at least 1',
      errors: [{ path: 'quantity', message: 'must be at least 1' }],
    });
    const malformed = await call('POST', 'shows/spring/chat', { token: 'mei', raw: '{"text": ' });
    expect(malformed.status).toBe(400);
    expect((await problemBody(malformed))['detail']).toBe('body: is not valid JSON');
    const since = await call('GET', 'shows/spring/events?since=abc');
    expect((await problemBody(since))['errors']).toEqual([{ path: 'since', message: 'must be a sequence number (a non-negative integer)' }]);
  });

  it('requires credentials for viewer requests (401) and the admin token for commands (401/403)', async () => {
    const { call } = setup();
    const anonymous = await call('GET', 'shows/spring/cart');
    expect(anonymous.status).toBe(401);
    expect((await problemBody(anonymous))['type']).toBe('urn:nightmarket:problem:unauthorized');
    expect((await call('GET', 'shows/spring/cart', { token: 'not an id!' })).status).toBe(401);
    const none = await call('POST', 'shows/spring/commands', { body: { type: 'show.pause' } });
    expect([none.status, (await problemBody(none))['title']]).toEqual([401, 'Unauthorized']);
    const wrong = await call('POST', 'shows/spring/commands', { token: 'mei', body: { type: 'show.pause' } });
    expect([wrong.status, (await problemBody(wrong))['type']]).toEqual([403, 'urn:nightmarket:problem:forbidden']);
    const noAdmin = createHttpHandler({ shows: () => undefined });
    expect((await noAdmin(new Request('https://x.example/shows/a'))).status).toBe(404);
  });

  it('answers 404 for unknown shows, routes and methods, as problem+json', async () => {
    const { call } = setup();
    for (const [method, path] of [
      ['GET', 'shows/nope'],
      ['GET', 'shows/nope/events'],
      ['GET', 'shows/spring/unknown'],
      ['PUT', 'shows/spring/cart'],
      ['GET', '../elsewhere'],
    ] as const) {
      const res = await call(method, path, { token: 'mei' });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect((await problemBody(res))['type']).toBe('urn:nightmarket:problem:not-found');
    }
  });

  it('answers 413 for bodies over the limit, declared or not', async () => {
    const { call } = setup(makeEngine(), { bodyLimit: 100 });
    const big = { text: 'x'.repeat(200) };
    const declared = await call('POST', 'shows/spring/chat', { token: 'mei', body: big });
    expect(declared.status).toBe(413);
    expect((await problemBody(declared))['type']).toBe('urn:nightmarket:problem:payload-too-large');
    const bytes = new TextEncoder().encode(JSON.stringify(big));
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 60));
        controller.enqueue(bytes.slice(60));
        controller.close();
      },
    });
    const handler = setup(makeEngine(), { bodyLimit: 100 }).handler;
    const res = await handler(
      new Request(`${BASE}shows/spring/chat`, { method: 'POST', headers: { Authorization: 'Bearer mei' }, body: chunked, duplex: 'half' } as RequestInit),
    );
    expect(res.status).toBe(413);
  });

  it('reads a body framed by Content-Length whole, and still refuses one longer than the limit', async () => {
    const handler = setup(makeEngine(), { bodyLimit: 100 }).handler;
    const post = (body: string, length: number) =>
      handler(
        new Request(`${BASE}shows/spring/chat`, {
          method: 'POST',
          headers: { Authorization: 'Bearer mei', 'Content-Type': 'application/json', 'Content-Length': String(length) },
          body,
        }),
      );
    const ok = JSON.stringify({ text: 'hello' });
    expect((await post(ok, ok.length)).status).toBe(201);
    // A length that understates the body (only a hand-made Request can): the limit still holds.
    const big = JSON.stringify({ text: 'x'.repeat(200) });
    const res = await post(big, 10);
    expect(res.status).toBe(413);
    expect((await problemBody(res))['type']).toBe('urn:nightmarket:problem:payload-too-large');
    expect((await post('{"text":', 8)).status).toBe(400);
  });

  it('answers 429 with Retry-After on the chat rate limit', async () => {
    const { call } = setup();
    for (let i = 0; i < 5; i++) expect((await call('POST', 'shows/spring/chat', { token: 'mei', body: { text: `${i}` } })).status).toBe(201);
    const res = await call('POST', 'shows/spring/chat', { token: 'mei', body: { text: 'more' } });
    expect(res.status).toBe(429);
    expect(res.headers.get('Retry-After')).toBe('2');
    expect(await problemBody(res)).toMatchObject({ type: 'urn:nightmarket:problem:rate-limited', retryAfter: 2 });
  });

  it('refuses other protocol versions and accepts requests without the header', async () => {
    const { handler } = setup();
    const v2 = await handler(new Request(`${BASE}shows/spring`, { headers: { 'Nightmarket-Protocol': '2' } }));
    expect(v2.status).toBe(400);
    expect((await problemBody(v2))['type']).toBe('urn:nightmarket:problem:unsupported-version');
    expect((await handler(new Request(`${BASE}shows/spring`))).status).toBe(200);
  });

  it('answers 500 internal with a generic detail, never the error', async () => {
    class BrokenStore extends MemoryStore {
      override async getCart(): Promise<never> {
        throw new Error('SQLITE_CORRUPT at /srv/db.ts:12');
      }
    }
    const errors: unknown[] = [];
    const { call } = setup(makeEngine({ store: new BrokenStore() }), { onError: (e) => errors.push(e) });
    const res = await call('GET', 'shows/spring/cart', { token: 'mei' });
    expect(res.status).toBe(500);
    const body = await problemBody(res);
    expect(body).toEqual({
      type: 'urn:nightmarket:problem:internal',
      title: 'Internal error',
      status: 500,
      detail: 'Something went wrong on our side. Please try again.',
    });
    expect(errors).toHaveLength(1);
  });

  it('serves a registry under a base path, with CORS for listed origins', async () => {
    const registry = new ShowRegistry({ autoTick: false });
    registry.create({ show: makeShow({ id: 'a' }), products: [tea] });
    const handler = createHttpHandler({ shows: registry, basePath: '/api', cors: { origins: ['https://shop.example'] } });
    const res = await handler(new Request('https://x.example/api/shows/a', { headers: { Origin: 'https://shop.example' } }));
    expect(res.status).toBe(200);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example');
    expect(res.headers.get('Access-Control-Expose-Headers')).toContain('Idempotency-Replayed');
    const preflight = await handler(
      new Request('https://x.example/api/shows/a/reservations', {
        method: 'OPTIONS',
        headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST' },
      }),
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('Access-Control-Allow-Headers')).toContain('Idempotency-Key');
    const other = await handler(new Request('https://x.example/api/shows/a', { headers: { Origin: 'https://evil.example' } }));
    expect(other.headers.get('Access-Control-Allow-Origin')).toBeNull();
    registry.dispose();
  });

  it('identifies viewers from bearer tokens', () => {
    const req = (auth?: string) => new Request('https://x.example/', auth === undefined ? {} : { headers: { Authorization: auth } });
    expect(bearerViewer(req('Bearer mei'))).toEqual({ id: 'mei', name: 'mei' });
    expect(bearerViewer(req('Bearer mei~Mei%20Lin'))).toEqual({ id: 'mei', name: 'Mei Lin' });
    expect(bearerViewer(req('bearer jun~Jun Li'))).toEqual({ id: 'jun', name: 'Jun Li' });
    expect(bearerViewer(req('Bearer bad/id'))).toBeNull();
    expect(bearerViewer(req('Basic abc'))).toBeNull();
    expect(bearerViewer(req())).toBeNull();
  });
});

describe('HTTP binding: idempotency', () => {
  it('requires Idempotency-Key on reservations, checkout and deposits', async () => {
    const { h, call } = setup();
    const saleId = await liveSale(h);
    for (const [path, body] of [
      ['shows/spring/reservations', { saleId, quantity: 1 }],
      ['shows/spring/checkout', { source: 'cart' }],
      ['shows/spring/deposits', { presaleId: 'p', quantity: 1 }],
    ] as const) {
      const res = await call('POST', path, { token: 'mei', body });
      expect(res.status).toBe(400);
      expect(await problemBody(res)).toMatchObject({
        detail: 'Idempotency-Key: is required for this request',
        errors: [{ path: 'Idempotency-Key', message: 'is required for this request' }],
      });
    }
    expect(h.engine.state.sales[0]!.unitsLeft).toBe(10);
  });

  it('replays the same status and body with Idempotency-Replayed, errors included', async () => {
    const { h, call } = setup();
    const saleId = await liveSale(h, { units: 1 });
    const init = { token: 'mei', headers: { 'Idempotency-Key': 'tap-1' }, body: { saleId, quantity: 1 } };
    const first = await call('POST', 'shows/spring/reservations', init);
    const replay = await call('POST', 'shows/spring/reservations', init);
    expect([first.status, replay.status]).toEqual([201, 201]);
    expect(first.headers.get('Idempotency-Replayed')).toBeNull();
    expect(replay.headers.get('Idempotency-Replayed')).toBe('true');
    expect(await replay.text()).toBe(await first.text());

    const soldOut = { token: 'jun', headers: { 'Idempotency-Key': 'tap-1' }, body: { saleId, quantity: 1 } };
    const failed = await call('POST', 'shows/spring/reservations', soldOut);
    expect(failed.status).toBe(409);
    const failedBody = await failed.text();
    const replayedFailure = await call('POST', 'shows/spring/reservations', soldOut);
    expect(replayedFailure.status).toBe(409);
    expect(replayedFailure.headers.get('Idempotency-Replayed')).toBe('true');
    expect(await replayedFailure.text()).toBe(failedBody);

    const mismatch = await call('POST', 'shows/spring/reservations', { ...init, body: { saleId, quantity: 2 } });
    expect(mismatch.status).toBe(422);
    expect((await problemBody(mismatch))['type']).toBe('urn:nightmarket:problem:idempotency-mismatch');
    const otherPath = await call('POST', 'shows/spring/checkout', { ...init, body: { source: 'cart' } });
    expect(otherPath.status).toBe(422);
  });

  it('answers 409 idempotency-conflict with Retry-After: 1 while the first request runs', async () => {
    let release: () => void = () => undefined;
    let entered = 0;
    class SlowStore extends MemoryStore {
      override async reserve(showId: string, request: { readonly reservation: Reservation; readonly buyerId: string; readonly now: number }): Promise<ReserveResult> {
        entered++;
        await new Promise<void>((resolve) => (release = resolve));
        return super.reserve(showId, request);
      }
    }
    const { h, call } = setup(makeEngine({ store: new SlowStore() }));
    const saleId = await liveSale(h);
    const init = { token: 'mei', headers: { 'Idempotency-Key': 'slow' }, body: { saleId, quantity: 1 } };
    const first = call('POST', 'shows/spring/reservations', init);
    while (entered === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    const second = await call('POST', 'shows/spring/reservations', init);
    expect(second.status).toBe(409);
    expect(second.headers.get('Retry-After')).toBe('1');
    expect(await problemBody(second)).toMatchObject({ type: 'urn:nightmarket:problem:idempotency-conflict', retryAfter: 1 });
    release();
    expect((await first).status).toBe(201);
    expect((await call('POST', 'shows/spring/reservations', init)).headers.get('Idempotency-Replayed')).toBe('true');
    expect(entered).toBe(1);
  });
});
