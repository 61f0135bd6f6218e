/**
 * The protocol's HTTP binding as one Fetch handler, `(Request) => Promise<Response>`, built on
 * Hono's core router. The reference server, the msw test kit and edge runtimes all call this same
 * function, so they all speak exactly the same protocol: paths, status codes, problem+json,
 * idempotency headers and the SSE stream.
 */
import {
  EVENT_STREAM_MEDIA_TYPE,
  IDEMPOTENCY_HEADER,
  IdSchema,
  PROBLEM_MEDIA_TYPE,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  validate,
} from '@nightmarket/client';
import { Hono, type Context } from 'hono';
import { cors } from 'hono/cors';
import type { Viewer } from './context.js';
import type { ShowEngine } from './engine.js';
import { ShowRegistry } from './registry.js';
import { requestFingerprint } from './idempotency.js';
import { ProblemError } from './problem.js';
import { eventStream, streamStart } from './sse.js';

/** Options of {@link createHttpHandler}. */
export interface HttpHandlerOptions {
  /** The shows served: a registry, or a function finding a show's engine by id. */
  shows: ShowRegistry | ((showId: string) => ShowEngine | undefined);
  /** Bearer token of the admin API (`POST shows/{showId}/commands`). Without one, every command is 403. */
  adminToken?: string | undefined;
  /**
   * Maps a request to the viewer making it, from its credentials; null when there are none or
   * they are not valid (401 on viewer requests). Default {@link bearerViewer}.
   */
  identify?: ((request: Request) => Viewer | null | Promise<Viewer | null>) | undefined;
  /** Path of the base URL, e.g. `/nightmarket/` (default `/`). */
  basePath?: string | undefined;
  /** Largest request body accepted, in bytes (default 65 536; larger is 413). */
  bodyLimit?: number | undefined;
  /** Allows cross-origin requests (with credentials) from these origins. */
  cors?: { readonly origins: readonly string[] } | undefined;
  /** Reconnection delay hint sent at the start of event streams, in ms (default 1000). */
  retryMs?: number | undefined;
  /** Called with unexpected errors (answered 500 without details). Default `console.error`. */
  onError?: ((error: unknown) => void) | undefined;
}

/** A Fetch API request handler. */
export type FetchHandler = (request: Request) => Promise<Response>;

const ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The default `identify`: `Authorization: Bearer <id>` is the viewer with that id (and name);
 * `Bearer <id>~<display name>` gives a display name too (percent-decoded). A token whose id part
 * is not a protocol Id identifies nobody.
 */
export function bearerViewer(request: Request): Viewer | null {
  const match = /^Bearer\s+(.+)$/i.exec(request.headers.get('Authorization') ?? '');
  if (!match) return null;
  const token = match[1]!.trim();
  const tilde = token.indexOf('~');
  const id = tilde === -1 ? token : token.slice(0, tilde);
  if (!ID.test(id)) return null;
  let name = tilde === -1 ? id : token.slice(tilde + 1);
  try {
    name = decodeURIComponent(name);
  } catch {
    // Not percent-encoded after all: use it as it is.
  }
  return { id, name: name.trim().slice(0, 60) || id.slice(0, 60) };
}

/**
 * Creates the protocol's HTTP handler. Every response carries `Nightmarket-Protocol: 1`; every
 * error is `application/problem+json` without internals (unexpected errors are a generic 500).
 */
export function createHttpHandler(options: HttpHandlerOptions): FetchHandler {
  const { shows } = options;
  const lookup = shows instanceof ShowRegistry ? (id: string) => shows.get(id) : shows;
  const identify = options.identify ?? bearerViewer;
  const bodyLimit = options.bodyLimit ?? 65_536;
  const retryMs = options.retryMs ?? 1000;
  const onError = options.onError ?? ((error: unknown) => console.error('nightmarket http:', error));
  const base = `/${(options.basePath ?? '/').replace(/^\/+|\/+$/g, '')}`.replace(/^\/$/, '');

  const app = new Hono().basePath(base || '/');

  if (options.cors) {
    app.use(
      '*',
      cors({
        origin: [...options.cors.origins],
        credentials: true,
        allowMethods: ['GET', 'POST', 'PATCH', 'DELETE'],
        allowHeaders: ['Authorization', 'Content-Type', PROTOCOL_HEADER, IDEMPOTENCY_HEADER, 'Last-Event-ID'],
        exposeHeaders: [PROTOCOL_HEADER, 'Idempotency-Replayed', 'Retry-After'],
        maxAge: 600,
      }),
    );
  }

  app.use('*', async (c, next) => {
    const version = c.req.header(PROTOCOL_HEADER);
    if (version !== undefined && version.trim() !== String(PROTOCOL_VERSION)) {
      throw new ProblemError(
        'unsupported-version',
        `This backend serves Night Market protocol ${PROTOCOL_VERSION}; the request asked for ${JSON.stringify(version)}.`,
      );
    }
    await next();
  });

  // --- helpers bound to the options ---------------------------------------------------------

  const engineOf = (c: Context): ShowEngine => {
    const id = c.req.param('showId') ?? '';
    const engine = ID.test(id) ? lookup(id) : undefined;
    if (!engine) throw new ProblemError('not-found', `Show "${id}" not found.`);
    return engine;
  };

  const viewerOf = async (c: Context): Promise<Viewer> => {
    const viewer = await identify(c.req.raw);
    if (!viewer || !validate(IdSchema, viewer.id).success) {
      throw new ProblemError('unauthorized', 'This request needs a signed-in viewer (Authorization: Bearer token or session cookie).');
    }
    return viewer;
  };

  const relativePath = (c: Context): string => new URL(c.req.url).pathname.slice(base.length + 1);

  /** A commerce request that takes an Idempotency-Key (required or optional). */
  const commerce = async <T>(
    c: Context,
    engine: ShowEngine,
    viewer: Viewer,
    init: { required: boolean; status: number; body: unknown },
    operation: () => Promise<T>,
  ): Promise<Response> => {
    const key = c.req.header(IDEMPOTENCY_HEADER);
    if (key === undefined) {
      if (init.required) {
        const message = 'is required for this request';
        throw new ProblemError('invalid-request', `${IDEMPOTENCY_HEADER}: ${message}`, { errors: [{ path: IDEMPOTENCY_HEADER, message }] });
      }
      return json(init.status, await operation());
    }
    const fingerprint = requestFingerprint(c.req.method, relativePath(c), init.body);
    const result = await engine.idempotent(viewer, key, fingerprint, operation);
    const headers: Record<string, string> = result.replayed ? { 'Idempotency-Replayed': 'true' } : {};
    return result.ok ? json(init.status, result.value, headers) : problem(result.error, headers);
  };

  const body = (c: Context): Promise<unknown> => readJsonBody(c.req.raw, bodyLimit);

  // --- routes -------------------------------------------------------------------------------

  app.get('/shows/:showId', (c) => json(200, engineOf(c).snapshot()));

  app.get('/shows/:showId/events', (c) => {
    const engine = engineOf(c);
    if (engine.state.show.status === 'ended' || engine.disposed) {
      return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
    }
    // Hono answers HEAD by running GET and dropping the body unread: a stream opened for it
    // would never be cancelled, and its subscription would leak.
    if (c.req.raw.method === 'HEAD') {
      return new Response(null, { status: 200, headers: { 'Content-Type': `${EVENT_STREAM_MEDIA_TYPE}; charset=utf-8`, 'Cache-Control': 'no-store' } });
    }
    const start = streamStart(engine, c.req.header('Last-Event-ID'), c.req.query('since'), c.req.query('epoch'));
    const stream = eventStream(engine, { start, retryMs, signal: c.req.raw.signal });
    return new Response(stream, {
      status: 200,
      headers: {
        'Content-Type': `${EVENT_STREAM_MEDIA_TYPE}; charset=utf-8`,
        'Cache-Control': 'no-store',
        // Proxies such as nginx buffer responses unless told otherwise; events must not wait.
        'X-Accel-Buffering': 'no',
      },
    });
  });

  app.post('/shows/:showId/chat', async (c) => {
    const engine = engineOf(c);
    const viewer = await viewerOf(c);
    return json(201, await engine.chat(viewer, await body(c)));
  });

  app.post('/shows/:showId/reactions', async (c) => {
    const engine = engineOf(c);
    const viewer = await viewerOf(c);
    await engine.react(viewer, await body(c));
    return json(202, {});
  });

  app.post('/shows/:showId/polls/:pollId/votes', async (c) => {
    const engine = engineOf(c);
    const viewer = await viewerOf(c);
    return json(200, await engine.vote(viewer, c.req.param('pollId'), await body(c)));
  });

  app.get('/shows/:showId/cart', async (c) => {
    const engine = engineOf(c);
    return json(200, await engine.getCart(await viewerOf(c)));
  });

  app.post('/shows/:showId/cart/lines', async (c) => {
    const engine = engineOf(c);
    const viewer = await viewerOf(c);
    const payload = await body(c);
    return commerce(c, engine, viewer, { required: false, status: 200, body: payload }, () => engine.addToCart(viewer, payload));
  });

  app.patch('/shows/:showId/cart/lines/:lineId', async (c) => {
    const engine = engineOf(c);
    const viewer = await viewerOf(c);
    const payload = await body(c);
    const lineId = c.req.param('lineId');
    return commerce(c, engine, viewer, { required: false, status: 200, body: payload }, () =>
      engine.updateCartLine(viewer, lineId, payload),
    );
  });

  app.delete('/shows/:showId/cart/lines/:lineId', async (c) => {
    const engine = engineOf(c);
    return json(200, await engine.removeCartLine(await viewerOf(c), c.req.param('lineId')));
  });

  app.post('/shows/:showId/reservations', async (c) => {
    const engine = engineOf(c);
    const viewer = await viewerOf(c);
    const payload = await body(c);
    return commerce(c, engine, viewer, { required: true, status: 201, body: payload }, () => engine.reserve(viewer, payload));
  });

  app.delete('/shows/:showId/reservations/:reservationId', async (c) => {
    const engine = engineOf(c);
    return json(200, await engine.releaseReservation(await viewerOf(c), c.req.param('reservationId')));
  });

  app.post('/shows/:showId/checkout', async (c) => {
    const engine = engineOf(c);
    const viewer = await viewerOf(c);
    const payload = await body(c);
    return commerce(c, engine, viewer, { required: true, status: 201, body: payload }, () => engine.checkout(viewer, payload));
  });

  app.post('/shows/:showId/deposits', async (c) => {
    const engine = engineOf(c);
    const viewer = await viewerOf(c);
    const payload = await body(c);
    return commerce(c, engine, viewer, { required: true, status: 201, body: payload }, () => engine.deposit(viewer, payload));
  });

  app.get('/shows/:showId/orders/:orderId', async (c) => {
    const engine = engineOf(c);
    return json(200, await engine.getOrder(await viewerOf(c), c.req.param('orderId')));
  });

  app.post('/shows/:showId/orders/:orderId/balance', async (c) => {
    const engine = engineOf(c);
    const viewer = await viewerOf(c);
    const orderId = c.req.param('orderId');
    return commerce(c, engine, viewer, { required: false, status: 200, body: undefined }, () => engine.payBalance(viewer, orderId));
  });

  app.post('/shows/:showId/orders/:orderId/refund', async (c) => {
    const engine = engineOf(c);
    const viewer = await viewerOf(c);
    const orderId = c.req.param('orderId');
    return commerce(c, engine, viewer, { required: false, status: 200, body: undefined }, () => engine.refundDeposit(viewer, orderId));
  });

  app.post('/shows/:showId/commands', async (c) => {
    const engine = engineOf(c);
    checkAdmin(c.req.header('Authorization'), options.adminToken);
    return json(200, await engine.command(await body(c)));
  });

  app.notFound((c) => problem(new ProblemError('not-found', `No such endpoint: ${c.req.method} ${new URL(c.req.url).pathname}.`)));
  app.onError((error) => errorResponse(error, onError));

  return async (request) => {
    let response: Response;
    try {
      response = await app.fetch(request);
    } catch (error) {
      response = errorResponse(error, onError);
    }
    try {
      response.headers.set(PROTOCOL_HEADER, String(PROTOCOL_VERSION));
    } catch {
      // Immutable headers (a response passed through from elsewhere): copy it.
      response = new Response(response.body, response);
      response.headers.set(PROTOCOL_HEADER, String(PROTOCOL_VERSION));
    }
    return response;
  };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
  });
}

function problem(error: ProblemError, headers: Record<string, string> = {}): Response {
  const retry: Record<string, string> = error.retryAfter === undefined ? {} : { 'Retry-After': String(error.retryAfter) };
  return new Response(JSON.stringify(error.toProblem()), {
    status: error.status,
    headers: { 'Content-Type': PROBLEM_MEDIA_TYPE, 'Cache-Control': 'no-store', ...retry, ...headers },
  });
}

function errorResponse(error: unknown, onError: (error: unknown) => void): Response {
  if (error instanceof ProblemError) {
    if (error.status >= 500) onError(error);
    return problem(error);
  }
  onError(error);
  return problem(new ProblemError('internal', 'Something went wrong on our side. Please try again.'));
}

function checkAdmin(authorization: string | undefined, adminToken: string | undefined): void {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) throw new ProblemError('unauthorized', 'The admin API needs Authorization: Bearer with the admin token.');
  if (adminToken === undefined || !sameString(match[1]!, adminToken)) {
    throw new ProblemError('forbidden', 'This token may not use the admin API.');
  }
}

/** Compares without stopping at the first difference, so timing does not reveal the token. */
function sameString(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}

/**
 * Reads a request's JSON body of at most `limit` bytes, counting while it reads (Content-Length
 * may be absent or wrong). Resolves undefined when there is no body. Throws a
 * {@link ProblemError}: `payload-too-large` past the limit, `invalid-request` for text that is not
 * JSON. Servers that add routes beside the protocol's use it so their bodies follow the same rules.
 */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  const tooLarge = (): ProblemError => new ProblemError('payload-too-large', `The request body must be at most ${limit} bytes.`);
  const length = request.headers.get('Content-Length');
  const declared = Number(length ?? Number.NaN);
  if (declared > limit) throw tooLarge();
  let bytes: Uint8Array;
  if (length !== null && /^\s*\d+\s*$/.test(length)) {
    // A body framed by its length is exactly that long (HTTP reads no more), so it can be read
    // whole: arrayBuffer() takes the platform's shortcut where it has one (the Node adapter reads
    // the socket directly instead of going through web streams).
    bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > limit) throw tooLarge();
  } else {
    if (!request.body) return undefined;
    bytes = await readCounting(request.body, limit, tooLarge);
  }
  const text = decoder.decode(bytes);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const message = 'is not valid JSON';
    throw new ProblemError('invalid-request', `body: ${message}`, { errors: [{ path: '(root)', message }] });
  }
}

const decoder = new TextDecoder();

/** Reads a body of unknown length, counting while it reads: past `limit`, cancels and throws. */
async function readCounting(body: ReadableStream<Uint8Array>, limit: number, tooLarge: () => ProblemError): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
