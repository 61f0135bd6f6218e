/**
 * Several server instances on one database: exactly one instance runs each show's engine (its
 * timers and its event sequence), and every instance serves every show's requests.
 *
 * - Ownership is a lease in the database ({@link ClusterStore.claimShow}): an instance claims a
 *   show when it first needs it and nobody holds it, renews its leases every third of the lease
 *   time, and gives them up on shutdown.
 * - A request reaching an instance that does not run the show is forwarded to the instance that
 *   does (instances are named by the URL their peers reach them at).
 * - When the owner cannot be reached, the instance waits for its lease to run out (it stopped
 *   renewing: it is gone), claims the show, resumes it from the database — a new epoch, counters
 *   from the store, the public state of the last save — and serves the request itself. Orders,
 *   stock and sale units never depend on the handover: every decision is the database's.
 * - An instance that finds, when renewing, that another one holds its show (it was cut off from
 *   the database longer than the lease) stops running the show at once, without saving it.
 */
import type { CommerceStore, SavedShow } from '@nightmarket/engine';

/** What a store must offer for several instances to share it (PostgresStore does). */
export interface ClusterStore extends CommerceStore {
  /** Claims or renews a show's lease; see `PostgresStore.claimShow`. */
  claimShow(showId: string, owner: string, epoch: string, leaseMs: number): Promise<{ owner: string; epoch: string; mine: boolean }>;
  /** Gives a lease up; see `PostgresStore.releaseShow`. */
  releaseShow(showId: string, owner: string): Promise<void>;
  /** One saved show; see `PostgresStore.loadShow`. */
  loadShow(showId: string): Promise<SavedShow | undefined>;
}

/** Options of cluster mode (`NightmarketServerOptions.cluster`). */
export interface ClusterOptions {
  /**
   * This instance's origin as the other instances reach it, e.g. `http://127.0.0.1:8081`: its
   * name in the leases, and where they forward requests for the shows it runs.
   */
  readonly self: string;
  /** How long a lease lasts without renewal, in ms (default 3000): how soon a dead instance's shows move. */
  readonly leaseMs?: number | undefined;
}

/** Whether `store` can be shared by several instances. */
export function isClusterStore(store: CommerceStore): store is ClusterStore {
  const s = store as Partial<ClusterStore>;
  return typeof s.claimShow === 'function' && typeof s.releaseShow === 'function' && typeof s.loadShow === 'function';
}

/** Header marking a request one instance forwarded to another (never forwarded again). */
export const FORWARDED_HEADER = 'Nightmarket-Forwarded';

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length', 'upgrade', 'te', 'trailer', 'proxy-connection'];

/**
 * Forwards `request` to the instance at `origin` and returns its response as it is (an
 * `X-Accel-Redirect` included, which nginx in front acts on).
 *
 * @throws the fetch error when the instance cannot be reached
 */
export async function forward(request: Request, origin: string): Promise<Response> {
  const url = new URL(request.url);
  const headers = new Headers(request.headers);
  for (const name of HOP_BY_HOP) headers.delete(name);
  headers.set(FORWARDED_HEADER, '1');
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  // The owner must answer within 30 s; its body (an event stream, without nchan) may run longer.
  const answered = new AbortController();
  const timer = setTimeout(() => answered.abort(new Error(`${origin} did not answer within 30 s`)), 30_000);
  let response: Response;
  try {
    response = await fetch(new URL(url.pathname + url.search, origin), {
      method: request.method,
      headers,
      body: hasBody ? await request.clone().arrayBuffer() : undefined,
      redirect: 'manual',
      signal: answered.signal,
    });
  } finally {
    clearTimeout(timer);
  }
  const out = new Headers(response.headers);
  for (const name of HOP_BY_HOP) out.delete(name);
  out.delete('content-encoding');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: out });
}

/** A new epoch: the time in base 36 and a random part, like the engine's own. */
export function newEpoch(): string {
  return `${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`;
}
