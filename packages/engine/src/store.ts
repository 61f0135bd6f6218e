/**
 * The commerce store: everything the engine must keep atomic and durable.
 *
 * The show engine keeps the *public* state of a show (what snapshots and events carry) in memory
 * and derives it from events. What money and scarcity depend on — units of a flash sale, who holds
 * them, variant stock, orders, carts, presale deposits, idempotency records — goes through this
 * interface, so that a backend with a database can make each step atomic and durable.
 *
 * Rules for implementers (a SQLite/PostgreSQL store will follow {@link MemoryStore}):
 *
 * - Every method is **one atomic operation**: a single transaction, or a single conditional
 *   statement (`UPDATE … SET units_left = units_left - ? WHERE units_left >= ?`). The engine calls
 *   them concurrently and relies on the store, not on its own locks, to never oversell.
 * - Every method is scoped to one show by its first argument. Ids are unique within a show.
 * - Expected outcomes are results (`{ ok: false, reason }`), not exceptions. A thrown error (or a
 *   rejected promise) means the store failed; the engine answers 500 and retries are safe.
 * - Values returned are copies: the engine may keep them; later changes to the store must not
 *   show through them, and the engine never mutates what it passes in afterwards.
 * - Counters that the engine publishes in events (`SaleUnits`, `StockLevel`, `PresaleUnits`) carry a
 *   `version` that increases with every change of that row, in the same transaction. Results of
 *   concurrent operations may reach the engine out of commit order; the engine publishes a value
 *   only if its version is newer than the last one it published.
 * - Money is integer minor units. Timestamps are integer ms since the Unix epoch (the engine's clock).
 */
import type { CartLine, Order, Problem, Reservation, ShowState } from '@nightmarket/client';

// ---------------------------------------------------------------------------------------------
// Counters the engine publishes
// ---------------------------------------------------------------------------------------------

/** Stock of one variant as the store holds it. */
export interface StockLevel {
  /** Product of the variant. */
  readonly productId: string;
  /** The variant. */
  readonly variantId: string;
  /** Units in stock; `null` when the merchant does not track stock for the variant. */
  readonly stock: number | null;
  /** Increases with every change of this variant's stock. */
  readonly version: number;
}

/** The unit counters of a flash sale. `units = unitsLeft + held + sold` at all times. */
export interface SaleUnits {
  /** The sale. */
  readonly saleId: string;
  /** Total units offered. */
  readonly units: number;
  /** Units neither held by a reservation nor sold. */
  readonly unitsLeft: number;
  /** Units held by reservations in status `held`. */
  readonly held: number;
  /** Units sold (reservations converted into orders). */
  readonly sold: number;
  /** Whether the sale takes no more reservations (ended by the host, by time, or sold out). */
  readonly closed: boolean;
  /** Increases with every change of this sale's counters. */
  readonly version: number;
}

/** The deposit counter of a presale. */
export interface PresaleUnits {
  /** The presale. */
  readonly presaleId: string;
  /** Units with a deposit paid (orders in status `deposit-paid` or `paid`); refunds subtract. */
  readonly depositsTaken: number;
  /** Whether the presale takes no more deposits. */
  readonly closed: boolean;
  /** Increases with every change of this presale's counters. */
  readonly version: number;
}

// ---------------------------------------------------------------------------------------------
// Terms the engine registers
// ---------------------------------------------------------------------------------------------

/** What the store must know about a flash sale to enforce it. */
export interface SaleTerms {
  /** Id of the sale. */
  readonly id: string;
  /** Product on sale. */
  readonly productId: string;
  /** Variant on sale; a purchase decrements its stock. */
  readonly variantId: string;
  /** Total units offered. */
  readonly units: number;
  /** Most units one buyer may hold or buy in the sale (held + bought). */
  readonly limitPerBuyer: number;
  /** Reservations are refused before this time (`not-started`). */
  readonly startsAt: number;
  /** Reservations are refused at or after this time (`ended`). */
  readonly endsAt: number;
}

/** What the store must know about a presale to enforce it. */
export interface PresaleTerms {
  /** Id of the presale. */
  readonly id: string;
  /** Most units with a deposit in total, if limited. */
  readonly units?: number | undefined;
  /** Most units one buyer may put a deposit on. */
  readonly limitPerBuyer: number;
  /** Deposits are refused at or after this time. */
  readonly endsAt: number;
}

// ---------------------------------------------------------------------------------------------
// Stored records
// ---------------------------------------------------------------------------------------------

/** A reservation and the buyer it belongs to. */
export interface StoredReservation {
  /** The reservation as the protocol shows it. */
  readonly reservation: Reservation;
  /** Viewer id of the buyer. */
  readonly buyerId: string;
}

/** An order and the buyer it belongs to. */
export interface StoredOrder {
  /** The order as the protocol shows it. */
  readonly order: Order;
  /** Viewer id of the buyer. */
  readonly buyerId: string;
}

/** A viewer's cart as stored. */
export interface StoredCart {
  /** Lines in the order they were added. */
  readonly lines: readonly CartLine[];
  /** When the cart last changed. */
  readonly updatedAt: number;
  /** Increases with every change of the cart; a checkout of the cart names the version it bought. */
  readonly version: number;
}

/** A show's public state as an engine saved it, so a restarted backend can resume the show. */
export interface SavedShow {
  /** The state (the show, products, pinned product, sales, presales, polls, chat…). */
  readonly state: ShowState;
  /** When it was saved (the engine's clock, ms since the Unix epoch). */
  readonly savedAt: number;
  /** Viewer ids who voted, per open poll (a viewer votes once per poll, restart or not). */
  readonly voters?: Readonly<Record<string, readonly string[]>> | undefined;
}

// ---------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------

/** Result of {@link CommerceStore.reserve}. */
export type ReserveResult =
  | { readonly ok: true; readonly reservation: Reservation; readonly sale: SaleUnits }
  | { readonly ok: false; readonly reason: 'not-found' }
  | { readonly ok: false; readonly reason: 'not-started'; readonly startsAt: number }
  | { readonly ok: false; readonly reason: 'ended' }
  | { readonly ok: false; readonly reason: 'sold-out'; readonly unitsLeft: number }
  | { readonly ok: false; readonly reason: 'limit-exceeded'; readonly limit: number; readonly has: number };

/**
 * Result of {@link CommerceStore.releaseReservation}. `not-held` returns the reservation as it is
 * (released before, expired, or converted); when the release found it past its `expiresAt` and
 * expired it, `sale` carries the counters with its units returned.
 */
export type ReleaseResult =
  | { readonly ok: true; readonly reservation: Reservation; readonly sale: SaleUnits }
  | { readonly ok: false; readonly reason: 'not-found' }
  | { readonly ok: false; readonly reason: 'not-held'; readonly reservation: Reservation; readonly sale?: SaleUnits | undefined };

/** One reservation expired by {@link CommerceStore.expireReservations}, with its sale's counters after. */
export interface ExpiredReservation {
  /** The reservation, now in status `expired`. */
  readonly reservation: Reservation;
  /** Counters of its sale with the units returned. */
  readonly sale: SaleUnits;
}

/**
 * Result of {@link CommerceStore.purchaseReservation}. `expired` means the reservation was past
 * its `expiresAt`: the store expired it in the same operation (its units returned, `sale`).
 */
export type PurchaseReservationResult =
  | {
      readonly ok: true;
      readonly order: Order;
      readonly reservation: Reservation;
      readonly sale: SaleUnits;
      /** Stock of the sale's variant after the purchase; undefined when the store has no stock row for it. */
      readonly stock: StockLevel | undefined;
    }
  | { readonly ok: false; readonly reason: 'not-found' }
  | { readonly ok: false; readonly reason: 'expired'; readonly reservation: Reservation; readonly sale?: SaleUnits | undefined }
  | { readonly ok: false; readonly reason: 'not-held'; readonly reservation: Reservation };

/** Result of {@link CommerceStore.purchase}. */
export type PurchaseResult =
  | {
      readonly ok: true;
      readonly order: Order;
      /** Stock rows of the order's tracked variants after the decrement. */
      readonly stock: readonly StockLevel[];
    }
  | {
      readonly ok: false;
      readonly reason: 'out-of-stock';
      readonly productId: string;
      readonly variantId: string;
      /** Units in stock (fewer than the order's quantity of the variant). */
      readonly stock: number;
    }
  | { readonly ok: false; readonly reason: 'cart-changed' };

/** Result of {@link CommerceStore.addCartLine}. */
export type AddCartLineResult =
  | { readonly ok: true; readonly cart: StoredCart }
  | { readonly ok: false; readonly reason: 'too-many-units'; readonly lineId: string; readonly quantity: number }
  | { readonly ok: false; readonly reason: 'too-many-lines' };

/** Result of {@link CommerceStore.deposit}. */
export type DepositResult =
  | { readonly ok: true; readonly order: Order; readonly presale: PresaleUnits }
  | { readonly ok: false; readonly reason: 'not-found' }
  | { readonly ok: false; readonly reason: 'closed' }
  | { readonly ok: false; readonly reason: 'sold-out'; readonly left: number }
  | { readonly ok: false; readonly reason: 'limit-exceeded'; readonly limit: number; readonly has: number };

/**
 * Result of an order transition ({@link CommerceStore.payBalance}, {@link CommerceStore.refundDeposit}).
 * `conflict` returns the order as it is: its status was no longer `deposit-paid`.
 */
export type OrderTransitionResult =
  | { readonly ok: true; readonly order: Order; readonly presale?: PresaleUnits | undefined }
  | { readonly ok: false; readonly reason: 'not-found' }
  | { readonly ok: false; readonly reason: 'conflict'; readonly order: Order };

/** Who an idempotency key belongs to: keys are scoped per show and viewer. */
export interface IdempotencyScope {
  /** The show. */
  readonly showId: string;
  /** The viewer who sent the key. */
  readonly viewerId: string;
  /** The `Idempotency-Key`. */
  readonly key: string;
}

/**
 * The stored outcome of an idempotent operation, replayed for a repeated request: the value it
 * returned (JSON) or the problem it failed with. Failures of the server (5xx) are never stored.
 */
export type IdempotencyOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: Problem };

/**
 * Result of {@link CommerceStore.beginIdempotent}.
 *
 * - `new`: the key was free and is now recorded as in flight with this fingerprint: run the operation.
 * - `in-flight`: an earlier request with this key and fingerprint is still running.
 * - `done`: an earlier request with this key and fingerprint finished: replay `outcome`.
 * - `mismatch`: the key was used for a different request (another fingerprint).
 */
export type IdempotencyBegin =
  | { readonly state: 'new' }
  | { readonly state: 'in-flight' }
  | { readonly state: 'done'; readonly outcome: IdempotencyOutcome }
  | { readonly state: 'mismatch' };

// ---------------------------------------------------------------------------------------------
// The interface
// ---------------------------------------------------------------------------------------------

/**
 * Storage of everything that must be atomic and durable: flash-sale units and reservations,
 * per-buyer counts, variant stock, orders, carts, presale deposits and idempotency records.
 * Every method is one atomic operation (see the module notes above for the full contract).
 * {@link MemoryStore} is the reference implementation.
 */
export interface CommerceStore {
  // --- Stock ----------------------------------------------------------------------------------

  /**
   * Sets the stock of a variant (`null`: untracked), creating its row. The engine calls it for
   * every variant of a show's initial products, of `product.upsert` and for `stock.set`.
   */
  setStock(showId: string, productId: string, variantId: string, stock: number | null): Promise<StockLevel>;

  /** The stock of a variant, or undefined when the store has no row for it (a read; changes nothing). */
  getStock(showId: string, productId: string, variantId: string): Promise<StockLevel | undefined>;

  // --- Flash sales ----------------------------------------------------------------------------

  /**
   * Registers a sale or replaces its terms. Replacing is only done before the sale starts, when no
   * reservation exists, so the counters restart at `unitsLeft = units`. Returns the counters.
   */
  putSale(showId: string, terms: SaleTerms): Promise<SaleUnits>;

  /**
   * Closes a sale: later reservations fail with `ended`. Held reservations stay held (and can
   * still be bought). Returns the counters, or undefined for an unknown sale.
   */
  closeSale(showId: string, saleId: string): Promise<SaleUnits | undefined>;

  /** The counters of a sale, or undefined for an unknown sale (a read; changes nothing). */
  getSale(showId: string, saleId: string): Promise<SaleUnits | undefined>;

  /**
   * Holds units for a buyer, atomically checking, in this order: the sale exists (`not-found`),
   * `now >= startsAt` (`not-started`), not closed and `now < endsAt` (`ended`),
   * `unitsLeft >= quantity` (`sold-out`), and the buyer's held + bought units in the sale +
   * quantity `<= limitPerBuyer` (`limit-exceeded`). On success stores `reservation` (status
   * `held`, with the id, price and expiry the engine chose) and moves `quantity` units from
   * `unitsLeft` to `held`.
   */
  reserve(
    showId: string,
    request: { readonly reservation: Reservation; readonly buyerId: string; readonly now: number },
  ): Promise<ReserveResult>;

  /** A reservation and its buyer, or undefined. */
  getReservation(showId: string, reservationId: string): Promise<StoredReservation | undefined>;

  /**
   * Gives a buyer's held reservation back: status `released`, units from `held` to `unitsLeft`.
   * Another buyer's reservation is `not-found`. A held reservation at or past its `expiresAt` is
   * expired instead (`not-held` with the sale counters).
   */
  releaseReservation(
    showId: string,
    request: { readonly reservationId: string; readonly buyerId: string; readonly now: number },
  ): Promise<ReleaseResult>;

  /**
   * Expires every held reservation of the show with `expiresAt <= now`: status `expired`, units
   * back to `unitsLeft`. Returns them in the order they were expired.
   */
  expireReservations(showId: string, now: number): Promise<readonly ExpiredReservation[]>;

  /**
   * Buys a buyer's held reservation: checks it is the buyer's (`not-found`), held (`not-held`) and
   * not past `expiresAt` (`expired`, expiring it), then in one step sets it `converted`, moves its
   * units from `held` to `sold`, decrements the variant's tracked stock by its quantity (never
   * below 0), and stores `order` for the buyer. Works on a closed sale: the units were held.
   */
  purchaseReservation(
    showId: string,
    request: { readonly reservationId: string; readonly buyerId: string; readonly now: number; readonly order: Order },
  ): Promise<PurchaseReservationResult>;

  // --- Orders ---------------------------------------------------------------------------------

  /**
   * Buys the lines of `order`: for every variant with tracked stock, checks that the stock covers
   * the order's total quantity of that variant; if one does not, nothing changes (`out-of-stock`
   * naming the first such line). Otherwise decrements them all and stores the order. A variant
   * without a stock row is untracked. With `cartVersion`, the buyer's cart must still have that
   * version (else `cart-changed`) and is emptied in the same operation.
   */
  purchase(
    showId: string,
    request: { readonly buyerId: string; readonly order: Order; readonly cartVersion?: number | undefined },
  ): Promise<PurchaseResult>;

  /** An order and its buyer, or undefined. */
  getOrder(showId: string, orderId: string): Promise<StoredOrder | undefined>;

  // --- Carts ----------------------------------------------------------------------------------

  /** A viewer's cart, or undefined when they have none yet. */
  getCart(showId: string, buyerId: string): Promise<StoredCart | undefined>;

  /**
   * Adds `line` to the buyer's cart. If a line of the same product and variant exists, adds the
   * quantity to it instead (keeping its id, title and price), unless that would exceed
   * `maxQuantity` (`too-many-units`); a new line beyond `maxLines` lines is `too-many-lines`.
   */
  addCartLine(
    showId: string,
    buyerId: string,
    request: { readonly line: CartLine; readonly now: number; readonly maxQuantity: number; readonly maxLines: number },
  ): Promise<AddCartLineResult>;

  /**
   * Sets the quantity of a line of the buyer's cart; 0 removes the line. Returns the cart, or
   * undefined when the buyer has no such line.
   */
  updateCartLine(
    showId: string,
    buyerId: string,
    request: { readonly lineId: string; readonly quantity: number; readonly now: number },
  ): Promise<StoredCart | undefined>;

  // --- Presales -------------------------------------------------------------------------------

  /** Registers a presale (or replaces its terms, keeping its deposits). Returns its counter. */
  putPresale(showId: string, terms: PresaleTerms): Promise<PresaleUnits>;

  /** Closes a presale: later deposits fail with `closed`. Undefined for an unknown presale. */
  closePresale(showId: string, presaleId: string): Promise<PresaleUnits | undefined>;

  /** The deposit counter of a presale, or undefined for an unknown presale (a read; changes nothing). */
  getPresale(showId: string, presaleId: string): Promise<PresaleUnits | undefined>;

  /**
   * Takes a deposit, atomically checking: the presale exists (`not-found`), is open and
   * `now < endsAt` (`closed`), `depositsTaken + quantity <= units` when limited (`sold-out` with
   * the units left), and the buyer's units with a deposit (`deposit-paid` or `paid`) + quantity
   * `<= limitPerBuyer` (`limit-exceeded`). Stores `order` and adds `quantity` to `depositsTaken`.
   */
  deposit(
    showId: string,
    request: {
      readonly presaleId: string;
      readonly buyerId: string;
      readonly quantity: number;
      readonly now: number;
      readonly order: Order;
    },
  ): Promise<DepositResult>;

  /**
   * Replaces the buyer's deposit order with `order` (status `paid`) if its stored status is still
   * `deposit-paid` (else `conflict`). The engine checks the balance window before calling.
   */
  payBalance(showId: string, request: { readonly buyerId: string; readonly order: Order }): Promise<OrderTransitionResult>;

  /**
   * Replaces the buyer's deposit order with `order` (status `refunded`) if its stored status is
   * still `deposit-paid` (else `conflict`), and subtracts its units from the presale's
   * `depositsTaken` (returned as `presale`).
   */
  refundDeposit(showId: string, request: { readonly buyerId: string; readonly order: Order }): Promise<OrderTransitionResult>;

  // --- Idempotency ----------------------------------------------------------------------------

  /**
   * Looks up an idempotency key and, if it is free, claims it as in flight for `fingerprint` (a
   * string identifying the request: method, path and body). A different fingerprint is a
   * `mismatch` whatever the record's state. Records are kept at least 24 hours; an in-flight
   * record whose operation never completed (a crashed process) may be treated as free after a lease.
   */
  beginIdempotent(scope: IdempotencyScope, fingerprint: string, now: number): Promise<IdempotencyBegin>;

  /** Stores the outcome of the in-flight operation claimed by {@link CommerceStore.beginIdempotent}. */
  completeIdempotent(scope: IdempotencyScope, fingerprint: string, outcome: IdempotencyOutcome, now: number): Promise<void>;

  /**
   * Frees a key claimed by {@link CommerceStore.beginIdempotent} without storing an outcome (the
   * operation failed with a server error), so that a retry runs the operation again.
   */
  abandonIdempotent(scope: IdempotencyScope, fingerprint: string): Promise<void>;

  // --- Shows ----------------------------------------------------------------------------------

  /**
   * Saves a show's public state, replacing the one saved before. The engine saves after changes,
   * at most about once a second, and when a backend shuts down; what money and scarcity depend on
   * is never taken from it (the counters above are), so a crash loses at most the last second of
   * chat, pins and polls, never an order.
   */
  saveShow(showId: string, saved: SavedShow): Promise<void>;

  /** Every saved show, in the order they were first saved. A restarted backend resumes them. */
  loadShows(): Promise<readonly SavedShow[]>;

  /**
   * Forgets a show's saved state (its show was deleted), so a restart does not bring it back.
   * Orders and other commerce records of the show stay.
   */
  deleteShow(showId: string): Promise<void>;
}
