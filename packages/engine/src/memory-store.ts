/**
 * The in-memory {@link CommerceStore}: the reference implementation of the storage contract, used
 * by the test kit and by default. Each method runs to completion without awaiting anything, which
 * is what makes it atomic in a single JavaScript thread; a database store gets the same guarantee
 * from one transaction per method.
 */
import type { CartLine, Order, Reservation } from '@nightmarket/client';
import type {
  AddCartLineResult,
  CommerceStore,
  DepositResult,
  ExpiredReservation,
  IdempotencyBegin,
  IdempotencyOutcome,
  IdempotencyScope,
  OrderTransitionResult,
  PresaleTerms,
  PresaleUnits,
  PurchaseReservationResult,
  PurchaseResult,
  ReleaseResult,
  ReserveResult,
  SaleTerms,
  SavedShow,
  SaleUnits,
  StockLevel,
  StoredCart,
  StoredOrder,
  StoredReservation,
} from './store.js';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** How long idempotency records are kept, in ms (default 24 hours, the protocol's minimum). */
  idempotencyTtlMs?: number;
  /**
   * How long an in-flight idempotency record blocks its key, in ms (default 60 000). After that
   * the operation is presumed lost and a retry runs it again.
   */
  inFlightLeaseMs?: number;
}

interface StockRow {
  productId: string;
  variantId: string;
  stock: number | null;
  version: number;
}

interface SaleRow {
  terms: SaleTerms;
  unitsLeft: number;
  held: number;
  sold: number;
  closed: boolean;
  version: number;
}

interface PresaleRow {
  terms: PresaleTerms;
  depositsTaken: number;
  closed: boolean;
  version: number;
}

interface CartRow {
  lines: CartLine[];
  updatedAt: number;
  version: number;
}

interface IdempotencyRow {
  fingerprint: string;
  outcome: IdempotencyOutcome | undefined;
  at: number;
}

class ShowTables {
  readonly stock = new Map<string, StockRow>();
  readonly sales = new Map<string, SaleRow>();
  /** Units held or bought per sale and buyer. */
  readonly saleBuyers = new Map<string, number>();
  readonly reservations = new Map<string, StoredReservation>();
  /** Ids of reservations in status held, so expiry does not scan every reservation ever made. */
  readonly held = new Set<string>();
  readonly orders = new Map<string, StoredOrder>();
  readonly carts = new Map<string, CartRow>();
  readonly presales = new Map<string, PresaleRow>();
  /** Units with a deposit per presale and buyer. */
  readonly presaleBuyers = new Map<string, number>();
  readonly idempotency = new Map<string, IdempotencyRow>();
}

const key = (...parts: string[]): string => parts.join('\u0000');
// Values cross the store boundary as copies, as they would through a database.
const copy = <T>(value: T): T => structuredClone(value);

/** A {@link CommerceStore} in memory: fast, atomic, not durable. Share one between shows freely. */
export class MemoryStore implements CommerceStore {
  readonly #shows = new Map<string, ShowTables>();
  readonly #saved = new Map<string, SavedShow>();
  readonly #idempotencyTtlMs: number;
  readonly #inFlightLeaseMs: number;
  #lastPurge = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.#idempotencyTtlMs = options.idempotencyTtlMs ?? 24 * 3_600_000;
    this.#inFlightLeaseMs = options.inFlightLeaseMs ?? 60_000;
  }

  // --- Stock ----------------------------------------------------------------------------------

  /** {@inheritDoc CommerceStore.setStock} */
  async setStock(showId: string, productId: string, variantId: string, stock: number | null): Promise<StockLevel> {
    const t = this.#tables(showId);
    const k = key(productId, variantId);
    const row = t.stock.get(k) ?? { productId, variantId, stock, version: 0 };
    row.stock = stock;
    row.version++;
    t.stock.set(k, row);
    return stockLevel(row);
  }

  /** {@inheritDoc CommerceStore.getStock} */
  async getStock(showId: string, productId: string, variantId: string): Promise<StockLevel | undefined> {
    const row = this.#shows.get(showId)?.stock.get(key(productId, variantId));
    return row && stockLevel(row);
  }

  // --- Flash sales ----------------------------------------------------------------------------

  /** {@inheritDoc CommerceStore.putSale} */
  async putSale(showId: string, terms: SaleTerms): Promise<SaleUnits> {
    const t = this.#tables(showId);
    const previous = t.sales.get(terms.id);
    const row: SaleRow = {
      terms: copy(terms),
      unitsLeft: terms.units - (previous ? previous.held + previous.sold : 0),
      held: previous?.held ?? 0,
      sold: previous?.sold ?? 0,
      closed: false,
      version: (previous?.version ?? 0) + 1,
    };
    row.unitsLeft = Math.max(0, row.unitsLeft);
    t.sales.set(terms.id, row);
    return saleUnits(row);
  }

  /** {@inheritDoc CommerceStore.closeSale} */
  async closeSale(showId: string, saleId: string): Promise<SaleUnits | undefined> {
    const row = this.#tables(showId).sales.get(saleId);
    if (!row) return undefined;
    if (!row.closed) {
      row.closed = true;
      row.version++;
    }
    return saleUnits(row);
  }

  /** {@inheritDoc CommerceStore.getSale} */
  async getSale(showId: string, saleId: string): Promise<SaleUnits | undefined> {
    const row = this.#shows.get(showId)?.sales.get(saleId);
    return row && saleUnits(row);
  }

  /** {@inheritDoc CommerceStore.reserve} */
  async reserve(
    showId: string,
    request: { readonly reservation: Reservation; readonly buyerId: string; readonly now: number },
  ): Promise<ReserveResult> {
    const t = this.#tables(showId);
    const { reservation, buyerId, now } = request;
    const sale = t.sales.get(reservation.saleId);
    if (!sale) return { ok: false, reason: 'not-found' };
    if (now < sale.terms.startsAt) return { ok: false, reason: 'not-started', startsAt: sale.terms.startsAt };
    if (sale.closed || now >= sale.terms.endsAt) return { ok: false, reason: 'ended' };
    const quantity = reservation.quantity;
    if (sale.unitsLeft < quantity) return { ok: false, reason: 'sold-out', unitsLeft: sale.unitsLeft };
    const buyerKey = key(reservation.saleId, buyerId);
    const has = t.saleBuyers.get(buyerKey) ?? 0;
    if (has + quantity > sale.terms.limitPerBuyer) {
      return { ok: false, reason: 'limit-exceeded', limit: sale.terms.limitPerBuyer, has };
    }
    sale.unitsLeft -= quantity;
    sale.held += quantity;
    sale.version++;
    t.saleBuyers.set(buyerKey, has + quantity);
    const stored = { reservation: { ...copy(reservation), status: 'held' as const }, buyerId };
    t.reservations.set(reservation.id, stored);
    t.held.add(reservation.id);
    return { ok: true, reservation: copy(stored.reservation), sale: saleUnits(sale) };
  }

  /** {@inheritDoc CommerceStore.getReservation} */
  async getReservation(showId: string, reservationId: string): Promise<StoredReservation | undefined> {
    const stored = this.#tables(showId).reservations.get(reservationId);
    return stored && copy(stored);
  }

  /** {@inheritDoc CommerceStore.releaseReservation} */
  async releaseReservation(
    showId: string,
    request: { readonly reservationId: string; readonly buyerId: string; readonly now: number },
  ): Promise<ReleaseResult> {
    const t = this.#tables(showId);
    const stored = t.reservations.get(request.reservationId);
    if (!stored || stored.buyerId !== request.buyerId) return { ok: false, reason: 'not-found' };
    if (stored.reservation.status !== 'held') return { ok: false, reason: 'not-held', reservation: copy(stored.reservation) };
    if (request.now >= stored.reservation.expiresAt) {
      const sale = this.#unhold(t, stored, 'expired');
      return { ok: false, reason: 'not-held', reservation: copy(stored.reservation), sale };
    }
    const sale = this.#unhold(t, stored, 'released');
    return { ok: true, reservation: copy(stored.reservation), sale };
  }

  /** {@inheritDoc CommerceStore.expireReservations} */
  async expireReservations(showId: string, now: number): Promise<readonly ExpiredReservation[]> {
    const t = this.#tables(showId);
    const expired: ExpiredReservation[] = [];
    for (const id of t.held) {
      const stored = t.reservations.get(id)!;
      if (stored.reservation.expiresAt > now) continue;
      const sale = this.#unhold(t, stored, 'expired');
      expired.push({ reservation: copy(stored.reservation), sale });
    }
    return expired;
  }

  /** {@inheritDoc CommerceStore.purchaseReservation} */
  async purchaseReservation(
    showId: string,
    request: { readonly reservationId: string; readonly buyerId: string; readonly now: number; readonly order: Order },
  ): Promise<PurchaseReservationResult> {
    const t = this.#tables(showId);
    const stored = t.reservations.get(request.reservationId);
    if (!stored || stored.buyerId !== request.buyerId) return { ok: false, reason: 'not-found' };
    const { reservation } = stored;
    if (reservation.status === 'expired') return { ok: false, reason: 'expired', reservation: copy(reservation) };
    if (reservation.status !== 'held') return { ok: false, reason: 'not-held', reservation: copy(reservation) };
    if (request.now >= reservation.expiresAt) {
      const sale = this.#unhold(t, stored, 'expired');
      return { ok: false, reason: 'expired', reservation: copy(reservation), sale };
    }
    const sale = t.sales.get(reservation.saleId)!;
    sale.held -= reservation.quantity;
    sale.sold += reservation.quantity;
    sale.version++;
    reservation.status = 'converted';
    t.held.delete(reservation.id);
    const row = t.stock.get(key(reservation.productId, reservation.variantId));
    if (row && row.stock !== null) {
      row.stock = Math.max(0, row.stock - reservation.quantity);
      row.version++;
    }
    t.orders.set(request.order.id, { order: copy(request.order), buyerId: request.buyerId });
    return {
      ok: true,
      order: copy(request.order),
      reservation: copy(reservation),
      sale: saleUnits(sale),
      stock: row && stockLevel(row),
    };
  }

  // --- Orders ---------------------------------------------------------------------------------

  /** {@inheritDoc CommerceStore.purchase} */
  async purchase(
    showId: string,
    request: { readonly buyerId: string; readonly order: Order; readonly cartVersion?: number | undefined },
  ): Promise<PurchaseResult> {
    const t = this.#tables(showId);
    const cart = t.carts.get(request.buyerId);
    if (request.cartVersion !== undefined && (cart?.version ?? 0) !== request.cartVersion) {
      return { ok: false, reason: 'cart-changed' };
    }
    // Check every line before changing anything: all lines or none.
    const wanted = new Map<string, { row: StockRow; quantity: number }>();
    for (const line of request.order.lines) {
      const row = t.stock.get(key(line.productId, line.variantId));
      if (!row || row.stock === null) continue;
      const entry = wanted.get(key(line.productId, line.variantId)) ?? { row, quantity: 0 };
      entry.quantity += line.quantity;
      wanted.set(key(line.productId, line.variantId), entry);
      if (row.stock < entry.quantity) {
        return { ok: false, reason: 'out-of-stock', productId: line.productId, variantId: line.variantId, stock: row.stock };
      }
    }
    const levels: StockLevel[] = [];
    for (const { row, quantity } of wanted.values()) {
      row.stock = row.stock! - quantity;
      row.version++;
      levels.push(stockLevel(row));
    }
    if (request.cartVersion !== undefined && cart) {
      cart.lines = [];
      cart.updatedAt = request.order.createdAt;
      cart.version++;
    }
    t.orders.set(request.order.id, { order: copy(request.order), buyerId: request.buyerId });
    return { ok: true, order: copy(request.order), stock: levels };
  }

  /** {@inheritDoc CommerceStore.getOrder} */
  async getOrder(showId: string, orderId: string): Promise<StoredOrder | undefined> {
    const stored = this.#tables(showId).orders.get(orderId);
    return stored && copy(stored);
  }

  // --- Carts ----------------------------------------------------------------------------------

  /** {@inheritDoc CommerceStore.getCart} */
  async getCart(showId: string, buyerId: string): Promise<StoredCart | undefined> {
    const cart = this.#tables(showId).carts.get(buyerId);
    return cart && copy(cart);
  }

  /** {@inheritDoc CommerceStore.addCartLine} */
  async addCartLine(
    showId: string,
    buyerId: string,
    request: { readonly line: CartLine; readonly now: number; readonly maxQuantity: number; readonly maxLines: number },
  ): Promise<AddCartLineResult> {
    const t = this.#tables(showId);
    const cart = t.carts.get(buyerId) ?? { lines: [], updatedAt: request.now, version: 0 };
    const { line } = request;
    const existing = cart.lines.find((l) => l.productId === line.productId && l.variantId === line.variantId);
    if (existing) {
      const quantity = existing.quantity + line.quantity;
      if (quantity > request.maxQuantity) return { ok: false, reason: 'too-many-units', lineId: existing.id, quantity };
      existing.quantity = quantity;
    } else {
      if (cart.lines.length >= request.maxLines) return { ok: false, reason: 'too-many-lines' };
      cart.lines.push(copy(line));
    }
    cart.updatedAt = request.now;
    cart.version++;
    t.carts.set(buyerId, cart);
    return { ok: true, cart: copy(cart) };
  }

  /** {@inheritDoc CommerceStore.updateCartLine} */
  async updateCartLine(
    showId: string,
    buyerId: string,
    request: { readonly lineId: string; readonly quantity: number; readonly now: number },
  ): Promise<StoredCart | undefined> {
    const cart = this.#tables(showId).carts.get(buyerId);
    const index = cart?.lines.findIndex((l) => l.id === request.lineId) ?? -1;
    if (!cart || index === -1) return undefined;
    if (request.quantity === 0) cart.lines.splice(index, 1);
    else cart.lines[index]!.quantity = request.quantity;
    cart.updatedAt = request.now;
    cart.version++;
    return copy(cart);
  }

  // --- Presales -------------------------------------------------------------------------------

  /** {@inheritDoc CommerceStore.putPresale} */
  async putPresale(showId: string, terms: PresaleTerms): Promise<PresaleUnits> {
    const t = this.#tables(showId);
    const previous = t.presales.get(terms.id);
    const row: PresaleRow = {
      terms: copy(terms),
      depositsTaken: previous?.depositsTaken ?? 0,
      closed: false,
      version: (previous?.version ?? 0) + 1,
    };
    t.presales.set(terms.id, row);
    return presaleUnits(row);
  }

  /** {@inheritDoc CommerceStore.closePresale} */
  async closePresale(showId: string, presaleId: string): Promise<PresaleUnits | undefined> {
    const row = this.#tables(showId).presales.get(presaleId);
    if (!row) return undefined;
    if (!row.closed) {
      row.closed = true;
      row.version++;
    }
    return presaleUnits(row);
  }
  /** {@inheritDoc CommerceStore.getPresale} */
  async getPresale(showId: string, presaleId: string): Promise<PresaleUnits | undefined> {
    const row = this.#shows.get(showId)?.presales.get(presaleId);
    return row && presaleUnits(row);
  }


  /** {@inheritDoc CommerceStore.deposit} */
  async deposit(
    showId: string,
    request: {
      readonly presaleId: string;
      readonly buyerId: string;
      readonly quantity: number;
      readonly now: number;
      readonly order: Order;
    },
  ): Promise<DepositResult> {
    const t = this.#tables(showId);
    const row = t.presales.get(request.presaleId);
    if (!row) return { ok: false, reason: 'not-found' };
    if (row.closed || request.now >= row.terms.endsAt) return { ok: false, reason: 'closed' };
    const { units, limitPerBuyer } = row.terms;
    if (units !== undefined && row.depositsTaken + request.quantity > units) {
      return { ok: false, reason: 'sold-out', left: Math.max(0, units - row.depositsTaken) };
    }
    const buyerKey = key(request.presaleId, request.buyerId);
    const has = t.presaleBuyers.get(buyerKey) ?? 0;
    if (has + request.quantity > limitPerBuyer) return { ok: false, reason: 'limit-exceeded', limit: limitPerBuyer, has };
    t.presaleBuyers.set(buyerKey, has + request.quantity);
    row.depositsTaken += request.quantity;
    row.version++;
    t.orders.set(request.order.id, { order: copy(request.order), buyerId: request.buyerId });
    return { ok: true, order: copy(request.order), presale: presaleUnits(row) };
  }

  /** {@inheritDoc CommerceStore.payBalance} */
  async payBalance(showId: string, request: { readonly buyerId: string; readonly order: Order }): Promise<OrderTransitionResult> {
    const t = this.#tables(showId);
    const stored = t.orders.get(request.order.id);
    if (!stored || stored.buyerId !== request.buyerId) return { ok: false, reason: 'not-found' };
    if (stored.order.status !== 'deposit-paid') return { ok: false, reason: 'conflict', order: copy(stored.order) };
    t.orders.set(request.order.id, { order: copy(request.order), buyerId: request.buyerId });
    return { ok: true, order: copy(request.order) };
  }

  /** {@inheritDoc CommerceStore.refundDeposit} */
  async refundDeposit(showId: string, request: { readonly buyerId: string; readonly order: Order }): Promise<OrderTransitionResult> {
    const t = this.#tables(showId);
    const stored = t.orders.get(request.order.id);
    if (!stored || stored.buyerId !== request.buyerId) return { ok: false, reason: 'not-found' };
    if (stored.order.status !== 'deposit-paid') return { ok: false, reason: 'conflict', order: copy(stored.order) };
    t.orders.set(request.order.id, { order: copy(request.order), buyerId: request.buyerId });
    const presaleId = stored.order.presale?.presaleId;
    const row = presaleId === undefined ? undefined : t.presales.get(presaleId);
    if (!row || presaleId === undefined) return { ok: true, order: copy(request.order) };
    const units = stored.order.lines.reduce((sum, line) => sum + line.quantity, 0);
    row.depositsTaken = Math.max(0, row.depositsTaken - units);
    row.version++;
    const buyerKey = key(presaleId, request.buyerId);
    t.presaleBuyers.set(buyerKey, Math.max(0, (t.presaleBuyers.get(buyerKey) ?? 0) - units));
    return { ok: true, order: copy(request.order), presale: presaleUnits(row) };
  }

  // --- Idempotency ----------------------------------------------------------------------------

  /** {@inheritDoc CommerceStore.beginIdempotent} */
  async beginIdempotent(scope: IdempotencyScope, fingerprint: string, now: number): Promise<IdempotencyBegin> {
    const t = this.#tables(scope.showId);
    this.#purge(now);
    const k = key(scope.viewerId, scope.key);
    const row = t.idempotency.get(k);
    if (row && row.outcome === undefined && now - row.at >= this.#inFlightLeaseMs) t.idempotency.delete(k);
    else if (row) {
      if (row.fingerprint !== fingerprint) return { state: 'mismatch' };
      return row.outcome === undefined ? { state: 'in-flight' } : { state: 'done', outcome: copy(row.outcome) };
    }
    t.idempotency.set(k, { fingerprint, outcome: undefined, at: now });
    return { state: 'new' };
  }

  /** {@inheritDoc CommerceStore.completeIdempotent} */
  async completeIdempotent(scope: IdempotencyScope, fingerprint: string, outcome: IdempotencyOutcome, now: number): Promise<void> {
    const row = this.#tables(scope.showId).idempotency.get(key(scope.viewerId, scope.key));
    if (!row || row.fingerprint !== fingerprint) return;
    row.outcome = copy(outcome);
    row.at = now;
  }

  /** {@inheritDoc CommerceStore.abandonIdempotent} */
  async abandonIdempotent(scope: IdempotencyScope, fingerprint: string): Promise<void> {
    const t = this.#tables(scope.showId);
    const k = key(scope.viewerId, scope.key);
    const row = t.idempotency.get(k);
    if (row && row.fingerprint === fingerprint && row.outcome === undefined) t.idempotency.delete(k);
  }

  // --- Shows ----------------------------------------------------------------------------------

  /** {@inheritDoc CommerceStore.saveShow} */
  async saveShow(showId: string, saved: SavedShow): Promise<void> {
    this.#saved.set(showId, copy(saved));
  }

  /** {@inheritDoc CommerceStore.loadShows} */
  async loadShows(): Promise<readonly SavedShow[]> {
    return [...this.#saved.values()].map(copy);
  }

  /** {@inheritDoc CommerceStore.deleteShow} */
  async deleteShow(showId: string): Promise<void> {
    this.#saved.delete(showId);
  }

  // --- Internals ------------------------------------------------------------------------------

  #tables(showId: string): ShowTables {
    let tables = this.#shows.get(showId);
    if (!tables) {
      tables = new ShowTables();
      this.#shows.set(showId, tables);
    }
    return tables;
  }

  /** Ends a hold (released or expired): units go back to the sale and to the buyer's allowance. */
  #unhold(t: ShowTables, stored: StoredReservation, status: 'released' | 'expired'): SaleUnits {
    const { reservation } = stored;
    (reservation as { status: Reservation['status'] }).status = status;
    t.held.delete(reservation.id);
    const sale = t.sales.get(reservation.saleId)!;
    sale.held -= reservation.quantity;
    sale.unitsLeft += reservation.quantity;
    sale.version++;
    const buyerKey = key(reservation.saleId, stored.buyerId);
    t.saleBuyers.set(buyerKey, Math.max(0, (t.saleBuyers.get(buyerKey) ?? 0) - reservation.quantity));
    return saleUnits(sale);
  }

  /** Drops finished idempotency records past their retention, at most once a minute. */
  #purge(now: number): void {
    if (now - this.#lastPurge < 60_000) return;
    this.#lastPurge = now;
    for (const tables of this.#shows.values()) {
      for (const [k, row] of tables.idempotency) {
        if (row.outcome !== undefined && now - row.at > this.#idempotencyTtlMs) tables.idempotency.delete(k);
      }
    }
  }
}

function stockLevel(row: StockRow): StockLevel {
  return { productId: row.productId, variantId: row.variantId, stock: row.stock, version: row.version };
}

function saleUnits(row: SaleRow): SaleUnits {
  return {
    saleId: row.terms.id,
    units: row.terms.units,
    unitsLeft: row.unitsLeft,
    held: row.held,
    sold: row.sold,
    closed: row.closed,
    version: row.version,
  };
}

function presaleUnits(row: PresaleRow): PresaleUnits {
  return { presaleId: row.terms.id, depositsTaken: row.depositsTaken, closed: row.closed, version: row.version };
}
