/**
 * The reference backend as a Node HTTP server: the engine's protocol binding under `/api/`, an
 * admin API that creates, replaces, lists and deletes shows, `GET /healthz`, security headers, a
 * body size limit, and a shutdown that ends every event stream instead of waiting for it.
 *
 * The protocol itself lives in `@nightmarket/engine` (`createHttpHandler`); this module only adds
 * what a process needs around it, so the msw test kit and this server speak the same protocol.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server, ServerResponse } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import {
  PROBLEM_MEDIA_TYPE,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  ProductSchema,
  ShowSchema,
  validate,
  type Product,
  type ValidationIssue,
} from '@nightmarket/client';
import {
  bearerViewer,
  createHttpHandler,
  MemoryStore,
  ProblemError,
  readJsonBody,
  ShowRegistry,
  type CommerceStore,
  type EngineOptions,
  type ShowEngine,
  type ShowInit,
  type Viewer,
} from '@nightmarket/engine';
import { Hono, type Context } from 'hono';
import { forward, FORWARDED_HEADER, isClusterStore, newEpoch, type ClusterOptions, type ClusterStore } from './cluster.js';
import { NodeEventStreams } from './event-stream.js';
import { NchanFanout, type NchanOptions } from './nchan.js';
import { createHlsHandler, SimulatedLiveStream } from './hls.js';
import { secureHeaders } from 'hono/secure-headers';

/** Options of {@link createNightmarketServer}. */
export interface NightmarketServerOptions {
  /**
   * Bearer token of the admin API (show management and host commands). Required: the server
   * refuses to start without one. Keep it out of viewers' browsers.
   */
  adminToken: string;
  /** TCP port (default 8080; 0 picks a free port, see {@link NightmarketServer.port}). */
  port?: number | undefined;
  /** Interface to listen on (default `127.0.0.1`, this machine only). */
  host?: string | undefined;
  /**
   * Where commerce state lives (stock, reservations, orders, carts, idempotency keys), shared by
   * every show. Default: a new `MemoryStore` (lost on restart). Closed by {@link NightmarketServer.close}
   * when it has a `close()` method.
   */
  store?: CommerceStore | undefined;
  /**
   * Shows to create at start, e.g. from {@link loadShowsFile}. A show the store already has saved
   * is resumed from the store instead (see `resume`), so restarting with the same file and
   * database continues each show rather than starting it over.
   */
  shows?: readonly ShowInit[] | undefined;
  /**
   * Resume every show saved in `store` (default true). Each show's engine saves its public state
   * while it runs and on {@link NightmarketServer.close}; a server started again on the same
   * database continues the show in a new epoch, with stock, sale units, deposits and orders as the
   * store has them — nothing reseeded, nothing sold twice. Clients following the show see the
   * epoch change and fetch a fresh snapshot.
   */
  resume?: boolean | undefined;
  /**
   * Origins allowed to call the API from a browser (CORS with credentials), e.g.
   * `['https://shop.example']`. Default none: only same-origin pages can use the API.
   */
  cors?: readonly string[] | undefined;
  /** Options every show's engine gets (clock, limits, timers). Its `store` is ignored: see `store`. */
  engine?: EngineOptions | undefined;
  /**
   * Maps a request to its viewer. Default: the test kit's `Authorization: Bearer <id>[~name]`
   * mapping, which trusts the client; a real deployment passes its own session check. The admin
   * token is never accepted as a viewer credential, whatever this function says.
   */
  identify?: ((request: Request) => Viewer | null | Promise<Viewer | null>) | undefined;
  /**
   * Adds routes outside `/api/` (the simulated HLS stream, a demo page…). Called once, before the
   * server listens; routes under `/api/` and `/healthz` are taken.
   */
  extraRoutes?: ((app: Hono) => void) | undefined;
  /**
   * Serve a simulated live HLS stream for every show at `/streams/{showId}/live.m3u8` (and its
   * recording at `/streams/{showId}/replay.m3u8`): committed portrait fixture segments in a
   * sliding window with EXT-X-PROGRAM-DATE-TIME, looping forever, for demos and tests. Point a
   * show's `stream.hls` at it, or at a real encoder. Default true.
   */
  simulatedStreams?: boolean | undefined;
  /** Called with unexpected errors, which are answered with a generic 500. Default `console.error`. */
  onError?: ((error: unknown) => void) | undefined;
  /**
   * How long {@link NightmarketServer.close} lets requests in progress finish before it cuts
   * their connections, in ms (default 5000). Event streams do not wait: they are ended at once.
   */
  shutdownGraceMs?: number | undefined;
  /**
   * Fan events out through nginx + nchan instead of serving event streams from this process:
   * every event is published to the show's nchan channel, and `GET shows/{id}/events` answers
   * with `X-Accel-Redirect` to nchan's subscriber location (or a one-message `reset`). Only for a
   * server behind an nginx configured as in `deploy/nginx/`. Default: streams served here.
   */
  nchan?: NchanOptions | undefined;
  /**
   * Run as one of several instances sharing `store` (which must be a cluster store, such as
   * `PostgresStore`): one instance runs each show's engine, the others forward its requests to
   * it, and take the show over when it dies. See `deploy/README.md`.
   */
  cluster?: ClusterOptions | undefined;
  /**
   * Let shared caches (nginx, a CDN) keep snapshots for this many seconds, revalidated with
   * their `ETag` (`"<epoch>:<seq>"`), so a join storm costs this server one snapshot per show
   * per period. A cached snapshot's `serverTime` is up to that old, which skews viewers' clock
   * estimate by as much: keep it to 1–2 s. Default: `no-store` (ETag still sent, 304 answered).
   */
  snapshotMaxAgeS?: number | undefined;
}

/** A running server, as {@link createNightmarketServer} resolves it. */
export interface NightmarketServer {
  /** Origin of the server with a trailing slash, e.g. `http://127.0.0.1:8080/`; the protocol base URL is `url + 'api/'`. */
  readonly url: string;
  /** The port it listens on (the real one when the option was 0). */
  readonly port: number;
  /** The shows it serves: engines can also be created and driven directly. */
  readonly registry: ShowRegistry;
  /** Ids of the shows resumed from the store at start (see `resume`), in the order they were first saved. */
  readonly resumed: readonly string[];
  /**
   * Shuts down: stops accepting connections, ends every event stream (clients see the end of the
   * stream and reconnect elsewhere), stops the engines' timers, lets other requests finish (up to
   * `shutdownGraceMs`), then closes the store if it has `close()`. Resolves when all of that is
   * done; calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/** A show id as the protocol allows it. */
const SHOW_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Largest request body accepted, in bytes (the protocol's limit). */
const BODY_LIMIT = 64 * 1024;
/** Path of the protocol's base URL. */
const API_BASE = '/api/';
const STREAMS_BASE = '/streams/';

/**
 * Starts the reference backend and resolves once it listens.
 *
 * Routes: the protocol under `/api/` (snapshots, event streams, viewer requests,
 * `POST /api/shows/{id}/commands` for host commands), the admin API `GET /api/shows`,
 * `PUT /api/shows/{id}` and `DELETE /api/shows/{id}` (bearer admin token: none → 401, wrong →
 * 403), `GET /healthz`, and whatever `extraRoutes` adds.
 *
 * @param options - token, address, storage, initial shows, CORS allow-list and engine options
 * @throws TypeError when the admin token is missing or an option or an initial show is invalid;
 *   rejects when the port cannot be bound (the listen error, e.g. `EADDRINUSE`)
 */
export async function createNightmarketServer(options: NightmarketServerOptions): Promise<NightmarketServer> {
  const adminToken = checkAdminToken(options.adminToken);
  const adminDigest = sha256(adminToken);
  const port = options.port ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new TypeError(`createNightmarketServer: options.port must be an integer from 0 to 65535, got ${String(port)}.`);
  }
  const host = options.host ?? '127.0.0.1';
  const origins = checkOrigins(options.cors ?? []);
  const onError = options.onError ?? ((error: unknown) => console.error('nightmarket-server:', error));
  const graceMs = Math.max(0, options.shutdownGraceMs ?? 5000);
  const store = options.store ?? new MemoryStore();
  const maxAgeS = options.snapshotMaxAgeS;
  if (maxAgeS !== undefined && (!Number.isInteger(maxAgeS) || maxAgeS < 0 || maxAgeS > 60)) {
    throw new TypeError(`createNightmarketServer: options.snapshotMaxAgeS must be an integer from 0 to 60 seconds, got ${String(maxAgeS)}.`);
  }
  const fanout = options.nchan ? new NchanFanout({ onError, ...options.nchan }) : undefined;
  let cluster: (ClusterOptions & { store: ClusterStore; leaseMs: number }) | undefined;
  if (options.cluster) {
    if (!isClusterStore(store)) {
      throw new TypeError('createNightmarketServer: options.cluster needs a store that several instances can share (PostgresStore).');
    }
    if (!isOrigin(options.cluster.self)) {
      throw new TypeError(`createNightmarketServer: options.cluster.self must be this instance's origin, such as http://127.0.0.1:8081, got ${JSON.stringify(options.cluster.self)}.`);
    }
    const leaseMs = options.cluster.leaseMs ?? 3000;
    if (!Number.isInteger(leaseMs) || leaseMs < 300) throw new TypeError('createNightmarketServer: options.cluster.leaseMs must be an integer of at least 300 ms.');
    cluster = { ...options.cluster, self: options.cluster.self.replace(/\/$/, ''), store, leaseMs };
  }

  const registry = new ShowRegistry({ ...options.engine, store, onError: options.engine?.onError ?? onError });
  /** Starts an engine's fan-out (every engine this server runs goes through here). */
  const started = (engine: ShowEngine): ShowEngine => {
    fanout?.attach(engine);
    return engine;
  };
  /** Stops running a show here (deleted, replaced, or run by another instance now). */
  const stopped = (showId: string): ShowEngine | undefined => {
    const engine = registry.get(showId);
    if (engine) fanout?.detach(engine);
    registry.delete(showId);
    return engine;
  };
  /** Claims a show for this instance; true when it is ours (then its engine may run here). */
  const claim = async (showId: string, epoch: string): Promise<{ mine: boolean; owner: string }> =>
    cluster ? cluster.store.claimShow(showId, cluster.self, epoch, cluster.leaseMs) : { mine: true, owner: '' };
  const resumed: string[] = [];
  try {
    for (const saved of (options.resume ?? true) ? await store.loadShows() : []) {
      const epoch = newEpoch();
      if (!(await claim(saved.state.show.id, epoch)).mine) continue;
      started(registry.resume(saved, { epoch }));
      resumed.push(saved.state.show.id);
    }
    const given = new Set<string>();
    for (const [i, init] of (options.shows ?? []).entries()) {
      if (given.has(init.show?.id)) {
        throw new TypeError(`createNightmarketServer: options.shows[${i}] has the same show id as an earlier show ("${init.show.id}").`);
      }
      given.add(init.show?.id);
      if (registry.get(init.show?.id)) continue;
      const epoch = newEpoch();
      if (!(await claim(init.show.id, epoch)).mine) continue;
      // Another instance may have saved it since we listed the saved shows.
      const saved = cluster ? await cluster.store.loadShow(init.show.id) : undefined;
      started(saved ? registry.resume(saved, { epoch }) : registry.create(init, { epoch }));
    }
    // Serve nothing until every show's counters are settled and every show is saved, so a crash
    // right after start still finds each show in the store.
    await Promise.all(registry.list().map(async (engine) => {
      await engine.ready;
      await engine.flush();
    }));
  } catch (error) {
    registry.dispose();
    throw error;
  }

  const identify = options.identify ?? bearerViewer;
  const protocol = createHttpHandler({
    shows: registry,
    adminToken,
    basePath: API_BASE,
    bodyLimit: BODY_LIMIT,
    cors: origins.length > 0 ? { origins } : undefined,
    onError,
    // Admin tokens must never act as viewer credentials: a viewer's id is public (chat authors).
    identify: async (request) => (isAdmin(request.headers.get('Authorization'), adminDigest) ? null : identify(request)),
  });

  let closing = false;
  let stopRenewing = (): void => undefined;
  const app = new Hono();
  app.use(
    '*',
    secureHeaders({
      // The API is meant to be called from the allow-listed origins, and the HLS stream to be
      // played from any page: CORS decides who may read, not CORP.
      crossOriginResourcePolicy: false,
      // Plain HTTP: HSTS belongs to the TLS proxy in front of this server.
      strictTransportSecurity: false,
    }),
  );
  app.use(`${API_BASE}*`, async (c, next) => {
    await next();
    // JSON and event streams only: nothing under /api/ is a document that may run or be framed.
    setHeader(c, 'Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    // The admin routes answer in the protocol's conventions too (the binding sets it on its own).
    if (!c.res.headers.has(PROTOCOL_HEADER)) setHeader(c, PROTOCOL_HEADER, String(PROTOCOL_VERSION));
  });
  app.use(`${API_BASE}*`, async (c, next) => {
    // Refuse a declared oversize body before anything reads it. Bodies without a length
    // (chunked) are counted while they are read, here and in the protocol binding.
    if (Number(c.req.header('Content-Length') ?? 0) > BODY_LIMIT) return problem(tooLarge());
    await next();
  });

  if (cluster) {
    const { store: shared, self, leaseMs } = cluster;
    /**
     * Runs a show here if nobody else does: claims it, resumes it from the database. False when
     * another instance holds it (or the show does not exist; then nothing is kept claimed).
     */
    const activate = async (showId: string, keepEmpty: boolean): Promise<{ mine: boolean; owner: string }> => {
      const epoch = newEpoch();
      const o = await shared.claimShow(showId, self, epoch, leaseMs);
      if (!o.mine || registry.get(showId)) return o;
      const saved = await shared.loadShow(showId);
      if (saved) {
        const engine = started(registry.resume(saved, { epoch }));
        await engine.ready;
      } else if (!keepEmpty) await shared.releaseShow(showId, self);
      return o;
    };
    /** Who ran each show when we last asked the database: forwarded to without asking again for a while. */
    const owners = new Map<string, { owner: string; at: number }>();
    const route = async (c: Context, next: () => Promise<void>): Promise<Response | void> => {
      const showId = c.req.param('showId') ?? '';
      if (!SHOW_ID.test(showId) || registry.get(showId)) return next();
      const known = owners.get(showId);
      if (known && Date.now() - known.at < leaseMs / 2 && c.req.header(FORWARDED_HEADER) === undefined) {
        try {
          return await forward(c.req.raw, known.owner);
        } catch {
          owners.delete(showId); // gone: ask the database below
        }
      }
      // Creating a show (PUT) keeps the claim: the handler creates it here.
      const creating = c.req.method === 'PUT' && new URL(c.req.url).pathname === `${API_BASE}shows/${showId}`;
      const deadline = Date.now() + leaseMs + 2000;
      for (;;) {
        const o = await activate(showId, creating);
        if (o.mine) return next();
        if (c.req.header(FORWARDED_HEADER) !== undefined || o.owner === '') break; // never forwarded twice
        try {
          owners.set(showId, { owner: o.owner, at: Date.now() });
          return await forward(c.req.raw, o.owner);
        } catch {
          owners.delete(showId);
          // The owner is unreachable: once its lease runs out, the show is ours.
          if (Date.now() > deadline) break;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      throw new ProblemError('internal', `Show "${showId}" is moving to another server; try again in a moment.`, { retryAfter: 1 });
    };
    app.use(`${API_BASE}shows/:showId`, route);
    app.use(`${API_BASE}shows/:showId/*`, route);
    // Keep our leases; a show we lost (we were cut off longer than the lease) stops here, unsaved.
    const renew = setInterval(() => {
      for (const engine of registry.list()) {
        const showId = engine.state.show.id;
        shared.claimShow(showId, self, engine.epoch, leaseMs).then(
          (o) => {
            if (!o.mine && registry.get(showId) === engine) stopped(showId);
          },
          (error: unknown) => onError(error),
        );
      }
    }, Math.floor(leaseMs / 3));
    renew.unref();
    stopRenewing = () => clearInterval(renew);
  }

  if (fanout) {
    // Event streams are nchan's: this route only decides where each one starts.
    app.get(`${API_BASE}shows/:showId/events`, async (c) => {
      const showId = c.req.param('showId');
      const engine = registry.get(showId);
      if (!engine) throw new ProblemError('not-found', `Show "${showId}" not found.`);
      if (engine.state.show.status === 'ended' || engine.disposed) return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
      let to;
      try {
        to = await fanout.route(engine, c.req.header('Last-Event-ID'), c.req.query('since'), c.req.query('epoch'));
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        throw new ProblemError('invalid-request', error.message, { errors: [{ path: 'since', message: error.message.replace(/^since: /, '') }] });
      }
      const headers = { 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no', [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) };
      if (to.kind === 'redirect') return new Response(null, { status: 200, headers: { ...headers, 'X-Accel-Redirect': to.location } });
      // The cursor cannot be served: one reset, then the end; the client resynchronises.
      const reset = { type: 'reset', seq: to.seq, at: engine.now(), data: { reason: to.reason } };
      const body = `retry: 1000\n\n${to.id === undefined ? '' : `id: ${to.id}\n`}data: ${JSON.stringify(reset)}\n\n`;
      return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': 'text/event-stream; charset=utf-8' } });
    });
  }

  // Snapshots carry a validator; with snapshotMaxAgeS, shared caches may keep them that long.
  app.get(`${API_BASE}shows/:showId`, async (c, next) => {
    await next();
    if (c.res.status !== 200 || !c.res.headers.get('Content-Type')?.startsWith('application/json')) return;
    const text = await c.res.clone().text();
    const { epoch, seq } = JSON.parse(text) as { epoch?: unknown; seq?: unknown };
    if (typeof epoch !== 'string' || typeof seq !== 'number') return;
    const etag = `"${epoch}:${seq}"`;
    const cacheControl = maxAgeS ? `public, max-age=${maxAgeS}` : 'no-store';
    const match = c.req.header('If-None-Match')?.split(',').some((tag) => tag.trim() === etag || tag.trim() === `W/${etag}`);
    if (match) {
      c.res = new Response(null, { status: 304, headers: { ETag: etag, 'Cache-Control': cacheControl } });
      return;
    }
    setHeader(c, 'ETag', etag);
    setHeader(c, 'Cache-Control', cacheControl);
  });

  app.get('/healthz', (c) => {
    c.header('Cache-Control', 'no-store');
    return closing ? c.json({ status: 'shutting-down' }, 503) : c.json({ status: 'ok', shows: registry.list().length });
  });

  // --- admin API: show management ---------------------------------------------------------------

  app.get(`${API_BASE}shows`, (c) => {
    requireAdmin(c, adminDigest);
    const shows = registry.list().map((engine) => summary(engine));
    return json({ shows });
  });

  app.put(`${API_BASE}shows/:showId`, async (c) => {
    requireAdmin(c, adminDigest);
    const showId = c.req.param('showId');
    const init = parseShowInit(await readJson(c), showId);
    const previous = stopped(showId);
    // The old show's last save lands before the new show's first, which replaces it.
    await previous?.flush();
    // In a cluster, the routing above claimed the show for this instance before we got here.
    const engine = started(registry.create(init));
    await engine.ready;
    await engine.flush();
    return json(engine.snapshot(), previous ? 200 : 201);
  });

  app.delete(`${API_BASE}shows/:showId`, async (c) => {
    requireAdmin(c, adminDigest);
    const showId = c.req.param('showId');
    const engine = registry.get(showId);
    if (engine) fanout?.detach(engine);
    if (!(await registry.remove(showId))) throw new ProblemError('not-found', `Show "${showId}" not found.`);
    return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
  });

  // --- the protocol -------------------------------------------------------------------------------

  app.all(`${API_BASE}*`, (c) => protocol(c.req.raw));

  if (options.simulatedStreams ?? true) {
    const streams = new Map<string, SimulatedLiveStream>();
    const hls = createHlsHandler(
      (showId) => {
        if (!registry.get(showId)) return undefined;
        let stream = streams.get(showId);
        // Started a window ago, so the first viewer finds a full live playlist, not an empty one.
        if (!stream) streams.set(showId, (stream = new SimulatedLiveStream({ startedAt: Date.now() - 12_000 })));
        return stream;
      },
      { basePath: STREAMS_BASE },
    );
    app.all(`${STREAMS_BASE}*`, async (c) => (await hls(c.req.raw)) ?? c.notFound());
  }

  options.extraRoutes?.(app);

  app.notFound((c) => problem(new ProblemError('not-found', `No such endpoint: ${c.req.method} ${new URL(c.req.url).pathname}.`)));
  app.onError((error) => {
    if (error instanceof ProblemError) {
      if (error.status >= 500) onError(error);
      return problem(error);
    }
    onError(error);
    return problem(new ProblemError('internal', 'Something went wrong on our side. Please try again.'));
  });

  // Event streams leave the adapter here: the protocol answered them as it answers every platform
  // (status, headers, the connection itself), and only the bytes take Node's direct path.
  const eventStreams = new NodeEventStreams();
  const server = createAdaptorServer({
    fetch: async (request, env) => {
      const response = await app.fetch(request, env);
      // This server is HTTP/1.1 (node:http): its outgoing side is a ServerResponse.
      return eventStreams.send(response, env.outgoing as ServerResponse) ? RESPONSE_ALREADY_SENT : response;
    },
    // A library must not replace the process's global Request and Response.
    overrideGlobalObjects: false,
  }) as Server;
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error): void => {
      registry.dispose();
      reject(error);
    };
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  server.on('error', onError);

  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
  const url = `http://${urlHost}:${address.port}/`;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true;
      stopRenewing();
      fanout?.close();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      // Ending the engines ends their streams, which would otherwise keep connections (and the
      // process) alive for as long as the show runs.
      const engines = registry.list();
      registry.dispose();
      server.closeIdleConnections();
      // Connections kept alive become idle after their current response: close those too.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      const cut = setTimeout(() => server.closeAllConnections(), graceMs);
      try {
        await stopped;
      } finally {
        clearInterval(sweep);
        clearTimeout(cut);
      }
      // Requests are done: save each show's final state, so a restart resumes it exactly.
      await Promise.all(engines.map((engine) => engine.flush().catch(onError)));
      // Saved: hand the shows over at once instead of after the lease.
      if (cluster) {
        const { store: shared, self } = cluster;
        await Promise.all(engines.map((engine) => shared.releaseShow(engine.state.show.id, self).catch(onError)));
      }
      const closable = store as CommerceStore & { close?: () => unknown };
      if (typeof closable.close === 'function') await closable.close();
    })();
    return closed;
  };

  return { url, port: address.port, registry, resumed, close };
}

// --- helpers ----------------------------------------------------------------------------------

function checkAdminToken(token: unknown): string {
  if (typeof token !== 'string' || token.trim() === '') {
    throw new TypeError(
      'createNightmarketServer: an admin token is required (options.adminToken): the admin API would otherwise be open to anyone.',
    );
  }
  if (!/^[\x21-\x7e]{1,4096}$/.test(token)) {
    throw new TypeError('createNightmarketServer: options.adminToken must be visible ASCII characters without spaces (it is sent as a bearer token).');
  }
  return token;
}

/**
 * Whether `value` is an http(s) origin — scheme, host and port, nothing more (a trailing `/` is
 * tolerated). Internal to the package: the CLI checks `--cors` with it too.
 */
export function isOrigin(value: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return false;
  }
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.origin === value.replace(/\/$/, '');
}

function checkOrigins(origins: readonly string[]): string[] {
  return origins.map((origin, i) => {
    if (!isOrigin(origin)) {
      throw new TypeError(
        `createNightmarketServer: options.cors[${i}] must be an origin such as "https://shop.example" (scheme, host and port only), got ${JSON.stringify(origin)}.`,
      );
    }
    return origin.replace(/\/$/, '');
  });
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Whether the Authorization header carries the admin token, given the token's SHA-256 (made once:
 * this runs on every viewer request). Hashing gives equal lengths, so the constant-time
 * comparison reveals neither content nor length.
 */
function isAdmin(authorization: string | null | undefined, adminDigest: Buffer): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match !== null && timingSafeEqual(sha256(match[1]!), adminDigest);
}

function requireAdmin(c: Context, adminDigest: Buffer): void {
  const authorization = c.req.header('Authorization');
  if (!/^Bearer\s+\S+\s*$/i.test(authorization ?? '')) {
    throw new ProblemError('unauthorized', 'The admin API needs Authorization: Bearer with the admin token.');
  }
  if (!isAdmin(authorization, adminDigest)) throw new ProblemError('forbidden', 'This token may not use the admin API.');
}

function tooLarge(): ProblemError {
  return new ProblemError('payload-too-large', `The request body must be at most ${BODY_LIMIT} bytes.`);
}

/** The JSON body of an admin request: required, at most {@link BODY_LIMIT} bytes. */
async function readJson(c: Context): Promise<unknown> {
  const body = await readJsonBody(c.req.raw, BODY_LIMIT);
  if (body === undefined) {
    const message = 'is required: send { "show": …, "products": […] } as JSON';
    throw new ProblemError('invalid-request', `body: ${message}`, { errors: [{ path: '(root)', message }] });
  }
  return body;
}

/**
 * Validates the body of `PUT /api/shows/{id}` with the protocol's schemas. Paths in errors are
 * the protocol's dotted paths into the body (`products.0.price.amount`).
 */
function parseShowInit(body: unknown, showId: string): ShowInit {
  const invalid = (issues: ValidationIssue[]): ProblemError => {
    const first = issues[0]!;
    return new ProblemError('invalid-request', `${first.path}: ${first.message}`, { errors: issues });
  };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid([{ path: '(root)', message: 'must be an object { "show": …, "products": […] }' }]);
  }
  const record = body as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  const show = validate(ShowSchema, record['show']);
  if (!show.success) issues.push(...show.issues.map((i) => prefixed('show', i)));
  else if (show.output.id !== showId) {
    issues.push({ path: 'show.id', message: `must be the id in the URL ("${showId}")` });
  }
  const products: Product[] = [];
  const list = record['products'] ?? [];
  if (!Array.isArray(list)) issues.push({ path: 'products', message: 'must be an array of products' });
  else if (list.length > 500) issues.push({ path: 'products', message: 'must list at most 500 products' });
  else {
    const seen = new Map<string, number>();
    list.forEach((value: unknown, i) => {
      const product = validate(ProductSchema, value);
      if (!product.success) return issues.push(...product.issues.map((issue) => prefixed(`products.${i}`, issue)));
      const earlier = seen.get(product.output.id);
      if (earlier !== undefined) issues.push({ path: `products.${i}.id`, message: `must be unique; products.${earlier} has the same id` });
      seen.set(product.output.id, i);
      products.push(product.output);
    });
  }
  if (issues.length > 0 || !show.success) throw invalid(issues);
  return { show: show.output, products };
}

function prefixed(prefix: string, issue: ValidationIssue): ValidationIssue {
  return { path: issue.path === '(root)' ? prefix : `${prefix}.${issue.path}`, message: issue.message };
}

function summary(engine: ShowEngine): { id: string; title: string; status: string; startsAt: number; viewers: number } {
  const { show, viewers } = engine.state;
  return { id: show.id, title: show.title, status: show.status, startsAt: show.startsAt, viewers };
}

function setHeader(c: Context, name: string, value: string): void {
  try {
    c.res.headers.set(name, value);
  } catch {
    // Immutable headers (a response passed through from a fetch): copy it.
    c.res = new Response(c.res.body, c.res);
    c.res.headers.set(name, value);
  }
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' } });
}

function problem(error: ProblemError): Response {
  return new Response(JSON.stringify(error.toProblem()), {
    status: error.status,
    headers: { 'Content-Type': PROBLEM_MEDIA_TYPE, 'Cache-Control': 'no-store' },
  });
}
