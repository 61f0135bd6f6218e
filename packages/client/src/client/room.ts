/**
 * A room: one viewer's live connection to one show. It loads the snapshot, follows the event
 * stream, and keeps an immutable {@link ShowState} that it replaces on every applied event.
 *
 * Connection rules (see docs/protocol.md, "The client algorithm"):
 * - resume with `Last-Event-ID` (and `?since=<seq>`), drop duplicates by seq;
 * - a gap, a `reset`, a bad payload or an epoch change → fetch a new snapshot, then resume;
 * - reconnect with capped, jittered exponential backoff that starts at the server's `retry:`;
 * - a stream silent for longer than 2 × heartbeat + 1 s is dead: reconnect;
 * - 204 means the show is over: stop. 401 asks the token provider once for a fresh token.
 */
import { EVENT_STREAM_MEDIA_TYPE, paths } from '../protocol/http.js';
import { SnapshotSchema } from '../protocol/schemas.js';
import type { EventEnvelope, ShowEventMap, Snapshot } from '../protocol/types.js';
import { formatIssues, parseEvent } from '../protocol/validate.js';
import { fromSnapshot, ingest, type ShowState } from '../state/reducer.js';
import { backoffDelay } from '../transport/backoff.js';
import { readEventStream } from '../transport/sse.js';
import type { ServerClock } from './clock.js';
import { NightmarketError } from './errors.js';
import { buildHeaders, discard, request, resolveUrl, sleep, toError, type HttpContext } from './http.js';

/** State of a room's connection. */
export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** Why a room closed: the show ended (204), `close()` or the join signal, or a fatal error. */
export type CloseReason = 'ended' | 'closed' | 'failed';

/** A problem the room ran into and recovered from (or, for `fatal`, closed on). */
export interface RoomError {
  /** Where: loading the snapshot, the stream connection, or one event payload. */
  readonly kind: 'snapshot' | 'stream' | 'payload';
  /** What went wrong. */
  readonly error: NightmarketError;
  /** True when the room closed because of it. */
  readonly fatal: boolean;
}

/** Events a room emits: every protocol event type, plus connection events. */
export interface RoomEventMap extends ShowEventMap {
  /** The connection status changed. */
  status: ConnectionStatus;
  /** Something went wrong; the room recovers unless `fatal`. */
  error: RoomError;
  /** The state was replaced by a new snapshot (after a gap, reset or reconnect). */
  resync: ShowState;
  /** An event of a type this client does not know; it was skipped. */
  unknown: EventEnvelope;
}

/** Options of {@link NightmarketClient.join}. */
export interface JoinOptions {
  /** Closes the room when aborted. */
  signal?: AbortSignal | undefined;
  /** Longest delay between reconnect attempts, ms (default 30000). */
  maxBackoffMs?: number | undefined;
  /** Reconnect delay until the server sends `retry:`, ms (default 1000). */
  retryMs?: number | undefined;
  /** Source of randomness for backoff jitter (default `Math.random`). */
  random?: (() => number) | undefined;
}

/** Options of {@link Room.subscribe}. */
export interface SubscribeOptions {
  /**
   * When to call the listener:
   * - `'event'` (default): after every change, synchronously;
   * - `'frame'`: at most once per animation frame (`requestAnimationFrame`; a 16 ms timer where
   *   there is none, as in Node), with the latest state. What a renderer wants under an event
   *   storm: thousands of events a second become one render a frame.
   */
  coalesce?: 'event' | 'frame' | undefined;
}

type Listener<T> = (payload: T) => void;

/** Thrown internally to end a stream so the room fetches a fresh snapshot first. */
class ResyncSignal extends Error {
  constructor(readonly dropCursor: boolean) {
    super('resync');
  }
}

/**
 * One viewer's live connection to one show. Create it with {@link NightmarketClient.join}.
 *
 * The room loads the snapshot, follows the event stream, and keeps an immutable
 * {@link ShowState} that it replaces on every change. It reconnects, resumes and resynchronises
 * by itself; `status` and the `status` event say where it is.
 */
export interface Room {
  /** The show this room follows. */
  readonly showId: string;
  /** Resolves with the first state, once the snapshot has loaded; rejects if the room closes first. */
  readonly ready: Promise<ShowState>;
  /** The current state, or null until the snapshot has loaded. Never mutated: each change is a new object. */
  readonly state: ShowState | null;
  /** Connection status. */
  readonly status: ConnectionStatus;
  /** Why the room closed, once `status` is `closed`. */
  readonly closeReason: CloseReason | undefined;
  /** Current server time (epoch ms), estimated from the local clock and the measured offset. */
  serverNow(): number;
  /**
   * Calls `listener` with the new state after every change (event applied or snapshot
   * reloaded), or with `{ coalesce: 'frame' }` at most once per animation frame with the latest
   * state. Returns a function that unsubscribes (and drops a delivery still pending).
   */
  subscribe(listener: (state: ShowState) => void, options?: SubscribeOptions): () => void;
  /**
   * Listens to one kind of room event: a protocol event type (`'chat.message'`, `'purchase'`, …,
   * delivered after the state includes it) or `'status'`, `'error'`, `'resync'`, `'unknown'`.
   * Returns a function that removes the listener.
   */
  on<K extends keyof RoomEventMap>(type: K, handler: (payload: RoomEventMap[K]) => void): () => void;
  /** Closes the connection for good. Idempotent. */
  close(): void;
}

/** @internal A connection shared by the handles of one client's joins of one show. */
export interface SharedRoom {
  readonly room: LiveRoom;
  handles: number;
}

/**
 * @internal One join of a shared connection: a {@link Room} whose listeners and `close()` are its
 * own. The connection closes when its last handle does.
 */
export class RoomHandle implements Room {
  readonly showId: string;
  readonly ready: Promise<ShowState>;
  readonly #shared: SharedRoom;
  readonly #forget: () => void;
  readonly #offs = new Set<() => void>();
  #closed = false;

  constructor(shared: SharedRoom, forget: () => void) {
    shared.handles++;
    this.#shared = shared;
    this.#forget = forget;
    this.showId = shared.room.showId;
    this.ready = shared.room.ready;
  }

  get state(): ShowState | null {
    return this.#shared.room.state;
  }

  get status(): ConnectionStatus {
    return this.#closed ? 'closed' : this.#shared.room.status;
  }

  get closeReason(): CloseReason | undefined {
    return this.#closed ? (this.#shared.room.closeReason ?? 'closed') : this.#shared.room.closeReason;
  }

  serverNow(): number {
    return this.#shared.room.serverNow();
  }

  subscribe(listener: (state: ShowState) => void, options?: SubscribeOptions): () => void {
    return this.#own(this.#shared.room.subscribe(listener, options));
  }

  on<K extends keyof RoomEventMap>(type: K, handler: (payload: RoomEventMap[K]) => void): () => void {
    return this.#own(this.#shared.room.on(type, handler));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const off of this.#offs) off();
    this.#offs.clear();
    if (--this.#shared.handles === 0) {
      this.#forget();
      this.#shared.room.close();
    }
  }

  #own(off: () => void): () => void {
    if (this.#closed) {
      off();
      return () => undefined;
    }
    const once = (): void => {
      this.#offs.delete(once);
      off();
    };
    this.#offs.add(once);
    return once;
  }
}

/** The {@link Room} implementation. */
export class LiveRoom implements Room {
  /** The show this room follows. */
  readonly showId: string;
  /** Resolves with the first state, once the snapshot has loaded; rejects if the room closes first. */
  readonly ready: Promise<ShowState>;

  #state: ShowState | null = null;
  #status: ConnectionStatus = 'connecting';
  #closeReason: CloseReason | undefined;
  #lastEventId: string | undefined;
  #heartbeatMs = 15_000;
  #retryMs: number;
  #needSnapshot = true;
  readonly #ctx: HttpContext;
  readonly #clock: ServerClock;
  readonly #options: JoinOptions;
  readonly #abort = new AbortController();
  readonly #stateListeners = new Set<Listener<ShowState>>();
  readonly #listeners = new Map<keyof RoomEventMap, Set<Listener<never>>>();
  #resolveReady!: (state: ShowState) => void;
  #rejectReady!: (error: unknown) => void;

  constructor(ctx: HttpContext, clock: ServerClock, showId: string, options: JoinOptions = {}) {
    this.#ctx = ctx;
    this.#clock = clock;
    this.showId = showId;
    this.#options = options;
    this.#retryMs = options.retryMs ?? 1000;
    this.ready = new Promise<ShowState>((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    // A room nobody awaits must not cause an unhandled rejection when it closes early.
    this.ready.catch(() => undefined);
    const { signal } = options;
    if (signal?.aborted) {
      this.#finish('closed', signal.reason);
      return;
    }
    signal?.addEventListener('abort', () => this.close(), { once: true });
    void this.#run();
  }

  /** The current state, or null until the snapshot has loaded. Never mutated: each change is a new object. */
  get state(): ShowState | null {
    return this.#state;
  }

  /** Connection status. */
  get status(): ConnectionStatus {
    return this.#status;
  }

  /** Why the room closed, once `status` is `closed`. */
  get closeReason(): CloseReason | undefined {
    return this.#closeReason;
  }

  /** Current server time (epoch ms), estimated from the local clock and the measured offset. */
  serverNow(): number {
    return this.#clock.now();
  }

  /**
   * Calls `listener` with the new state after every change (event applied or snapshot
   * reloaded), or with `{ coalesce: 'frame' }` at most once per animation frame with the latest
   * state. Returns a function that unsubscribes (and drops a delivery still pending).
   */
  subscribe(listener: (state: ShowState) => void, options: SubscribeOptions = {}): () => void {
    const coalesce = options.coalesce ?? 'event';
    if (coalesce !== 'event' && coalesce !== 'frame') {
      throw new TypeError(`subscribe: options.coalesce must be 'event' or 'frame', got ${JSON.stringify(coalesce)}.`);
    }
    if (coalesce === 'event') {
      this.#stateListeners.add(listener);
      return () => this.#stateListeners.delete(listener);
    }
    let pending: (() => void) | undefined;
    const flush = (): void => {
      pending = undefined;
      if (this.#state) listener(this.#state);
    };
    const perFrame: Listener<ShowState> = () => {
      pending ??= nextFrame(() => safely(flush));
    };
    this.#stateListeners.add(perFrame);
    return () => {
      this.#stateListeners.delete(perFrame);
      pending?.();
      pending = undefined;
    };
  }

  /**
   * Listens to one kind of room event: a protocol event type (`'chat.message'`, `'purchase'`, …,
   * delivered after the state includes it) or `'status'`, `'error'`, `'resync'`, `'unknown'`.
   * Returns a function that removes the listener.
   */
  on<K extends keyof RoomEventMap>(type: K, handler: (payload: RoomEventMap[K]) => void): () => void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(handler as Listener<never>);
    return () => set.delete(handler as Listener<never>);
  }

  /** Closes the connection for good. Idempotent. */
  close(): void {
    this.#finish('closed', new DOMException('The room was closed.', 'AbortError'));
  }

  // ---------------------------------------------------------------------------------------------

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    let attempt = 0;
    while (!signal.aborted) {
      let resyncNow = false;
      try {
        if (this.#needSnapshot) await this.#loadSnapshot();
        const outcome = await this.#follow(() => (attempt = 0));
        // A stream that closes after the show ended will only answer 204 next time: stop now
        // rather than have every viewer reconnect at once to hear it.
        if (outcome === 'ended' || this.#state?.show.status === 'ended') return this.#finish('ended');
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof ResyncSignal) {
          this.#needSnapshot = true;
          if (error.dropCursor) this.#lastEventId = undefined;
          // Reload at once the first time; repeated resyncs back off like failures.
          resyncNow = attempt === 0;
        } else {
          const failure = asError(error);
          if (this.#state === null && isFatal(failure)) {
            this.#emit('error', { kind: 'snapshot', error: failure, fatal: true });
            return this.#finish('failed', failure);
          }
          this.#emit('error', { kind: this.#needSnapshot ? 'snapshot' : 'stream', error: failure, fatal: false });
        }
      }
      if (signal.aborted) return;
      this.#setStatus(this.#state === null ? 'connecting' : 'reconnecting');
      const delay = resyncNow
        ? 0
        : backoffDelay(attempt, {
            baseMs: this.#retryMs,
            maxMs: this.#options.maxBackoffMs ?? 30_000,
            random: this.#options.random,
          });
      attempt++;
      try {
        await sleep(delay, signal);
      } catch {
        return;
      }
    }
  }

  async #loadSnapshot(): Promise<void> {
    const snapshot = await fetchSnapshot(this.#ctx, this.#clock, this.showId, this.#abort.signal);
    const previous = this.#state;
    // A cached or lagging snapshot older than what we hold is not a step back we take.
    if (previous && snapshot.epoch === previous.epoch && snapshot.seq < previous.seq) {
      this.#needSnapshot = false;
      return;
    }
    if (previous && snapshot.epoch !== previous.epoch) this.#lastEventId = undefined;
    this.#heartbeatMs = snapshot.heartbeatMs;
    this.#state = fromSnapshot(snapshot);
    this.#needSnapshot = false;
    if (previous === null) this.#resolveReady(this.#state);
    else this.#emit('resync', this.#state);
    this.#notify();
  }

  /** Follows the stream until it ends. Resolves 'ended' on 204, 'eof' when the server closed it. */
  async #follow(onOpen: () => void): Promise<'ended' | 'eof'> {
    const stream = new AbortController();
    const stop = (reason: unknown): void => stream.abort(reason);
    const onRoomAbort = (): void => stop(this.#abort.signal.reason);
    this.#abort.signal.addEventListener('abort', onRoomAbort, { once: true });
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const arm = (): void => {
      clearTimeout(watchdog);
      const limit = 2 * this.#heartbeatMs + 1000;
      watchdog = setTimeout(
        () =>
          stop(
            new NightmarketError({
              type: 'network',
              status: 0,
              detail: `The event stream was silent for ${limit} ms (heartbeat ${this.#heartbeatMs} ms); reconnecting.`,
            }),
          ),
        limit,
      );
    };
    try {
      const url = resolveUrl(this.#ctx, paths.events(this.showId));
      // `since` + `epoch` let a server that keeps history resume a client that has no cursor yet,
      // and tell it to reset when its sequence restarted since the snapshot.
      url.searchParams.set('since', String(this.#state!.seq));
      url.searchParams.set('epoch', this.#state!.epoch);
      let response: Response | undefined;
      for (const refresh of [false, true]) {
        const headers = await buildHeaders(this.#ctx, { auth: true, refresh, accept: EVENT_STREAM_MEDIA_TYPE });
        if (this.#lastEventId !== undefined) headers.set('Last-Event-ID', this.#lastEventId);
        arm();
        response = await this.#ctx.fetch(url, { headers, signal: stream.signal, cache: 'no-store' }).catch((cause: unknown) => {
          throw stream.signal.aborted
            ? stream.signal.reason
            : new NightmarketError({ type: 'network', status: 0, detail: `Could not reach ${url.origin}.`, cause });
        });
        if (response.status !== 401 || refresh || !this.#ctx.getToken) break;
        discard(response);
      }
      const res = response!;
      if (res.status === 204) return 'ended';
      if (!res.ok) throw await toError(res, url);
      if (!(res.headers.get('Content-Type') ?? '').includes(EVENT_STREAM_MEDIA_TYPE) || !res.body) {
        discard(res);
        throw new NightmarketError({
          type: 'invalid-response',
          status: res.status,
          detail: `The event stream at ${url.pathname} did not answer with ${EVENT_STREAM_MEDIA_TYPE}.`,
        });
      }
      onOpen();
      this.#setStatus('open');
      arm();
      await readEventStream(res.body, {
        onActivity: arm,
        onRetry: (ms) => {
          this.#retryMs = ms;
        },
        onMessage: (message) => {
          // Once this stream is given up (resync, watchdog), the rest of its chunk is ignored too.
          if (stream.signal.aborted) return;
          if (message.event && message.event !== 'message') return;
          const resync = this.#handle(message.data);
          // The cursor of a message we could not use is still a valid resume point: the
          // snapshot we fetch next covers it.
          if (message.id !== undefined) this.#lastEventId = message.id;
          if (resync) stop(resync);
        },
      }, stream.signal).catch((error: unknown) => {
        throw stream.signal.aborted ? stream.signal.reason : error;
      });
      if (stream.signal.aborted) throw stream.signal.reason;
      return 'eof';
    } finally {
      clearTimeout(watchdog);
      this.#abort.signal.removeEventListener('abort', onRoomAbort);
      if (!stream.signal.aborted) stream.abort();
    }
  }

  /** Handles one message's data. Returns a resync request when the state cannot continue. */
  #handle(data: string): ResyncSignal | undefined {
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return this.#badPayload(`an event is not JSON: ${truncate(data)}`);
    }
    const parsed = parseEvent(json);
    if (parsed.kind === 'invalid') {
      return this.#badPayload(`an event does not follow the protocol (${formatIssues(parsed.issues)}): ${truncate(data)}`);
    }
    const { state, outcome } = ingest(this.#state!, parsed.event);
    switch (outcome) {
      case 'duplicate':
        return undefined;
      case 'gap':
        return new ResyncSignal(false);
      case 'reset':
        return new ResyncSignal(true);
      case 'applied':
        this.#state = state;
        if (parsed.kind === 'unknown') this.#emit('unknown', parsed.event);
        else this.#emit(parsed.event.type, parsed.event as never);
        this.#notify();
        return undefined;
    }
  }

  #badPayload(detail: string): ResyncSignal {
    // Skipped, never applied: the snapshot we fetch next holds whatever the event carried.
    this.#emit('error', {
      kind: 'payload',
      error: new NightmarketError({ type: 'invalid-response', status: 200, detail: `Skipped ${detail}` }),
      fatal: false,
    });
    return new ResyncSignal(false);
  }

  #notify(): void {
    const state = this.#state!;
    for (const listener of this.#stateListeners) safely(() => listener(state));
  }

  #emit<K extends keyof RoomEventMap>(type: K, payload: RoomEventMap[K]): void {
    const set = this.#listeners.get(type);
    if (!set) return;
    for (const handler of set) safely(() => (handler as Listener<RoomEventMap[K]>)(payload));
  }

  #setStatus(status: ConnectionStatus): void {
    if (this.#status === status || this.#status === 'closed') return;
    this.#status = status;
    this.#emit('status', status);
  }

  #finish(reason: CloseReason, error?: unknown): void {
    if (this.#status === 'closed') return;
    this.#closeReason = reason;
    this.#abort.abort(error);
    if (this.#state === null) this.#rejectReady(error ?? new DOMException('The room was closed.', 'AbortError'));
    this.#setStatus('closed');
  }
}

/** @internal Fetches and validates a snapshot, feeding the clock. */
export async function fetchSnapshot(
  ctx: HttpContext,
  clock: ServerClock,
  showId: string,
  signal?: AbortSignal,
): Promise<Snapshot> {
  const result = await request(ctx, { method: 'GET', path: paths.show(showId), schema: SnapshotSchema, signal, auth: true });
  clock.addSample({ serverTime: result.body.serverTime, sentAt: result.sentAt, receivedAt: result.receivedAt });
  return result.body;
}

function asError(error: unknown): NightmarketError {
  if (error instanceof NightmarketError) return error;
  return new NightmarketError({ type: 'network', status: 0, detail: String((error as Error)?.message ?? error), cause: error });
}

/** Errors no retry can fix: the show does not exist, or the viewer may not see it. */
function isFatal(error: NightmarketError): boolean {
  return error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;
}

function truncate(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Runs `fn` before the next repaint (a 16 ms timer without `requestAnimationFrame`); returns a cancel function. */
function nextFrame(fn: () => void): () => void {
  if (typeof requestAnimationFrame === 'function') {
    const id = requestAnimationFrame(fn);
    return () => cancelAnimationFrame(id);
  }
  const id = setTimeout(fn, 16);
  return () => clearTimeout(id);
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    // A listener's bug must not break the room; surface it without stopping delivery.
    setTimeout(() => {
      throw error;
    });
  }
}

