/**
 * `@nightmarket/client`: a typed client for a Night Market backend. Stateless calls (snapshot,
 * cart, reservations, checkout, deposits, chat, reactions, votes) live on the client; live state
 * lives in a {@link Room} from {@link NightmarketClient.join}.
 */
import type * as v from 'valibot';
import { paths } from '../protocol/http.js';
import {
  AddToCartRequestSchema,
  CartSchema,
  ChatMessageSchema,
  ChatRequestSchema,
  CheckoutRequestSchema,
  CheckoutResultSchema,
  DepositRequestSchema,
  IdSchema,
  OrderSchema,
  PollSchema,
  ReactionRequestSchema,
  ReservationSchema,
  ReserveRequestSchema,
  UpdateCartLineRequestSchema,
  VoteRequestSchema,
} from '../protocol/schemas.js';
import type {
  AddToCartRequest,
  Cart,
  ChatMessage,
  ChatRequest,
  CheckoutRequest,
  CheckoutResult,
  DepositRequest,
  Order,
  Poll,
  ReactionRequest,
  Reservation,
  ReserveRequest,
  Snapshot,
  UpdateCartLineRequest,
  VoteRequest,
} from '../protocol/types.js';
import { formatIssues, validate } from '../protocol/validate.js';
import { protocolCommerce, type CommerceAdapter } from '../commerce/adapter.js';
import { ShowCart, type ShowCartOptions } from '../commerce/cart.js';
import { ServerClock } from './clock.js';
import { request, type CallOptions, type HttpContext, type IdempotentCallOptions, type TokenProvider } from './http.js';
import { fetchSnapshot, LiveRoom, RoomHandle, type JoinOptions, type Room, type SharedRoom } from './room.js';

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Base URL of the backend's Night Market API, absolute http(s), e.g. `https://shop.example/nightmarket/`. */
  baseUrl: string | URL;
  /** The fetch to use (default `globalThis.fetch`): pass one to add cookies, logging or a test double. */
  fetch?: typeof globalThis.fetch | undefined;
  /** Supplies the viewer's bearer token; see {@link TokenProvider}. */
  getToken?: TokenProvider | undefined;
  /** Extra attempts for a GET or an idempotent call after a network failure or a 5xx (default 2). */
  retries?: number | undefined;
  /** Local clock, epoch ms (default `Date.now`); tests pass a fake one. */
  now?: (() => number) | undefined;
  /**
   * The checkout hooks carts use (see {@link CommerceAdapter}): your own cart as the single source
   * of truth. Default: the backend's own cart and checkout ({@link protocolCommerce}).
   */
  commerce?: CommerceAdapter | undefined;
}

/** Creates a client for one backend. Throws a `TypeError` naming the bad option when options are wrong. */
export function createClient(options: ClientOptions): NightmarketClient {
  return new NightmarketClient(options);
}

/** A typed client for one Night Market backend. Create it with {@link createClient}. */
export class NightmarketClient {
  /** The base URL every path is resolved against (always ends with `/`). */
  readonly baseUrl: URL;
  /** Server clock estimated from this backend's responses. */
  readonly clock: ServerClock;
  /** The checkout hooks this client's carts use: `options.commerce`, else the backend's own cart. */
  readonly commerce: CommerceAdapter;
  readonly #ctx: HttpContext;
  readonly #rooms = new Map<string, SharedRoom>();

  constructor(options: ClientOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('createClient: options must be an object such as { baseUrl: "https://shop.example/nightmarket/" }.');
    }
    this.baseUrl = parseBaseUrl(options.baseUrl);
    const fetchFn = options.fetch ?? globalThis.fetch;
    if (typeof fetchFn !== 'function') {
      throw new TypeError('createClient: options.fetch must be a function (no global fetch is available here).');
    }
    if (options.getToken !== undefined && typeof options.getToken !== 'function') {
      throw new TypeError('createClient: options.getToken must be a function returning the viewer token.');
    }
    const retries = options.retries ?? 2;
    if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
      throw new TypeError(`createClient: options.retries must be an integer from 0 to 10, got ${String(retries)}.`);
    }
    const now = options.now ?? Date.now;
    this.clock = new ServerClock(now);
    this.#ctx = {
      baseUrl: this.baseUrl,
      // Called unbound: some fetch implementations throw "Illegal invocation" when detached.
      fetch: (input, init) => fetchFn(input, init),
      getToken: options.getToken,
      retries,
      now,
    };
    if (options.commerce !== undefined && (typeof options.commerce !== 'object' || options.commerce === null)) {
      throw new TypeError('createClient: options.commerce must be a CommerceAdapter object (getCart, addToCart, updateLine, removeLine, checkout).');
    }
    this.commerce = options.commerce ?? protocolCommerce(this);
  }

  /**
   * The viewer's cart for a show as a UI needs it (optimistic changes, rollback, hook timeout,
   * same cart across tabs), through {@link NightmarketClient.commerce}. Call `refresh()` to load it.
   */
  cart(showId: string, options: Omit<ShowCartOptions, 'adapter' | 'showId'> = {}): ShowCart {
    const id = checkId('cart', 'showId', showId);
    return new ShowCart({ scope: `${this.baseUrl.href}|${id}`, ...options, adapter: this.commerce, showId: id });
  }

  /** Fetches a show's snapshot (and measures the server clock from it). */
  getShow(showId: string, options: CallOptions = {}): Promise<Snapshot> {
    return fetchSnapshot(this.#ctx, this.clock, checkId('getShow', 'showId', showId), options.signal);
  }

  /**
   * Joins a show: returns a {@link Room} that loads the snapshot and follows the live events.
   *
   * Joins of the same show without options share one connection (each gets its own handle, and
   * the connection closes with the last handle): ten players of one show on a page hold one event
   * stream, not ten — a browser opens at most six HTTP/1.1 connections to a host.
   */
  join(showId: string, options: JoinOptions = {}): Room {
    const id = checkId('join', 'showId', showId);
    if (Object.values(options).some((value) => value !== undefined)) return new LiveRoom(this.#ctx, this.clock, id, options);
    let shared = this.#rooms.get(id);
    if (!shared || shared.room.status === 'closed') {
      const room = new LiveRoom(this.#ctx, this.clock, id, {});
      shared = { room, handles: 0 };
      this.#rooms.set(id, shared);
    }
    return new RoomHandle(shared, () => {
      if (this.#rooms.get(id) === shared) this.#rooms.delete(id);
    });
  }

  /** The viewer's cart for a show. */
  async getCart(showId: string, options: CallOptions = {}): Promise<Cart> {
    const path = paths.cart(checkId('getCart', 'showId', showId));
    return (await request(this.#ctx, { method: 'GET', path, schema: CartSchema, signal: options.signal })).body;
  }

  /** Adds units of a variant to the viewer's cart; returns the cart. */
  async addToCart(showId: string, line: AddToCartRequest, options: IdempotentCallOptions = {}): Promise<Cart> {
    const body = checkBody('addToCart', 'line', AddToCartRequestSchema, line);
    const path = paths.cartLines(checkId('addToCart', 'showId', showId));
    return (await this.#send('POST', path, body, CartSchema, options)).body;
  }

  /** Changes a cart line's quantity (0 removes it); returns the cart. */
  async updateCartLine(
    showId: string,
    lineId: string,
    update: UpdateCartLineRequest,
    options: IdempotentCallOptions = {},
  ): Promise<Cart> {
    const body = checkBody('updateCartLine', 'update', UpdateCartLineRequestSchema, update);
    const path = paths.cartLine(checkId('updateCartLine', 'showId', showId), checkId('updateCartLine', 'lineId', lineId));
    return (await this.#send('PATCH', path, body, CartSchema, options)).body;
  }

  /** Removes a cart line; returns the cart. */
  async removeCartLine(showId: string, lineId: string, options: CallOptions = {}): Promise<Cart> {
    const path = paths.cartLine(checkId('removeCartLine', 'showId', showId), checkId('removeCartLine', 'lineId', lineId));
    return (await request(this.#ctx, { method: 'DELETE', path, schema: CartSchema, signal: options.signal })).body;
  }

  /** Holds flash-sale units for the viewer until checkout or expiry. */
  async reserve(showId: string, reservation: ReserveRequest, options: IdempotentCallOptions = {}): Promise<Reservation> {
    const body = checkBody('reserve', 'reservation', ReserveRequestSchema, reservation);
    const path = paths.reservations(checkId('reserve', 'showId', showId));
    return (await this.#send('POST', path, body, ReservationSchema, options)).body;
  }

  /** Gives held units back to the sale. */
  async releaseReservation(showId: string, reservationId: string, options: CallOptions = {}): Promise<Reservation> {
    const path = paths.reservation(
      checkId('releaseReservation', 'showId', showId),
      checkId('releaseReservation', 'reservationId', reservationId),
    );
    return (await request(this.#ctx, { method: 'DELETE', path, schema: ReservationSchema, signal: options.signal })).body;
  }

  /** Checks out the cart, a reservation, or items bought directly. */
  async checkout(showId: string, checkout: CheckoutRequest, options: IdempotentCallOptions = {}): Promise<CheckoutResult> {
    const body = checkBody('checkout', 'checkout', CheckoutRequestSchema, checkout);
    const path = paths.checkout(checkId('checkout', 'showId', showId));
    return (await this.#send('POST', path, body, CheckoutResultSchema, options)).body;
  }

  /** Pays a presale deposit; returns the deposit order. */
  async deposit(showId: string, deposit: DepositRequest, options: IdempotentCallOptions = {}): Promise<Order> {
    const body = checkBody('deposit', 'deposit', DepositRequestSchema, deposit);
    const path = paths.deposits(checkId('deposit', 'showId', showId));
    return (await this.#send('POST', path, body, OrderSchema, options)).body;
  }

  /** One of the viewer's orders. */
  async getOrder(showId: string, orderId: string, options: CallOptions = {}): Promise<Order> {
    const path = paths.order(checkId('getOrder', 'showId', showId), checkId('getOrder', 'orderId', orderId));
    return (await request(this.#ctx, { method: 'GET', path, schema: OrderSchema, signal: options.signal })).body;
  }

  /** Pays the balance of a deposit order, within the presale's balance window. */
  async payBalance(showId: string, orderId: string, options: IdempotentCallOptions = {}): Promise<Order> {
    const path = paths.balance(checkId('payBalance', 'showId', showId), checkId('payBalance', 'orderId', orderId));
    return (await this.#send('POST', path, undefined, OrderSchema, options)).body;
  }

  /** Refunds a refundable deposit whose balance is not paid yet. */
  async refundDeposit(showId: string, orderId: string, options: IdempotentCallOptions = {}): Promise<Order> {
    const path = paths.refund(checkId('refundDeposit', 'showId', showId), checkId('refundDeposit', 'orderId', orderId));
    return (await this.#send('POST', path, undefined, OrderSchema, options)).body;
  }

  /** Posts a chat message as the viewer. */
  async sendChat(showId: string, message: ChatRequest, options: CallOptions = {}): Promise<ChatMessage> {
    const body = checkBody('sendChat', 'message', ChatRequestSchema, message);
    const path = paths.chat(checkId('sendChat', 'showId', showId));
    return (await request(this.#ctx, { method: 'POST', path, body, schema: ChatMessageSchema, signal: options.signal })).body;
  }

  /** Sends reactions (hearts, …); the server aggregates them for everyone. */
  async react(showId: string, reaction: ReactionRequest, options: CallOptions = {}): Promise<void> {
    const body = checkBody('react', 'reaction', ReactionRequestSchema, reaction);
    const path = paths.reactions(checkId('react', 'showId', showId));
    await request(this.#ctx, { method: 'POST', path, body, schema: undefined, signal: options.signal });
  }

  /** Votes in a poll (once per viewer); returns the poll with updated tallies. */
  async vote(showId: string, pollId: string, vote: VoteRequest, options: CallOptions = {}): Promise<Poll> {
    const body = checkBody('vote', 'vote', VoteRequestSchema, vote);
    const path = paths.votes(checkId('vote', 'showId', showId), checkId('vote', 'pollId', pollId));
    return (await request(this.#ctx, { method: 'POST', path, body, schema: PollSchema, signal: options.signal })).body;
  }

  #send<S extends v.GenericSchema>(
    method: 'POST' | 'PATCH',
    path: string,
    body: unknown,
    schema: S,
    options: IdempotentCallOptions,
  ): ReturnType<typeof request<S>> {
    const idempotencyKey = options.idempotencyKey ?? newKey();
    if (!/^[\x21-\x7e]{1,255}$/.test(idempotencyKey)) {
      throw new TypeError('idempotencyKey must be 1–255 visible ASCII characters.');
    }
    return request(this.#ctx, { method, path, body, schema, signal: options.signal, idempotencyKey });
  }
}

function parseBaseUrl(value: unknown): URL {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' || value instanceof URL ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new TypeError(
      `createClient: options.baseUrl must be an absolute http(s) URL such as "https://shop.example/nightmarket/", got ${JSON.stringify(String(value))}.`,
    );
  }
  // Paths are resolved relative to the base, so it must end with a slash to keep its last segment.
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.search = '';
  url.hash = '';
  return url;
}

function checkId(method: string, name: string, value: unknown): string {
  const result = validate(IdSchema, value);
  if (!result.success) {
    throw new TypeError(`${method}: ${name} must be an id of 1–128 characters (A–Z a–z 0–9 . _ : -), got ${JSON.stringify(value)}.`);
  }
  return result.output;
}

function checkBody<S extends v.GenericSchema>(method: string, name: string, schema: S, value: unknown): v.InferOutput<S> {
  const result = validate(schema, value);
  if (!result.success) {
    const issues = result.issues.map((i) => ({ ...i, path: i.path === '(root)' ? name : `${name}.${i.path}` }));
    throw new TypeError(`${method}: ${formatIssues(issues)}.`);
  }
  return result.output;
}

function newKey(): string {
  return globalThis.crypto.randomUUID();
}
