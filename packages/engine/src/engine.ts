/**
 * The show engine: one instance per show. It owns the show's event sequence and builds its public
 * state by feeding every event it emits through the client's own reducer (`applyEvent`), so a
 * snapshot at seq N plus the events after N is the snapshot at M by construction — the engine
 * cannot publish a state that clients would not reach themselves.
 *
 * Rules live in modules (sales, presales, cart, social, commands); commerce state that must be
 * atomic and durable lives behind {@link CommerceStore}. The engine has no I/O of its own and
 * imports nothing platform-specific: it runs in Node, in a browser and in a service worker.
 */
import {
  applyEvent,
  CAPABILITIES,
  IdSchema,
  ProductSchema,
  PROTOCOL_VERSION,
  ShowSchema,
  SnapshotSchema,
  formatIssues,
  validate,
  type Cart,
  type ChatMessage,
  type CheckoutResult,
  type CommandResult,
  type Order,
  type Poll,
  type Product,
  type Reservation,
  type Show,
  type ShowEvent,
  type ShowState,
  type Snapshot,
} from '@nightmarket/client';
import { Carts } from './cart.js';
import { normalizeProduct, runCommand } from './commands.js';
import type { EmittedType, EngineContext, EventData, RuleSettings, Viewer } from './context.js';
import { runIdempotent, type IdempotentResult } from './idempotency.js';
import { Inventory } from './inventory.js';
import { MemoryStore } from './memory-store.js';
import { Presales } from './presales.js';
import { Sales } from './sales.js';
import { Social } from './social.js';
import type { CommerceStore, SavedShow } from './store.js';

/** Options of a {@link ShowEngine} (and, shared by every show, of a {@link ShowRegistry}). */
export interface EngineOptions {
  /** The clock, in ms since the Unix epoch (default `Date.now`). Tests pass a fake one. */
  now?: (() => number) | undefined;
  /** Where commerce state lives (default: a new {@link MemoryStore}; a registry shares one). */
  store?: CommerceStore | undefined;
  /** Events kept for resuming streams (default 1000). Older cursors get a `reset`. */
  historyLimit?: number | undefined;
  /** Identity of the event sequence (default: random). A restarted engine must use a new one. */
  epoch?: string | undefined;
  /** How often streams send a heartbeat comment, in ms (default 15 000), announced in snapshots. */
  heartbeatMs?: number | undefined;
  /** Run {@link ShowEngine.tick} on a timer (default true). Tests turn it off and tick by hand. */
  autoTick?: boolean | undefined;
  /** Interval of the automatic tick, in ms (default 250). */
  tickMs?: number | undefined;
  /** Reactions are aggregated into one `reaction` event per window of this many ms (default 500). */
  reactionWindowMs?: number | undefined;
  /** Chat rate limit per viewer, a token bucket (default 5 messages per 10 000 ms). */
  chatRate?: { readonly messages: number; readonly perMs: number } | undefined;
  /** Makes ids for sales, reservations, orders, messages… (default: random UUIDs). */
  ids?: (() => string) | undefined;
  /**
   * Whether event-stream connections count as viewers (default true). The count is published on
   * tick. A `viewers.set` command switches counting off: the backend counts itself from then on.
   */
  countViewers?: boolean | undefined;
  /** Hold time of reservations for sales scheduled without one, in ms (default 120 000). */
  reservationTtlMs?: number | undefined;
  /**
   * Resume a show from the state a previous engine saved ({@link CommerceStore.loadShows}) instead
   * of starting it fresh: the engine starts a new epoch from that state, takes stock, sale units
   * and deposits from the store (publishing whatever changed since the save) and does not reseed
   * stock. `init` must be the saved show and products. Most callers use {@link ShowRegistry.resume}.
   */
  restore?: SavedShow | undefined;
  /**
   * Save the show's public state to the store at most this often while it changes, in ms
   * (default 1000; 0: never). A restarted backend resumes shows from it.
   */
  saveEveryMs?: number | undefined;
  /** Called with errors nobody awaits (a failing store during an automatic tick). Default `console.error`. */
  onError?: ((error: unknown) => void) | undefined;
}

/** What a show starts with. */
export interface ShowInit {
  /** The show. Its status is kept (a show can be created live). */
  show: Show;
  /** Its products, in display order (default none). */
  products?: readonly Product[] | undefined;
}

/** Why an engine stopped sending events to a subscriber. */
export type EngineEndReason = 'ended' | 'disposed';

/** A subscriber to an engine's events. */
export interface EngineSubscriber {
  /** An event was appended to the sequence (called synchronously, in seq order). */
  event(event: ShowEvent): void;
  /**
   * No more events will come: the show ended (after its final events were delivered) or the
   * engine was disposed.
   */
  end?(reason: EngineEndReason): void;
}

/** A viewer, or just a viewer id (then the id is also the display name). */
export type ViewerRef = Viewer | string;

const CHAT_DEFAULT = { messages: 5, perMs: 10_000 } as const;

/** Runs the protocol's rules for one show. See the package README for a tour. */
export class ShowEngine {
  /** The show's id. */
  readonly id: string;
  /** Identity of this engine's event sequence (`seq` restarts with a new epoch). */
  readonly epoch: string;
  /** Interval of stream heartbeats, in ms, as announced in snapshots. */
  readonly heartbeatMs: number;

  readonly #now: () => number;
  readonly #ids: () => string;
  readonly #store: CommerceStore;
  readonly #historyLimit: number;
  readonly #onError: (error: unknown) => void;
  readonly #history: ShowEvent[] = [];
  readonly #subscribers = new Set<EngineSubscriber>();
  /**
   * The subscribers as an array, made again only after one joins or leaves: an emit walks a copy
   * (who subscribes or leaves during an emit does not change who gets that event), and copying
   * thousands of event streams for every event was a cost of the fan-out.
   */
  #subscriberList: EngineSubscriber[] | undefined;
  readonly #ctx: EngineContext;
  readonly #inventory: Inventory;
  readonly #sales: Sales;
  readonly #presales: Presales;
  readonly #carts: Carts;
  readonly #social: Social;
  readonly #ready: Promise<void>;
  #state: ShowState;
  #timer: ReturnType<typeof setInterval> | undefined;
  #expiring: Promise<void> | undefined;
  #commands: Promise<unknown> = Promise.resolve();
  #countViewers: boolean;
  #connected = 0;
  #disposed = false;
  #lastSweep = 0;
  readonly #saveEveryMs: number;
  #dirty = true;
  #lastSave = Number.NEGATIVE_INFINITY;
  #saving: Promise<void> | undefined;

  /**
   * Creates the engine of a show and, unless `autoTick` is false, starts its tick timer.
   *
   * @param init - the show and its products (validated; a bad one throws a TypeError)
   * @param options - clock, store, history, timers, limits and ids
   */
  constructor(init: ShowInit, options: EngineOptions = {}) {
    const show = check(ShowSchema, init.show, 'init.show');
    const products = (init.products ?? []).map((p, i) => normalizeProduct(check(ProductSchema, p, `init.products[${i}]`)));
    const duplicate = products.find((p, i) => products.findIndex((q) => q.id === p.id) !== i);
    if (duplicate) throw new TypeError(`ShowEngine: init.products has two products with id "${duplicate.id}".`);
    this.id = show.id;
    this.#now = options.now ?? Date.now;
    this.#ids = options.ids ?? randomId;
    this.#store = options.store ?? new MemoryStore();
    this.#historyLimit = Math.max(0, options.historyLimit ?? 1000);
    this.heartbeatMs = Math.max(100, options.heartbeatMs ?? 15_000);
    this.#onError = options.onError ?? ((error) => console.error('ShowEngine:', error));
    this.#countViewers = options.countViewers ?? true;
    this.epoch = options.epoch ?? `${this.#now().toString(36)}-${randomId().slice(0, 8)}`;
    if (!/^.{1,64}$/su.test(this.epoch)) throw new TypeError('ShowEngine: options.epoch must be 1–64 characters.');
    const chat = options.chatRate ?? CHAT_DEFAULT;
    const settings: RuleSettings = {
      reactionWindowMs: options.reactionWindowMs ?? 500,
      chatMessages: chat.messages,
      chatPerMs: chat.perMs,
      reservationTtlMs: Math.max(1000, options.reservationTtlMs ?? 120_000),
    };
    this.#saveEveryMs = Math.max(0, options.saveEveryMs ?? 1000);
    const fresh: ShowState = {
      protocol: PROTOCOL_VERSION,
      capabilities: [...CAPABILITIES],
      epoch: this.epoch,
      seq: 0,
      show,
      products,
      pinned: null,
      sales: [],
      presales: [],
      polls: [],
      chat: [],
      pinnedMessage: null,
      viewers: 0,
    };
    this.#state = options.restore ? restoredState(fresh, options.restore.state) : fresh;
    // The rule modules see the engine through this object only.
    const engine = this;
    this.#ctx = {
      showId: this.id,
      store: this.#store,
      settings,
      get state() {
        return engine.#state;
      },
      now: () => this.#now(),
      newId: () => this.#ids(),
      emit: (type, data) => this.#emit(type, data),
      ready: () => this.#ready,
      background: (task) => {
        task.catch(this.#onError);
      },
    };
    this.#inventory = new Inventory(this.#ctx);
    this.#sales = new Sales(this.#ctx, this.#inventory);
    this.#presales = new Presales(this.#ctx);
    this.#carts = new Carts(this.#ctx, this.#inventory, this.#sales);
    this.#social = new Social(this.#ctx);
    // The store learns the initial stock before any commerce call runs (they all await this);
    // a restored show takes the counters from the store instead.
    if (options.restore) {
      this.#social.restoreVoters(options.restore.voters ?? {});
      this.#ready = this.#resume();
    } else {
      this.#ready = Promise.all(
        products.flatMap((p) =>
          p.variants.map(async (v) => this.#inventory.seenStock(await this.#store.setStock(this.id, p.id, v.id, v.stock))),
        ),
      ).then(() => undefined);
    }
    this.#ready.catch(this.#onError);
    if (options.autoTick ?? true) {
      this.#timer = setInterval(() => {
        this.tick().catch(this.#onError);
      }, Math.max(10, options.tickMs ?? 250));
      // Never keep a Node process alive just for a show nobody disposed.
      (this.#timer as { unref?: () => void }).unref?.();
    }
  }

  // --- State and events -----------------------------------------------------------------------

  /** The show's public state: exactly what a client holds after the snapshot and events so far. */
  get state(): ShowState {
    return this.#state;
  }

  /** Seq of the last event (0 before any). */
  get seq(): number {
    return this.#state.seq;
  }

  /** The engine's clock, in ms since the Unix epoch. */
  now(): number {
    return this.#now();
  }

  /**
   * Settles when the store knows the show's stock and, for a restored show, when the counters
   * taken from the store are published. Commerce calls wait for it by themselves; a backend
   * resuming shows awaits it before serving, so the first snapshots are already right.
   */
  get ready(): Promise<void> {
    return this.#ready;
  }

  /** Stream connections counted as viewers right now (published as `viewers` on the next tick). */
  get connectedViewers(): number {
    return this.#connected;
  }

  /** Whether {@link ShowEngine.dispose} was called. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** The snapshot of the show now, as `GET shows/{showId}` serves it. */
  snapshot(): Snapshot {
    return { ...this.#state, serverTime: this.#now(), heartbeatMs: this.heartbeatMs };
  }

  /**
   * The events after `seq`, in order, from the bounded history: an empty array when `seq` is the
   * current one, undefined when the history cannot serve it (older than the history, or ahead of
   * the current seq).
   */
  eventsAfter(seq: number): ShowEvent[] | undefined {
    const current = this.#state.seq;
    if (!Number.isSafeInteger(seq) || seq < 0 || seq > current) return undefined;
    if (seq === current) return [];
    const first = this.#history[0]?.seq;
    if (first === undefined || seq < first - 1) return undefined;
    return this.#history.slice(seq - first + 1);
  }

  /**
   * Calls `subscriber` with every event emitted from now on, until the returned function is
   * called, the show ends or the engine is disposed (then `end` is called). A function is
   * shorthand for a subscriber with only `event`.
   */
  subscribe(subscriber: EngineSubscriber | ((event: ShowEvent) => void)): () => void {
    const entry: EngineSubscriber = typeof subscriber === 'function' ? { event: subscriber } : subscriber;
    if (this.#disposed || this.#state.show.status === 'ended') {
      const reason: EngineEndReason = this.#disposed ? 'disposed' : 'ended';
      queueMicrotask(() => entry.end?.(reason));
      return () => undefined;
    }
    this.#subscribers.add(entry);
    this.#subscriberList = undefined;
    return () => {
      if (this.#subscribers.delete(entry)) this.#subscriberList = undefined;
    };
  }

  // --- Time -----------------------------------------------------------------------------------

  /**
   * Applies what time has changed: sales start and end, polls and presales close, reservations
   * past `expiresAt` expire (their units return), reactions and the viewer count are published.
   * The transitions that need no store happen before this returns; the promise settles when
   * expired reservations are processed too.
   */
  tick(): Promise<void> {
    const now = this.#now();
    this.#advance(now);
    this.#social.flushReactions(now);
    if (this.#countViewers && this.#connected !== this.#state.viewers && this.#state.show.status !== 'ended') {
      this.#emit('viewers.changed', { count: this.#connected });
    }
    if (now - this.#lastSweep >= 60_000) {
      this.#lastSweep = now;
      this.#social.sweep(now);
    }
    if (this.#saveEveryMs > 0 && now - this.#lastSave >= this.#saveEveryMs) this.#save(now);
    // One expiry pass at a time: a slow store must not pile them up.
    this.#expiring ??= this.#sales.expire(now).finally(() => {
      this.#expiring = undefined;
    });
    return this.#expiring;
  }

  // --- Viewers --------------------------------------------------------------------------------

  /** A viewer started watching (the HTTP binding calls it per event-stream connection). */
  viewerJoined(): void {
    this.#connected++;
  }

  /** A viewer stopped watching. */
  viewerLeft(): void {
    this.#connected = Math.max(0, this.#connected - 1);
  }

  // --- Admin ----------------------------------------------------------------------------------

  /**
   * Validates and applies an admin command (`POST shows/{showId}/commands`). Commands run one at
   * a time, in the order received. The show's state is saved before the promise resolves, so what
   * the host was told happened (a sale scheduled, a product pinned) survives a crash.
   *
   * @throws {@link ProblemError} `invalid-request`, `not-found`, `show-not-live`, …
   */
  command(body: unknown): Promise<CommandResult> {
    const run = this.#commands.then(() => {
      this.#advance(this.#now());
      return runCommand(this.#ctx, {
        sales: this.#sales,
        presales: this.#presales,
        social: this.#social,
        inventory: this.#inventory,
        endShow: () => this.#end(),
        reportViewers: (count) => {
          this.#countViewers = false;
          this.#emit('viewers.changed', { count });
        },
      }, body);
    }).then(async (result) => {
      await this.flush();
      return result;
    });
    this.#commands = run.catch(() => undefined);
    return run;
  }

  // --- Viewer requests ------------------------------------------------------------------------
  // Each validates its untrusted body with the protocol's schemas and throws ProblemError
  // (`invalid-request` with `errors`, or the rule that said no).

  /** The viewer's cart. */
  getCart(viewer: ViewerRef): Promise<Cart> {
    return this.#viewer(viewer, (v) => this.#carts.get(v));
  }

  /** Adds units of a variant to the viewer's cart (an existing line of it grows, up to 99). */
  addToCart(viewer: ViewerRef, body: unknown): Promise<Cart> {
    return this.#viewer(viewer, (v) => this.#carts.add(v, body));
  }

  /** Sets the quantity of a cart line; 0 removes it. */
  updateCartLine(viewer: ViewerRef, lineId: string, body: unknown): Promise<Cart> {
    return this.#viewer(viewer, (v) => this.#carts.update(v, lineId, body));
  }

  /** Removes a cart line. */
  removeCartLine(viewer: ViewerRef, lineId: string): Promise<Cart> {
    return this.#viewer(viewer, (v) => this.#carts.remove(v, lineId));
  }

  /** Holds flash-sale units for the viewer (`sold-out`, `limit-exceeded`, `sale-not-started`, `sale-ended`). */
  reserve(viewer: ViewerRef, body: unknown): Promise<Reservation> {
    return this.#viewer(viewer, (v) => this.#sales.reserve(v, body));
  }

  /** Gives a held reservation's units back to the sale. */
  releaseReservation(viewer: ViewerRef, reservationId: string): Promise<Reservation> {
    return this.#viewer(viewer, (v) => this.#sales.release(v, reservationId));
  }

  /** Checks out the cart, a reservation, or items bought directly. */
  checkout(viewer: ViewerRef, body: unknown): Promise<CheckoutResult> {
    return this.#viewer(viewer, (v) => this.#carts.checkout(v, body));
  }

  /** Pays a presale deposit; resolves with the deposit order. */
  deposit(viewer: ViewerRef, body: unknown): Promise<Order> {
    return this.#viewer(viewer, (v) => this.#presales.deposit(v, body));
  }

  /** One of the viewer's orders (another viewer's order is `not-found`). */
  getOrder(viewer: ViewerRef, orderId: string): Promise<Order> {
    return this.#viewer(viewer, (v) => this.#carts.getOrder(v, orderId));
  }

  /** Pays the balance of a deposit order within its window. */
  payBalance(viewer: ViewerRef, orderId: string): Promise<Order> {
    return this.#viewer(viewer, (v) => this.#presales.payBalance(v, orderId));
  }

  /** Refunds a refundable deposit whose balance is unpaid. */
  refundDeposit(viewer: ViewerRef, orderId: string): Promise<Order> {
    return this.#viewer(viewer, (v) => this.#presales.refund(v, orderId));
  }

  /** Posts a chat message as the viewer (rate limited per viewer). */
  async chat(viewer: ViewerRef, body: unknown): Promise<ChatMessage> {
    return this.#viewer(viewer, async (v) => this.#social.chat(v, body));
  }

  /** Sends reactions; they reach everyone aggregated, one `reaction` event per window. */
  async react(viewer: ViewerRef, body: unknown): Promise<void> {
    return this.#viewer(viewer, async (v) => this.#social.react(v, body));
  }

  /** Votes in a poll, once per viewer; resolves with the poll's new tallies. */
  async vote(viewer: ViewerRef, pollId: string, body: unknown): Promise<Poll> {
    return this.#viewer(viewer, async (v) => this.#social.vote(v, pollId, body));
  }

  /**
   * Runs `operation` at most once for this viewer's idempotency `key`. The same key with the same
   * `fingerprint` (see {@link requestFingerprint}) resolves with the stored outcome of the first
   * run — its value, or the problem it failed with — marked `replayed`; a different fingerprint is
   * `idempotency-mismatch`; a repeat while the first run is in flight is `idempotency-conflict`.
   * Problems are results (`ok: false`), not rejections; server failures (5xx, or any other error)
   * are not stored, so a retry runs the operation again.
   *
   * @param viewer - whose key it is (keys are scoped per show and viewer)
   * @param key - the `Idempotency-Key`, 1–255 visible ASCII characters
   * @param fingerprint - identifies the request, from {@link requestFingerprint}
   * @param operation - the operation, for example `() => engine.reserve(viewer, body)`
   */
  idempotent<T>(viewer: ViewerRef, key: string, fingerprint: string, operation: () => Promise<T>): Promise<IdempotentResult<T>> {
    const { id } = toViewer(viewer);
    return runIdempotent(this.#store, { showId: this.id, viewerId: id, key }, fingerprint, this.#now, operation);
  }

  // --- Lifecycle ------------------------------------------------------------------------------

  /** Stops the timers and ends every subscription (streams close). The engine keeps its state. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#endSubscribers('disposed');
  }

  /**
   * Saves the show's state to the store now if it changed since the last save (also after
   * {@link ShowEngine.dispose}: a backend shutting down disposes its shows, then flushes them).
   * Resolves when the store has it. No-op when saving is off (`saveEveryMs: 0`).
   */
  async flush(): Promise<void> {
    if (this.#saveEveryMs === 0) return;
    await this.#saving;
    this.#save(this.#now());
    await this.#saving;
  }

  /**
   * Disposes the engine and deletes its saved state, so a restarted backend does not bring the
   * show back (the backend deleted it). Orders and other commerce records stay in the store.
   */
  async forget(): Promise<void> {
    this.dispose();
    this.#dirty = false;
    await this.#saving;
    await this.#store.deleteShow(this.id);
  }

  // --- Internals ------------------------------------------------------------------------------

  /** Starts saving the state if it changed and no save is in flight. */
  #save(now: number): void {
    if (!this.#dirty || this.#saving) return;
    this.#dirty = false;
    this.#lastSave = now;
    const saved: SavedShow = { state: this.#state, savedAt: now, voters: this.#social.openPollVoters() };
    this.#saving = this.#store
      .saveShow(this.id, saved)
      .catch((error: unknown) => {
        this.#dirty = true;
        this.#onError(error);
      })
      .finally(() => {
        this.#saving = undefined;
      });
  }

  /** Reconciles a restored state with the store: stock, sale units and deposits as they are now. */
  async #resume(): Promise<void> {
    const store = this.#store;
    for (const product of this.#state.products) {
      for (const variant of product.variants) {
        // A variant the store never saw (added just before a crash) is seeded like a new one.
        const level =
          (await store.getStock(this.id, product.id, variant.id)) ?? (await store.setStock(this.id, product.id, variant.id, variant.stock));
        this.#inventory.publish({ productId: product.id, variantId: variant.id, stock: level });
      }
    }
    await this.#sales.resume();
    await this.#presales.resume();
  }

  #emit<T extends EmittedType>(type: T, data: EventData<T>): void {
    const event = { type, seq: this.#state.seq + 1, at: this.#now(), data } as ShowEvent;
    this.#state = applyEvent(this.#state, event);
    this.#dirty = true;
    this.#history.push(event);
    if (this.#history.length > this.#historyLimit) this.#history.shift();
    const subscribers = (this.#subscriberList ??= [...this.#subscribers]);
    for (const subscriber of subscribers) {
      try {
        subscriber.event(event);
      } catch (error) {
        this.#onError(error);
      }
    }
  }

  /** The time-driven transitions that need no store: sales, presales, polls. */
  #advance(now: number): void {
    this.#sales.advance(now);
    this.#presales.advance(now);
    this.#social.advance(now);
  }

  async #viewer<T>(ref: ViewerRef, run: (viewer: Viewer) => Promise<T>): Promise<T> {
    const viewer = toViewer(ref);
    // Requests see time-driven transitions even between ticks (a sale starts at startsAt sharp).
    this.#advance(this.#now());
    return run(viewer);
  }

  async #end(): Promise<void> {
    this.#social.flushReactions(this.#now(), true);
    await this.#sales.closeAll();
    await this.#presales.closeAll();
    this.#social.closeAll();
    const now = this.#now();
    this.#emit('show.updated', { ...this.#state.show, status: 'ended', endedAt: now });
    this.#endSubscribers('ended');
  }

  #endSubscribers(reason: EngineEndReason): void {
    const subscribers = [...this.#subscribers];
    this.#subscribers.clear();
    this.#subscriberList = undefined;
    for (const subscriber of subscribers) {
      try {
        subscriber.end?.(reason);
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}

/** Resolves a {@link ViewerRef}; a viewer id must be a protocol Id (it appears in chat messages). */
export function toViewer(ref: ViewerRef): Viewer {
  const viewer = typeof ref === 'string' ? { id: ref, name: ref } : ref;
  if (!validate(IdSchema, viewer.id).success) {
    throw new TypeError(`ShowEngine: viewer id must be 1–128 characters of A–Z a–z 0–9 . _ : -, got ${JSON.stringify(viewer.id)}.`);
  }
  const name = viewer.name.trim().slice(0, 60) || viewer.id.slice(0, 60);
  return name === viewer.name ? viewer : { id: viewer.id, name };
}

/**
 * The state of a restored show: the saved one, validated, continuing in the new engine's epoch
 * from seq 0 (clients see a new epoch and fetch a snapshot), with no viewers counted yet.
 */
function restoredState(fresh: ShowState, saved: ShowState): ShowState {
  if (saved.show.id !== fresh.show.id) {
    throw new TypeError(`ShowEngine: options.restore is the state of show "${saved.show.id}", not of "${fresh.show.id}".`);
  }
  const snapshot = check(SnapshotSchema, { ...saved, ...pick(fresh), serverTime: 0, heartbeatMs: 1000 }, 'options.restore.state');
  const { serverTime: _time, heartbeatMs: _heartbeat, ...state } = snapshot;
  return state;
}

function pick(fresh: ShowState): Pick<ShowState, 'protocol' | 'capabilities' | 'epoch' | 'seq' | 'viewers'> {
  return { protocol: fresh.protocol, capabilities: fresh.capabilities, epoch: fresh.epoch, seq: 0, viewers: 0 };
}

function check<T>(schema: Parameters<typeof validate>[0], value: T, what: string): T {
  const result = validate(schema, value);
  if (!result.success) throw new TypeError(`ShowEngine: ${what} is invalid: ${formatIssues(result.issues)}.`);
  return result.output as T;
}

function randomId(): string {
  const crypto = globalThis.crypto as Crypto | undefined;
  if (crypto?.randomUUID) return crypto.randomUUID();
  // Non-secure browser contexts have no randomUUID; ids only need to be unique, not secret.
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}${Math.random().toString(36).slice(2, 12)}`;
}
