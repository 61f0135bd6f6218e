/**
 * {@link ShowCart}: the viewer's cart as a UI needs it. Optimistic changes that roll back on
 * failure, one request per intent (a double tap joins the first), a timeout on hooks that never
 * answer, and the same cart in every tab of the shop (kept across reloads).
 *
 * The state is derived, never mutated: the confirmed cart (what the merchant's cart said last)
 * with the pending changes applied by {@link applyCartIntent}, a pure function. A change that
 * fails is dropped from the pending list, which is the rollback.
 */
import { NightmarketError } from '../client/errors.js';
import { CartSchema } from '../protocol/schemas.js';
import type { AddToCartRequest, Cart, CartLine, CheckoutRequest, CheckoutResult, Money } from '../protocol/types.js';
import { validate } from '../protocol/validate.js';
import type { CommerceAdapter, CommerceContext } from './adapter.js';

/** A line to add, with what the optimistic cart line shows until the merchant's cart answers. */
export interface CartAddition extends AddToCartRequest {
  /** Product and variant title for the optimistic line. */
  readonly title?: string | undefined;
  /** Unit price for the optimistic line and subtotal. */
  readonly unitPrice?: Money | undefined;
}

/** A change the viewer asked for. */
export type CartIntent =
  | { readonly kind: 'add'; readonly line: CartAddition }
  | { readonly kind: 'update'; readonly lineId: string; readonly quantity: number }
  | { readonly kind: 'remove'; readonly lineId: string };

/** What failed last, for the UI. */
export interface CartProblem {
  /** What the viewer was doing. */
  readonly action: 'load' | 'add' | 'update' | 'remove' | 'checkout';
  /** A message a shopper can read (the hook's error message, or the backend's problem detail). */
  readonly message: string;
  /** The error as thrown. */
  readonly error: unknown;
}

/** The cart as a UI draws it. Immutable: every change makes a new object. */
export interface CartState {
  /** The cart to show: the confirmed cart with the pending changes applied (null before the first load). */
  readonly cart: Cart | null;
  /** The merchant's cart as it last answered (or as another tab or a reload last saw it). */
  readonly confirmed: Cart | null;
  /** Changes sent and not answered yet. */
  readonly pending: readonly CartIntent[];
  /** A load is in flight. */
  readonly loading: boolean;
  /** A checkout is in flight. */
  readonly checkingOut: boolean;
  /** The last failure, until the next change succeeds or {@link ShowCart.clearError}. */
  readonly error: CartProblem | null;
}

/**
 * Runs an intent instead of the adapter (the player passes a page's `respondWith` promise here).
 * Resolving with a cart makes it the confirmed cart; resolving with nothing reloads the cart.
 */
export type CartHandler<T> = (context: CommerceContext) => Promise<T>;

/** Options of {@link ShowCart}. */
export interface ShowCartOptions {
  /** The checkout hooks. */
  adapter: CommerceAdapter;
  /** The show. */
  showId: string;
  /** How long a hook may take before it is given up with a clear message, in ms (default 15,000). */
  timeoutMs?: number | undefined;
  /**
   * Where the cart is kept across reloads and shared between tabs: carts with the same scope are
   * the same cart. Default: the show id. (The player uses the backend URL and the show.)
   */
  scope?: string | undefined;
  /** Storage for the cart across reloads (default `localStorage` where there is one; `null`: none). */
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null | undefined;
  /** Keep tabs in step through a `BroadcastChannel` (default true where there is one). */
  sync?: boolean | undefined;
}

/** Default of {@link ShowCartOptions.timeoutMs}. */
export const DEFAULT_HOOK_TIMEOUT_MS = 15_000;

const NO_STATE: CartState = { cart: null, confirmed: null, pending: [], loading: false, checkingOut: false, error: null };

/**
 * Applies a change to a cart as the merchant's cart would (a pure function): adding a variant
 * already in the cart adds to its line; a quantity of 0 removes the line; the subtotal follows.
 * An added line that is not in the cart yet appears only when its title and unit price are known.
 */
export function applyCartIntent(cart: Cart, intent: CartIntent): Cart {
  let lines: CartLine[];
  switch (intent.kind) {
    case 'add': {
      const { productId, variantId, quantity, title, unitPrice } = intent.line;
      const index = cart.lines.findIndex((l) => l.productId === productId && l.variantId === variantId);
      if (index >= 0) {
        lines = cart.lines.slice();
        const line = lines[index]!;
        lines[index] = { ...line, quantity: Math.min(99, line.quantity + quantity) };
      } else if (title !== undefined && unitPrice !== undefined) {
        lines = [...cart.lines, { id: `pending:${productId}:${variantId}`, productId, variantId, title, quantity, unitPrice }];
      } else {
        return cart;
      }
      break;
    }
    case 'update':
      lines =
        intent.quantity <= 0
          ? cart.lines.filter((l) => l.id !== intent.lineId)
          : cart.lines.map((l) => (l.id === intent.lineId ? { ...l, quantity: intent.quantity } : l));
      break;
    case 'remove':
      lines = cart.lines.filter((l) => l.id !== intent.lineId);
      break;
  }
  const amount = lines.reduce((sum, l) => sum + l.quantity * l.unitPrice.amount, 0);
  return { ...cart, lines, subtotal: { ...cart.subtotal, amount } };
}

/**
 * The viewer's cart for a show, through a {@link CommerceAdapter}. Create one with
 * `client.cart(showId)` (or `new ShowCart({ adapter, showId })`); `<nm-player>` exposes its own
 * as `player.cart`.
 */
export class ShowCart {
  /** The show. */
  readonly showId: string;
  readonly #adapter: CommerceAdapter;
  readonly #timeoutMs: number;
  readonly #storageKey: string;
  readonly #storage: ShowCartOptions['storage'];
  readonly #channel: BroadcastChannel | null;
  readonly #listeners = new Set<(state: CartState) => void>();
  readonly #inflight = new Map<string, Promise<unknown>>();
  readonly #aborts = new Set<AbortController>();
  #state: CartState = NO_STATE;
  #queue: Promise<unknown> = Promise.resolve();
  #refreshing: Promise<Cart> | null = null;
  /** Counts confirmed carts, so a load that started before a change cannot overwrite its answer. */
  #version = 0;
  #disposed = false;

  constructor(options: ShowCartOptions) {
    if (typeof options?.adapter !== 'object' || options.adapter === null) {
      throw new TypeError('ShowCart: options.adapter must be a CommerceAdapter (getCart, addToCart, updateLine, removeLine, checkout).');
    }
    for (const name of ['getCart', 'addToCart', 'updateLine', 'removeLine', 'checkout'] as const) {
      if (typeof options.adapter[name] !== 'function') {
        throw new TypeError(`ShowCart: the commerce adapter has no ${name} function; every CommerceAdapter needs getCart, addToCart, updateLine, removeLine and checkout.`);
      }
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new TypeError(`ShowCart: options.timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}.`);
    }
    this.showId = options.showId;
    this.#adapter = options.adapter;
    this.#timeoutMs = timeoutMs;
    const scope = options.scope ?? options.showId;
    this.#storageKey = `nightmarket:cart:${scope}`;
    this.#storage = options.storage === undefined ? defaultStorage() : options.storage;
    const sync = options.sync ?? true;
    this.#channel = sync && typeof BroadcastChannel === 'function' ? new BroadcastChannel(this.#storageKey) : null;
    this.#channel?.addEventListener('message', (event: MessageEvent) => this.#adopt(event.data));
    const saved = this.#read();
    if (saved) this.#state = { ...NO_STATE, cart: saved, confirmed: saved };
  }

  /** The cart as the UI should draw it now. */
  get state(): CartState {
    return this.#state;
  }

  /** Calls `listener` with the new state after every change; returns a function that stops it. */
  subscribe(listener: (state: CartState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Loads the cart from the adapter (the page says its cart changed, or on start). Concurrent calls share one load. */
  refresh(): Promise<Cart> {
    if (this.#refreshing) return this.#refreshing;
    this.#set({ loading: true });
    const version = this.#version;
    const run = this.#call('getCart', (ctx) => this.#adapter.getCart(ctx), newKey())
      .then(
        (cart) => {
          // A load does not clear what a change that failed meanwhile has to say.
          const error = this.#state.error?.action === 'load' ? null : this.#state.error;
          if (version === this.#version) this.#confirm(cart, { loading: false, error });
          else this.#set({ loading: false });
          return this.#state.confirmed ?? cart;
        },
        (error: unknown) => {
          this.#set({ loading: false, error: problem('load', error) });
          throw error;
        },
      )
      .finally(() => {
        this.#refreshing = null;
      });
    this.#refreshing = run;
    return run;
  }

  /** Adds units of a variant. */
  add(line: CartAddition, options: { via?: CartHandler<Cart | void> | undefined } = {}): Promise<Cart> {
    const { title: _title, unitPrice: _unitPrice, ...request } = line;
    return this.#change({ kind: 'add', line }, 'addToCart', options.via ?? ((ctx) => this.#adapter.addToCart(request, ctx)));
  }

  /** Sets a line's quantity; 0 removes the line. */
  update(lineId: string, quantity: number, options: { via?: CartHandler<Cart | void> | undefined } = {}): Promise<Cart> {
    if (!Number.isInteger(quantity) || quantity < 0 || quantity > 99) {
      return Promise.reject(new RangeError(`ShowCart.update: quantity must be an integer from 0 to 99, got ${String(quantity)}.`));
    }
    if (quantity === 0) return this.remove(lineId, options);
    return this.#change({ kind: 'update', lineId, quantity }, 'updateLine', options.via ?? ((ctx) => this.#adapter.updateLine(lineId, quantity, ctx)));
  }

  /** Removes a line. */
  remove(lineId: string, options: { via?: CartHandler<Cart | void> | undefined } = {}): Promise<Cart> {
    return this.#change({ kind: 'remove', lineId }, 'removeLine', options.via ?? ((ctx) => this.#adapter.removeLine(lineId, ctx)));
  }

  /**
   * Checks out (the cart, a reservation, or items directly). The same checkout asked for again
   * while one runs joins it: one request, one order. A cart checkout reloads the cart after.
   */
  checkout(request: CheckoutRequest, options: { via?: CartHandler<CheckoutResult> | undefined } = {}): Promise<CheckoutResult> {
    const id = `checkout:${JSON.stringify(request)}`;
    const running = this.#inflight.get(id) as Promise<CheckoutResult> | undefined;
    if (running) return running;
    const key = newKey();
    this.#set({ checkingOut: true, error: null });
    const run = this.#call('checkout', options.via ?? ((ctx) => this.#adapter.checkout(request, ctx)), key)
      .then(
        (result) => {
          this.#set({ checkingOut: this.#inflight.size > 1 });
          if (request.source === 'cart') void this.refresh().catch(() => undefined);
          return result;
        },
        (error: unknown) => {
          this.#set({ checkingOut: this.#inflight.size > 1, error: problem('checkout', error) });
          throw error;
        },
      )
      .finally(() => this.#inflight.delete(id));
    this.#inflight.set(id, run);
    return run;
  }

  /** Forgets the last error (the viewer dismissed it). */
  clearError(): void {
    if (this.#state.error) this.#set({ error: null });
  }

  /** Stops syncing with other tabs and gives up calls in flight. */
  dispose(): void {
    this.#disposed = true;
    this.#channel?.close();
    for (const controller of this.#aborts) controller.abort(new DOMException('The cart was disposed.', 'AbortError'));
    this.#listeners.clear();
  }

  // --- Internals ----------------------------------------------------------------------------------

  #change(intent: CartIntent, hook: string, handler: CartHandler<Cart | void>): Promise<Cart> {
    // A double tap sends the same intent again while the first runs: join it.
    const id = JSON.stringify(intent.kind === 'add' ? { ...intent, line: { ...intent.line, title: undefined, unitPrice: undefined } } : intent);
    const running = this.#inflight.get(id) as Promise<Cart> | undefined;
    if (running) return running;
    const key = newKey();
    this.#set({ pending: [...this.#state.pending, intent], error: null });
    // Changes run one after another, so answers cannot arrive out of order and undo each other.
    const run = this.#queue
      .catch(() => undefined)
      .then(() => this.#call(hook, handler, key))
      .then((answer) => (answer && typeof answer === 'object' ? checkCart(hook, answer) : this.#call('getCart', (ctx) => this.#adapter.getCart(ctx), newKey())))
      .then(
        (cart) => {
          this.#confirm(cart, { pending: without(this.#state.pending, intent) });
          return cart;
        },
        (error: unknown) => {
          this.#set({ pending: without(this.#state.pending, intent), error: problem(intent.kind, error) });
          throw error;
        },
      )
      .finally(() => this.#inflight.delete(id));
    this.#queue = run;
    this.#inflight.set(id, run);
    return run;
  }

  /** Runs a hook with a context, giving up after the timeout with a clear message. */
  async #call<T>(hook: string, run: CartHandler<T>, idempotencyKey: string): Promise<T> {
    const controller = new AbortController();
    this.#aborts.add(controller);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = this.#timeoutMs >= 1000 ? `${Math.round(this.#timeoutMs / 1000)} s` : `${this.#timeoutMs} ms`;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new NightmarketError({
          type: 'hook-timeout',
          status: 0,
          detail: `The shop did not answer within ${limit}, so nothing was changed. Please try again.`,
        });
        console.error(
          `@nightmarket/client: the commerce hook ${hook} (the CommerceAdapter's, or a page's respondWith promise) did not settle within ${this.#timeoutMs} ms and was given up. Make it resolve or reject, or raise the timeout.`,
        );
        controller.abort(error);
        reject(error);
      }, this.#timeoutMs);
    });
    try {
      return await Promise.race([Promise.resolve().then(() => run({ showId: this.showId, signal: controller.signal, idempotencyKey })), timeout]);
    } finally {
      clearTimeout(timer);
      this.#aborts.delete(controller);
    }
  }

  #confirm(cart: Cart, patch: Partial<CartState>): void {
    this.#version++;
    this.#set({ error: null, ...patch, confirmed: cart });
    this.#write(cart);
    this.#channel?.postMessage(cart);
  }

  #set(patch: Partial<CartState>): void {
    if (this.#disposed) return;
    const next = { ...this.#state, ...patch };
    // Before the first load, changes show over an empty cart in their own currency.
    const priced = next.pending.find((p): p is Extract<CartIntent, { kind: 'add' }> => p.kind === 'add' && p.line.unitPrice !== undefined);
    const base = next.confirmed ?? (priced ? { lines: [], subtotal: { amount: 0, currency: priced.line.unitPrice!.currency }, updatedAt: 0 } : null);
    next.cart = base ? next.pending.reduce(applyCartIntent, base) : null;
    this.#state = next;
    for (const listener of this.#listeners) listener(next);
  }

  /** Another tab changed the cart: adopt it unless ours is newer. */
  #adopt(value: unknown): void {
    const result = validate(CartSchema, value);
    if (!result.success) return;
    const mine = this.#state.confirmed;
    if (mine && mine.updatedAt > result.output.updatedAt) return;
    this.#set({ confirmed: result.output });
  }

  #read(): Cart | null {
    try {
      const raw = this.#storage?.getItem(this.#storageKey);
      if (!raw) return null;
      const result = validate(CartSchema, JSON.parse(raw));
      if (result.success) return result.output;
    } catch {
      // Unreadable storage (privacy mode) or a value that is not JSON: start without it.
    }
    this.#storage?.removeItem(this.#storageKey);
    return null;
  }

  #write(cart: Cart): void {
    try {
      this.#storage?.setItem(this.#storageKey, JSON.stringify(cart));
    } catch {
      // Full or blocked storage: the cart still works, it just is not kept across reloads.
    }
  }
}

function checkCart(hook: string, value: object): Cart {
  const result = validate(CartSchema, value);
  if (result.success) return result.output;
  const where = result.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new NightmarketError({
    type: 'invalid-response',
    status: 0,
    detail: `The commerce hook ${hook} answered with something that is not a cart (${where}). Return the cart in the protocol's Cart shape, or nothing to have it reloaded.`,
    issues: result.issues,
  });
}

function problem(action: CartProblem['action'], error: unknown): CartProblem {
  const message =
    error instanceof NightmarketError ? error.detail : error instanceof Error && error.message ? error.message : 'Something went wrong. Please try again.';
  return { action, message, error };
}

function without(list: readonly CartIntent[], item: CartIntent): CartIntent[] {
  const index = list.indexOf(item);
  return index === -1 ? list.slice() : [...list.slice(0, index), ...list.slice(index + 1)];
}

function defaultStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

function newKey(): string {
  return globalThis.crypto.randomUUID();
}
