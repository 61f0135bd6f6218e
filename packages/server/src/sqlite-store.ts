/**
 * The SQLite `CommerceStore`: the engine's commerce state (flash-sale units, reservations,
 * stock, orders, carts, presale deposits, idempotency records) in one database file that holds
 * every show, rows keyed by `show_id`.
 *
 * Atomicity: every method is one atomic step, run synchronously (better-sqlite3), so within a
 * process no other call can interleave with it. Reads that check a condition and the writes that
 * depend on it are in the same step, and the counters that must never go wrong are also guarded
 * by conditional `UPDATE`s and by `CHECK` constraints, so a bug in this file fails the step
 * instead of overselling.
 *
 * Durability with group commit: a commit fsyncs (synchronous=FULL), and one fsync per call was
 * most of a flash sale's time. So the calls made during one turn of the event loop share one
 * `BEGIN IMMEDIATE` transaction, committed at `setImmediate`: each call runs in its own savepoint
 * (a call that fails rolls back alone, the others keep their changes), and every call's promise
 * settles only after the COMMIT that made it durable — or rejects if that commit fails. Reads
 * made while a batch is open see its changes, so they too wait for its commit. `IMMEDIATE` takes
 * SQLite's write lock at `BEGIN`, so processes sharing the file serialize too (a waiting writer
 * retries for `busyTimeoutMs`); a batch holds the lock for one turn of the loop at most.
 *
 * Behaviour matches `MemoryStore` (`@nightmarket/engine`), the reference implementation, result for result.
 */
import Database from 'better-sqlite3';
import type { CartLine, Order, Reservation, ShowState } from '@nightmarket/client';
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
  SaleUnits,
  SavedShow,
  StockLevel,
  StoredCart,
  StoredOrder,
  StoredReservation,
} from '@nightmarket/engine';

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /** Path of the database file (created with its schema if missing), or `':memory:'` for a private, non-durable database. */
  readonly path: string;
  /**
   * How long a call waits for another connection's write transaction to finish, in ms (default
   * 5000), before it fails with `SQLITE_BUSY`. The wait blocks the thread: keep it short.
   */
  readonly busyTimeoutMs?: number | undefined;
  /** How long finished idempotency records are kept, in ms (default 24 hours, the protocol's minimum). */
  readonly idempotencyTtlMs?: number | undefined;
  /**
   * How long an in-flight idempotency record blocks its key, in ms (default 60 000). After that
   * the operation is presumed lost (its process crashed) and a retry runs it again.
   */
  readonly inFlightLeaseMs?: number | undefined;
}

/** Version of the schema below, kept in `PRAGMA user_version`. Bump it with a migration step. */
const SCHEMA_VERSION = 2;

/**
 * Version 1 of the schema. Protocol objects the store never queries inside (reservation, order,
 * cart lines, idempotency outcomes) are JSON text; everything a condition or a counter depends on
 * is a real column. STRICT tables refuse values of the wrong type.
 */
const SCHEMA_V1 = `
CREATE TABLE IF NOT EXISTS stock (
  show_id    TEXT NOT NULL,
  product_id TEXT NOT NULL,
  variant_id TEXT NOT NULL,
  stock      INTEGER CHECK (stock IS NULL OR stock >= 0), -- NULL: untracked
  version    INTEGER NOT NULL,
  PRIMARY KEY (show_id, product_id, variant_id)
) STRICT;

CREATE TABLE IF NOT EXISTS sales (
  show_id         TEXT NOT NULL,
  sale_id         TEXT NOT NULL,
  product_id      TEXT NOT NULL,
  variant_id      TEXT NOT NULL,
  units           INTEGER NOT NULL CHECK (units >= 0),
  limit_per_buyer INTEGER NOT NULL,
  starts_at       INTEGER NOT NULL,
  ends_at         INTEGER NOT NULL,
  units_left      INTEGER NOT NULL CHECK (units_left >= 0),
  held            INTEGER NOT NULL CHECK (held >= 0),
  sold            INTEGER NOT NULL CHECK (sold >= 0),
  closed          INTEGER NOT NULL CHECK (closed IN (0, 1)),
  version         INTEGER NOT NULL,
  PRIMARY KEY (show_id, sale_id),
  -- The last line of defence against overselling: a transaction breaking these fails whole.
  CHECK (held + sold <= units),
  CHECK (units_left + held + sold = units)
) STRICT;

-- Units held or bought per sale and buyer (the per-buyer limit counts both).
CREATE TABLE IF NOT EXISTS sale_buyers (
  show_id  TEXT NOT NULL,
  sale_id  TEXT NOT NULL,
  buyer_id TEXT NOT NULL,
  units    INTEGER NOT NULL CHECK (units >= 0),
  PRIMARY KEY (show_id, sale_id, buyer_id),
  FOREIGN KEY (show_id, sale_id) REFERENCES sales (show_id, sale_id)
) STRICT;

-- seq orders reservations as they were made: expiry returns them in that order.
CREATE TABLE IF NOT EXISTS reservations (
  seq            INTEGER PRIMARY KEY,
  show_id        TEXT NOT NULL,
  reservation_id TEXT NOT NULL,
  sale_id        TEXT NOT NULL,
  buyer_id       TEXT NOT NULL,
  quantity       INTEGER NOT NULL CHECK (quantity > 0),
  expires_at     INTEGER NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('held', 'released', 'expired', 'converted')),
  body           TEXT NOT NULL, -- the Reservation as JSON; its status is the column's
  UNIQUE (show_id, reservation_id),
  FOREIGN KEY (show_id, sale_id) REFERENCES sales (show_id, sale_id)
) STRICT;
CREATE INDEX IF NOT EXISTS reservations_held ON reservations (show_id, expires_at) WHERE status = 'held';

CREATE TABLE IF NOT EXISTS orders (
  show_id    TEXT NOT NULL,
  order_id   TEXT NOT NULL,
  buyer_id   TEXT NOT NULL,
  kind       TEXT NOT NULL,
  status     TEXT NOT NULL,
  presale_id TEXT,
  created_at INTEGER NOT NULL,
  body       TEXT NOT NULL, -- the Order as JSON
  PRIMARY KEY (show_id, order_id)
) STRICT;
CREATE INDEX IF NOT EXISTS orders_buyer ON orders (show_id, buyer_id);

CREATE TABLE IF NOT EXISTS carts (
  show_id    TEXT NOT NULL,
  buyer_id   TEXT NOT NULL,
  lines      TEXT NOT NULL, -- CartLine[] as JSON, in the order they were added
  updated_at INTEGER NOT NULL,
  version    INTEGER NOT NULL,
  PRIMARY KEY (show_id, buyer_id)
) STRICT;

CREATE TABLE IF NOT EXISTS presales (
  show_id         TEXT NOT NULL,
  presale_id      TEXT NOT NULL,
  units           INTEGER CHECK (units IS NULL OR units >= 0), -- NULL: unlimited
  limit_per_buyer INTEGER NOT NULL,
  ends_at         INTEGER NOT NULL,
  deposits_taken  INTEGER NOT NULL CHECK (deposits_taken >= 0),
  closed          INTEGER NOT NULL CHECK (closed IN (0, 1)),
  version         INTEGER NOT NULL,
  PRIMARY KEY (show_id, presale_id)
) STRICT;

-- Units with a deposit per presale and buyer.
CREATE TABLE IF NOT EXISTS presale_buyers (
  show_id    TEXT NOT NULL,
  presale_id TEXT NOT NULL,
  buyer_id   TEXT NOT NULL,
  units      INTEGER NOT NULL CHECK (units >= 0),
  PRIMARY KEY (show_id, presale_id, buyer_id),
  FOREIGN KEY (show_id, presale_id) REFERENCES presales (show_id, presale_id)
) STRICT;

CREATE TABLE IF NOT EXISTS idempotency (
  show_id     TEXT NOT NULL,
  viewer_id   TEXT NOT NULL,
  key         TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  outcome     TEXT, -- IdempotencyOutcome as JSON; NULL while in flight
  at          INTEGER NOT NULL, -- when claimed, or when completed
  PRIMARY KEY (show_id, viewer_id, key)
) STRICT;
CREATE INDEX IF NOT EXISTS idempotency_done ON idempotency (at) WHERE outcome IS NOT NULL;
`;

/** Version 2 adds the saved public state of each show, so a restarted server resumes its shows. */
const SCHEMA_V2 = `
CREATE TABLE IF NOT EXISTS shows (
  show_id  TEXT PRIMARY KEY,
  state    TEXT NOT NULL, -- the engine's ShowState as JSON
  voters   TEXT,          -- viewer ids per open poll as JSON
  saved_at INTEGER NOT NULL
) STRICT;
`;

interface StockRow {
  product_id: string;
  variant_id: string;
  stock: number | null;
  version: number;
}

interface SaleRow {
  sale_id: string;
  product_id: string;
  variant_id: string;
  units: number;
  limit_per_buyer: number;
  starts_at: number;
  ends_at: number;
  units_left: number;
  held: number;
  sold: number;
  closed: number;
  version: number;
}

interface ReservationRow {
  reservation_id: string;
  sale_id: string;
  buyer_id: string;
  quantity: number;
  expires_at: number;
  status: Reservation['status'];
  body: string;
}

interface OrderRow {
  buyer_id: string;
  status: string;
  body: string;
}

interface CartRow {
  lines: string;
  updated_at: number;
  version: number;
}

interface PresaleRow {
  presale_id: string;
  units: number | null;
  limit_per_buyer: number;
  ends_at: number;
  deposits_taken: number;
  closed: number;
  version: number;
}

interface IdempotencyRow {
  fingerprint: string;
  outcome: string | null;
  at: number;
}

type Statement = Database.Statement<unknown[], unknown>;

/** A call in the open batch: how to settle it once the batch commits, or fails. */
interface BatchEntry {
  done(): void;
  failed(error: unknown): void;
}

/**
 * A `CommerceStore` in a SQLite file: atomic and durable, shared by every show of a server
 * and safe to share between processes on one machine (the calls of one turn of the event loop
 * are one `BEGIN IMMEDIATE` transaction, each call in its own savepoint, and settle after its
 * commit). Open it once per process and {@link SqliteStore.close} it on shutdown.
 *
 * @example
 * ```ts
 * const store = new SqliteStore({ path: 'nightmarket.db' });
 * const engine = new ShowEngine(init, { store });
 * ```
 */
export class SqliteStore implements CommerceStore {
  readonly #db: Database.Database;
  readonly #idempotencyTtlMs: number;
  readonly #inFlightLeaseMs: number;
  readonly #statements = new Map<string, Statement>();
  #lastPurge = 0;
  /** The calls in the open transaction, settled in order once it commits; undefined when none is open. */
  #batch: BatchEntry[] | undefined;

  /**
   * Opens (creating if needed) the database file and brings its schema up to date.
   *
   * @param options - the file, and how long to wait for other processes' writes
   * @throws Error if the file cannot be opened, or was written by a newer schema version
   */
  constructor(options: SqliteStoreOptions) {
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) throw new RangeError('busyTimeoutMs must be a non-negative integer');
    this.#idempotencyTtlMs = options.idempotencyTtlMs ?? 24 * 3_600_000;
    this.#inFlightLeaseMs = options.inFlightLeaseMs ?? 60_000;
    this.#db = new Database(options.path, { timeout: busyTimeoutMs });
    try {
      this.#db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      // WAL: readers never block the writer, and a commit is one append to the log.
      this.#db.pragma('journal_mode = WAL');
      // FULL, not WAL's usual NORMAL: NORMAL survives a killed process but may lose the last
      // commits on power loss or an OS crash, because the log is only fsynced at checkpoints.
      // A buyer told "confirmed" must still have the order after either, so every commit fsyncs.
      this.#db.pragma('synchronous = FULL');
      this.#db.pragma('foreign_keys = ON');
      this.#migrate();
    } catch (error) {
      this.#db.close();
      throw error;
    }
  }

  /** Whether the database is open (false after {@link SqliteStore.close}). */
  get open(): boolean {
    return this.#db.open;
  }

  /**
   * Commits the calls still waiting for their batch, then closes the database. Calls made
   * afterwards reject. Calling it twice is harmless.
   */
  close(): void {
    this.#commit();
    if (this.#db.open) this.#db.close();
  }

  /**
   * Ids of the shows that have any commerce state in this file (stock, sales, orders, carts…).
   * Not part of `CommerceStore`: for operators and tests.
   */
  showIds(): string[] {
    this.#commit();
    const rows = this.#db
      .prepare(
        `SELECT show_id FROM stock UNION SELECT show_id FROM sales UNION SELECT show_id FROM orders
         UNION SELECT show_id FROM reservations UNION SELECT show_id FROM presales ORDER BY 1`,
      )
      .all() as { show_id: string }[];
    return rows.map((r) => r.show_id);
  }

  /** The counters of a sale, or undefined. See `CommerceStore.getSale`. */
  async getSale(showId: string, saleId: string): Promise<SaleUnits | undefined> {
    return this.#read(() => {
      const row = this.#sale(showId, saleId);
      return row && saleUnits(row);
    });
  }

  /** The stock of a variant, or undefined when the store has no row for it. See `CommerceStore.getStock`. */
  async getStock(showId: string, productId: string, variantId: string): Promise<StockLevel | undefined> {
    return this.#read(() => {
      const row = this.#stock(showId, productId, variantId);
      return row && stockLevel(row);
    });
  }

  /** The deposit counter of a presale, or undefined. See `CommerceStore.getPresale`. */
  async getPresale(showId: string, presaleId: string): Promise<PresaleUnits | undefined> {
    return this.#read(() => {
      const row = this.#presale(showId, presaleId);
      return row && presaleUnits(row);
    });
  }

  // --- Stock ----------------------------------------------------------------------------------

  /**
   * Sets the stock of a variant (`null`: untracked), creating its row; one upsert bumping `version`. See
   * `CommerceStore.setStock`.
   */
  async setStock(showId: string, productId: string, variantId: string, stock: number | null): Promise<StockLevel> {
    return this.#write(() => {
      // One statement: atomic by itself.
      const row = this.#get<StockRow>(
        `INSERT INTO stock (show_id, product_id, variant_id, stock, version) VALUES (?, ?, ?, ?, 1)
         ON CONFLICT (show_id, product_id, variant_id) DO UPDATE SET stock = excluded.stock, version = version + 1
         RETURNING product_id, variant_id, stock, version`,
        showId,
        productId,
        variantId,
        stock,
      );
      return stockLevel(row!);
    });
  }

  // --- Flash sales ----------------------------------------------------------------------------

  /**
   * Registers a sale or replaces its terms (reopening it); the counters restart at
   * `unitsLeft = units - held - sold`. See `CommerceStore.putSale`.
   *
   * @throws RangeError if the new `units` are fewer than the units already held and sold (the
   * contract only replaces terms before any reservation; the counters could not add up).
   */
  async putSale(showId: string, terms: SaleTerms): Promise<SaleUnits> {
    return this.#write(() => {
      const previous = this.#sale(showId, terms.id);
      const held = previous?.held ?? 0;
      const sold = previous?.sold ?? 0;
      if (terms.units < held + sold) {
        throw new RangeError(`sale "${terms.id}" already has ${held + sold} units held or sold; it cannot offer ${terms.units}`);
      }
      const row = this.#get<SaleRow>(
        `INSERT INTO sales (show_id, sale_id, product_id, variant_id, units, limit_per_buyer, starts_at, ends_at,
                            units_left, held, sold, closed, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 1)
         ON CONFLICT (show_id, sale_id) DO UPDATE SET
           product_id = excluded.product_id, variant_id = excluded.variant_id, units = excluded.units,
           limit_per_buyer = excluded.limit_per_buyer, starts_at = excluded.starts_at, ends_at = excluded.ends_at,
           units_left = excluded.units - held - sold, closed = 0, version = version + 1
         RETURNING *`,
        showId,
        terms.id,
        terms.productId,
        terms.variantId,
        terms.units,
        terms.limitPerBuyer,
        terms.startsAt,
        terms.endsAt,
        terms.units,
        0,
        0,
      );
      return saleUnits(row!);
    });
  }

  /** Closes a sale (later reservations are `ended`); undefined for an unknown sale. See `CommerceStore.closeSale`. */
  async closeSale(showId: string, saleId: string): Promise<SaleUnits | undefined> {
    return this.#write(() => {
      this.#run('UPDATE sales SET closed = 1, version = version + 1 WHERE show_id = ? AND sale_id = ? AND closed = 0', showId, saleId);
      const row = this.#sale(showId, saleId);
      return row && saleUnits(row);
    });
  }

  /**
   * Holds units for a buyer if the sale is open, has the units and the buyer is within the limit;
   * refusals are results, in the order `CommerceStore.reserve` lists them. See `CommerceStore.reserve`.
   */
  async reserve(
    showId: string,
    request: { readonly reservation: Reservation; readonly buyerId: string; readonly now: number },
  ): Promise<ReserveResult> {
    const { reservation, buyerId, now } = request;
    return this.#write((): ReserveResult => {
      const sale = this.#sale(showId, reservation.saleId);
      if (!sale) return { ok: false, reason: 'not-found' };
      if (now < sale.starts_at) return { ok: false, reason: 'not-started', startsAt: sale.starts_at };
      if (sale.closed === 1 || now >= sale.ends_at) return { ok: false, reason: 'ended' };
      const quantity = reservation.quantity;
      if (sale.units_left < quantity) return { ok: false, reason: 'sold-out', unitsLeft: sale.units_left };
      const has =
        this.#get<{ units: number }>(
          'SELECT units FROM sale_buyers WHERE show_id = ? AND sale_id = ? AND buyer_id = ?',
          showId,
          sale.sale_id,
          buyerId,
        )?.units ?? 0;
      if (has + quantity > sale.limit_per_buyer) {
        return { ok: false, reason: 'limit-exceeded', limit: sale.limit_per_buyer, has };
      }
      // Conditional even though the row was just read: the guard holds whatever runs before it.
      const after = this.#get<SaleRow>(
        `UPDATE sales SET units_left = units_left - ?, held = held + ?, version = version + 1
         WHERE show_id = ? AND sale_id = ? AND units_left >= ? RETURNING *`,
        quantity,
        quantity,
        showId,
        sale.sale_id,
        quantity,
      );
      if (!after) throw new Error(`sale "${sale.sale_id}" changed inside its own transaction`);
      this.#run(
        `INSERT INTO sale_buyers (show_id, sale_id, buyer_id, units) VALUES (?, ?, ?, ?)
         ON CONFLICT (show_id, sale_id, buyer_id) DO UPDATE SET units = units + excluded.units`,
        showId,
        sale.sale_id,
        buyerId,
        quantity,
      );
      const held: Reservation = { ...reservation, status: 'held' };
      this.#run(
        `INSERT INTO reservations (show_id, reservation_id, sale_id, buyer_id, quantity, expires_at, status, body)
         VALUES (?, ?, ?, ?, ?, ?, 'held', ?)`,
        showId,
        held.id,
        held.saleId,
        buyerId,
        quantity,
        held.expiresAt,
        JSON.stringify(held),
      );
      return { ok: true, reservation: fromJson(held), sale: saleUnits(after) };
    });
  }

  /** A reservation and its buyer, or undefined. See `CommerceStore.getReservation`. */
  async getReservation(showId: string, reservationId: string): Promise<StoredReservation | undefined> {
    return this.#read(() => {
      const row = this.#reservation(showId, reservationId);
      return row && { reservation: reservationOf(row), buyerId: row.buyer_id };
    });
  }

  /**
   * Gives a buyer's held reservation back to the sale; one past its expiry is expired instead
   * (`not-held` with the counters). See `CommerceStore.releaseReservation`.
   */
  async releaseReservation(
    showId: string,
    request: { readonly reservationId: string; readonly buyerId: string; readonly now: number },
  ): Promise<ReleaseResult> {
    return this.#write((): ReleaseResult => {
      const row = this.#reservation(showId, request.reservationId);
      if (!row || row.buyer_id !== request.buyerId) return { ok: false, reason: 'not-found' };
      if (row.status !== 'held') return { ok: false, reason: 'not-held', reservation: reservationOf(row) };
      if (request.now >= row.expires_at) {
        const sale = this.#unhold(showId, row, 'expired');
        return { ok: false, reason: 'not-held', reservation: reservationOf(row), sale };
      }
      const sale = this.#unhold(showId, row, 'released');
      return { ok: true, reservation: reservationOf(row), sale };
    });
  }

  /**
   * Expires every held reservation of the show with `expiresAt <= now`, in the order they were made,
   * returning each with its counters after. See `CommerceStore.expireReservations`.
   */
  async expireReservations(showId: string, now: number): Promise<readonly ExpiredReservation[]> {
    return this.#write(() => {
      const rows = this.#all<ReservationRow>(
        `SELECT reservation_id, sale_id, buyer_id, quantity, expires_at, status, body FROM reservations
         WHERE show_id = ? AND status = 'held' AND expires_at <= ? ORDER BY seq`,
        showId,
        now,
      );
      return rows.map((row) => {
        const sale = this.#unhold(showId, row, 'expired');
        return { reservation: reservationOf(row), sale };
      });
    });
  }

  /**
   * Buys a buyer's held reservation: converts it, moves its units from held to sold, decrements tracked
   * stock and stores the order, in one transaction. See `CommerceStore.purchaseReservation`.
   */
  async purchaseReservation(
    showId: string,
    request: { readonly reservationId: string; readonly buyerId: string; readonly now: number; readonly order: Order },
  ): Promise<PurchaseReservationResult> {
    return this.#write((): PurchaseReservationResult => {
      const row = this.#reservation(showId, request.reservationId);
      if (!row || row.buyer_id !== request.buyerId) return { ok: false, reason: 'not-found' };
      if (row.status === 'expired') return { ok: false, reason: 'expired', reservation: reservationOf(row) };
      if (row.status !== 'held') return { ok: false, reason: 'not-held', reservation: reservationOf(row) };
      if (request.now >= row.expires_at) {
        const sale = this.#unhold(showId, row, 'expired');
        return { ok: false, reason: 'expired', reservation: reservationOf(row), sale };
      }
      this.#setStatus(showId, row, 'converted');
      const sale = this.#get<SaleRow>(
        `UPDATE sales SET held = held - ?, sold = sold + ?, version = version + 1
         WHERE show_id = ? AND sale_id = ? AND held >= ? RETURNING *`,
        row.quantity,
        row.quantity,
        showId,
        row.sale_id,
        row.quantity,
      );
      if (!sale) throw new Error(`sale "${row.sale_id}" does not hold the units of reservation "${row.reservation_id}"`);
      const reservation = reservationOf(row);
      let stock = this.#stock(showId, reservation.productId, reservation.variantId);
      if (stock && stock.stock !== null) {
        stock = this.#get<StockRow>(
          `UPDATE stock SET stock = MAX(0, stock - ?), version = version + 1
           WHERE show_id = ? AND product_id = ? AND variant_id = ? RETURNING product_id, variant_id, stock, version`,
          row.quantity,
          showId,
          reservation.productId,
          reservation.variantId,
        );
      }
      this.#putOrder(showId, request.buyerId, request.order);
      return {
        ok: true,
        order: fromJson(request.order),
        reservation,
        sale: saleUnits(sale),
        stock: stock && stockLevel(stock),
      };
    });
  }

  // --- Orders ---------------------------------------------------------------------------------

  /**
   * Buys the lines of an order, all or nothing against tracked stock; with `cartVersion`, only if the
   * cart is unchanged, emptying it. See `CommerceStore.purchase`.
   */
  async purchase(
    showId: string,
    request: { readonly buyerId: string; readonly order: Order; readonly cartVersion?: number | undefined },
  ): Promise<PurchaseResult> {
    return this.#write((): PurchaseResult => {
      const cart = this.#cart(showId, request.buyerId);
      if (request.cartVersion !== undefined && (cart?.version ?? 0) !== request.cartVersion) {
        return { ok: false, reason: 'cart-changed' };
      }
      // Check every line before changing anything: all lines or none.
      const wanted = new Map<string, { row: StockRow; quantity: number }>();
      for (const line of request.order.lines) {
        const k = JSON.stringify([line.productId, line.variantId]);
        const row = wanted.get(k)?.row ?? this.#stock(showId, line.productId, line.variantId);
        if (!row || row.stock === null) continue;
        const entry = wanted.get(k) ?? { row, quantity: 0 };
        entry.quantity += line.quantity;
        wanted.set(k, entry);
        if (row.stock < entry.quantity) {
          return { ok: false, reason: 'out-of-stock', productId: line.productId, variantId: line.variantId, stock: row.stock };
        }
      }
      const levels: StockLevel[] = [];
      for (const { row, quantity } of wanted.values()) {
        const after = this.#get<StockRow>(
          `UPDATE stock SET stock = stock - ?, version = version + 1
           WHERE show_id = ? AND product_id = ? AND variant_id = ? AND stock >= ?
           RETURNING product_id, variant_id, stock, version`,
          quantity,
          showId,
          row.product_id,
          row.variant_id,
          quantity,
        );
        if (!after) throw new Error(`stock of "${row.product_id}/${row.variant_id}" changed inside its own transaction`);
        levels.push(stockLevel(after));
      }
      if (request.cartVersion !== undefined && cart) {
        this.#run(
          `UPDATE carts SET lines = '[]', updated_at = ?, version = version + 1 WHERE show_id = ? AND buyer_id = ?`,
          request.order.createdAt,
          showId,
          request.buyerId,
        );
      }
      this.#putOrder(showId, request.buyerId, request.order);
      return { ok: true, order: fromJson(request.order), stock: levels };
    });
  }

  /** An order and its buyer, or undefined. See `CommerceStore.getOrder`. */
  async getOrder(showId: string, orderId: string): Promise<StoredOrder | undefined> {
    return this.#read(() => {
      const row = this.#order(showId, orderId);
      return row && { order: JSON.parse(row.body) as Order, buyerId: row.buyer_id };
    });
  }

  // --- Carts ----------------------------------------------------------------------------------

  /** A viewer's cart, or undefined when they have none yet. See `CommerceStore.getCart`. */
  async getCart(showId: string, buyerId: string): Promise<StoredCart | undefined> {
    return this.#read(() => {
      const row = this.#cart(showId, buyerId);
      return row && storedCart(row);
    });
  }

  /**
   * Adds a line to the buyer's cart, merging it into a line of the same variant, within `maxQuantity`
   * and `maxLines`. See `CommerceStore.addCartLine`.
   */
  async addCartLine(
    showId: string,
    buyerId: string,
    request: { readonly line: CartLine; readonly now: number; readonly maxQuantity: number; readonly maxLines: number },
  ): Promise<AddCartLineResult> {
    return this.#write((): AddCartLineResult => {
      const row = this.#cart(showId, buyerId);
      const lines = row ? (JSON.parse(row.lines) as CartLine[]) : [];
      const { line } = request;
      const existing = lines.find((l) => l.productId === line.productId && l.variantId === line.variantId);
      if (existing) {
        const quantity = existing.quantity + line.quantity;
        if (quantity > request.maxQuantity) return { ok: false, reason: 'too-many-units', lineId: existing.id, quantity };
        existing.quantity = quantity;
      } else {
        if (lines.length >= request.maxLines) return { ok: false, reason: 'too-many-lines' };
        lines.push(line);
      }
      return { ok: true, cart: storedCart(this.#putCart(showId, buyerId, lines, request.now)) };
    });
  }

  /**
   * Sets the quantity of a line of the buyer's cart (0 removes it); undefined when there is no such
   * line. See `CommerceStore.updateCartLine`.
   */
  async updateCartLine(
    showId: string,
    buyerId: string,
    request: { readonly lineId: string; readonly quantity: number; readonly now: number },
  ): Promise<StoredCart | undefined> {
    return this.#write(() => {
      const row = this.#cart(showId, buyerId);
      if (!row) return undefined;
      const lines = JSON.parse(row.lines) as CartLine[];
      const index = lines.findIndex((l) => l.id === request.lineId);
      if (index === -1) return undefined;
      if (request.quantity === 0) lines.splice(index, 1);
      else lines[index]!.quantity = request.quantity;
      return storedCart(this.#putCart(showId, buyerId, lines, request.now));
    });
  }

  // --- Presales -------------------------------------------------------------------------------

  /** Registers a presale or replaces its terms, keeping its deposits and reopening it. See `CommerceStore.putPresale`. */
  async putPresale(showId: string, terms: PresaleTerms): Promise<PresaleUnits> {
    return this.#write(() => {
      // One statement: atomic by itself. Replacing terms keeps the deposits and reopens the presale.
      const row = this.#get<PresaleRow>(
        `INSERT INTO presales (show_id, presale_id, units, limit_per_buyer, ends_at, deposits_taken, closed, version)
         VALUES (?, ?, ?, ?, ?, 0, 0, 1)
         ON CONFLICT (show_id, presale_id) DO UPDATE SET
           units = excluded.units, limit_per_buyer = excluded.limit_per_buyer, ends_at = excluded.ends_at,
           closed = 0, version = version + 1
         RETURNING *`,
        showId,
        terms.id,
        terms.units ?? null,
        terms.limitPerBuyer,
        terms.endsAt,
      );
      return presaleUnits(row!);
    });
  }

  /** Closes a presale (later deposits are `closed`); undefined for an unknown presale. See `CommerceStore.closePresale`. */
  async closePresale(showId: string, presaleId: string): Promise<PresaleUnits | undefined> {
    return this.#write(() => {
      this.#run(
        'UPDATE presales SET closed = 1, version = version + 1 WHERE show_id = ? AND presale_id = ? AND closed = 0',
        showId,
        presaleId,
      );
      const row = this.#presale(showId, presaleId);
      return row && presaleUnits(row);
    });
  }

  /**
   * Takes a deposit if the presale is open, has the units and the buyer is within the limit, storing the
   * deposit order. See `CommerceStore.deposit`.
   */
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
    return this.#write((): DepositResult => {
      const row = this.#presale(showId, request.presaleId);
      if (!row) return { ok: false, reason: 'not-found' };
      if (row.closed === 1 || request.now >= row.ends_at) return { ok: false, reason: 'closed' };
      if (row.units !== null && row.deposits_taken + request.quantity > row.units) {
        return { ok: false, reason: 'sold-out', left: Math.max(0, row.units - row.deposits_taken) };
      }
      const has =
        this.#get<{ units: number }>(
          'SELECT units FROM presale_buyers WHERE show_id = ? AND presale_id = ? AND buyer_id = ?',
          showId,
          request.presaleId,
          request.buyerId,
        )?.units ?? 0;
      if (has + request.quantity > row.limit_per_buyer) {
        return { ok: false, reason: 'limit-exceeded', limit: row.limit_per_buyer, has };
      }
      this.#run(
        `INSERT INTO presale_buyers (show_id, presale_id, buyer_id, units) VALUES (?, ?, ?, ?)
         ON CONFLICT (show_id, presale_id, buyer_id) DO UPDATE SET units = units + excluded.units`,
        showId,
        request.presaleId,
        request.buyerId,
        request.quantity,
      );
      const after = this.#get<PresaleRow>(
        `UPDATE presales SET deposits_taken = deposits_taken + ?, version = version + 1
         WHERE show_id = ? AND presale_id = ? AND (units IS NULL OR deposits_taken + ? <= units) RETURNING *`,
        request.quantity,
        showId,
        request.presaleId,
        request.quantity,
      );
      if (!after) throw new Error(`presale "${request.presaleId}" changed inside its own transaction`);
      this.#putOrder(showId, request.buyerId, request.order);
      return { ok: true, order: fromJson(request.order), presale: presaleUnits(after) };
    });
  }

  /**
   * Replaces the buyer's deposit order with the paid one if it is still `deposit-paid` (else
   * `conflict`). See `CommerceStore.payBalance`.
   */
  async payBalance(showId: string, request: { readonly buyerId: string; readonly order: Order }): Promise<OrderTransitionResult> {
    return this.#write((): OrderTransitionResult => {
      const stored = this.#order(showId, request.order.id);
      if (!stored || stored.buyer_id !== request.buyerId) return { ok: false, reason: 'not-found' };
      if (stored.status !== 'deposit-paid') return { ok: false, reason: 'conflict', order: JSON.parse(stored.body) as Order };
      this.#putOrder(showId, request.buyerId, request.order);
      return { ok: true, order: fromJson(request.order) };
    });
  }

  /**
   * Replaces the buyer's deposit order with the refunded one if it is still `deposit-paid` (else
   * `conflict`) and gives its units back to the presale. See `CommerceStore.refundDeposit`.
   */
  async refundDeposit(showId: string, request: { readonly buyerId: string; readonly order: Order }): Promise<OrderTransitionResult> {
    return this.#write((): OrderTransitionResult => {
      const stored = this.#order(showId, request.order.id);
      if (!stored || stored.buyer_id !== request.buyerId) return { ok: false, reason: 'not-found' };
      const previous = JSON.parse(stored.body) as Order;
      if (stored.status !== 'deposit-paid') return { ok: false, reason: 'conflict', order: previous };
      this.#putOrder(showId, request.buyerId, request.order);
      const presaleId = previous.presale?.presaleId;
      if (presaleId === undefined || !this.#presale(showId, presaleId)) return { ok: true, order: fromJson(request.order) };
      const units = previous.lines.reduce((sum, line) => sum + line.quantity, 0);
      const presale = this.#get<PresaleRow>(
        `UPDATE presales SET deposits_taken = MAX(0, deposits_taken - ?), version = version + 1
         WHERE show_id = ? AND presale_id = ? RETURNING *`,
        units,
        showId,
        presaleId,
      );
      this.#run(
        `INSERT INTO presale_buyers (show_id, presale_id, buyer_id, units) VALUES (?, ?, ?, 0)
         ON CONFLICT (show_id, presale_id, buyer_id) DO UPDATE SET units = MAX(0, units - ?)`,
        showId,
        presaleId,
        request.buyerId,
        units,
      );
      return { ok: true, order: fromJson(request.order), presale: presaleUnits(presale!) };
    });
  }

  // --- Idempotency ----------------------------------------------------------------------------

  /**
   * Looks up an idempotency key and, if it is free (or its in-flight lease ran out), claims it for
   * `fingerprint`. See `CommerceStore.beginIdempotent`.
   */
  async beginIdempotent(scope: IdempotencyScope, fingerprint: string, now: number): Promise<IdempotencyBegin> {
    return this.#write((): IdempotencyBegin => {
      this.#purge(now);
      const row = this.#get<IdempotencyRow>(
        'SELECT fingerprint, outcome, at FROM idempotency WHERE show_id = ? AND viewer_id = ? AND key = ?',
        scope.showId,
        scope.viewerId,
        scope.key,
      );
      if (row && row.outcome === null && now - row.at >= this.#inFlightLeaseMs) {
        // The lease ran out: the operation is presumed lost, the key is free again (claimed below).
      } else if (row) {
        if (row.fingerprint !== fingerprint) return { state: 'mismatch' };
        return row.outcome === null ? { state: 'in-flight' } : { state: 'done', outcome: JSON.parse(row.outcome) as IdempotencyOutcome };
      }
      this.#run(
        `INSERT INTO idempotency (show_id, viewer_id, key, fingerprint, outcome, at) VALUES (?, ?, ?, ?, NULL, ?)
         ON CONFLICT (show_id, viewer_id, key) DO UPDATE SET fingerprint = excluded.fingerprint, outcome = NULL, at = excluded.at`,
        scope.showId,
        scope.viewerId,
        scope.key,
        fingerprint,
        now,
      );
      return { state: 'new' };
    });
  }

  /** Stores the outcome of the in-flight operation claimed with this fingerprint. See `CommerceStore.completeIdempotent`. */
  async completeIdempotent(scope: IdempotencyScope, fingerprint: string, outcome: IdempotencyOutcome, now: number): Promise<void> {
    // One conditional statement: only the claim with this fingerprint is completed.
    await this.#write(() =>
      this.#run(
        'UPDATE idempotency SET outcome = ?, at = ? WHERE show_id = ? AND viewer_id = ? AND key = ? AND fingerprint = ?',
        JSON.stringify(outcome),
        now,
        scope.showId,
        scope.viewerId,
        scope.key,
        fingerprint,
      ),
    );
  }

  /**
   * Frees a key claimed with this fingerprint and still in flight, so that a retry runs the operation
   * again. See `CommerceStore.abandonIdempotent`.
   */
  async abandonIdempotent(scope: IdempotencyScope, fingerprint: string): Promise<void> {
    // One conditional statement: a completed record, or another request's claim, stays.
    await this.#write(() =>
      this.#run(
        'DELETE FROM idempotency WHERE show_id = ? AND viewer_id = ? AND key = ? AND fingerprint = ? AND outcome IS NULL',
        scope.showId,
        scope.viewerId,
        scope.key,
        fingerprint,
      ),
    );
  }

  // --- Shows ----------------------------------------------------------------------------------

  /** Saves a show's public state (one upsert). See `CommerceStore.saveShow`. */
  async saveShow(showId: string, saved: SavedShow): Promise<void> {
    await this.#write(() =>
      this.#run(
        `INSERT INTO shows (show_id, state, voters, saved_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (show_id) DO UPDATE SET state = excluded.state, voters = excluded.voters, saved_at = excluded.saved_at`,
        showId,
        JSON.stringify(saved.state),
        saved.voters === undefined ? null : JSON.stringify(saved.voters),
        saved.savedAt,
      ),
    );
  }

  /** Every saved show, in the order first saved. See `CommerceStore.loadShows`. */
  async loadShows(): Promise<readonly SavedShow[]> {
    const rows = await this.#read(() =>
      this.#all<{ state: string; voters: string | null; saved_at: number }>('SELECT state, voters, saved_at FROM shows ORDER BY rowid'),
    );
    return rows.map((row) => ({
      state: JSON.parse(row.state) as ShowState,
      savedAt: row.saved_at,
      ...(row.voters === null ? {} : { voters: JSON.parse(row.voters) as Record<string, string[]> }),
    }));
  }

  /** Forgets a show's saved state; its orders stay. See `CommerceStore.deleteShow`. */
  async deleteShow(showId: string): Promise<void> {
    await this.#write(() => this.#run('DELETE FROM shows WHERE show_id = ?', showId));
  }

  // --- Internals ------------------------------------------------------------------------------

  /** Creates or upgrades the schema, in one transaction so two processes opening a new file agree. */
  #migrate(): void {
    this.#db.transaction(() => {
      const version = this.#db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        throw new Error(`the database has schema version ${version}; this SqliteStore knows versions up to ${SCHEMA_VERSION}`);
      }
      if (version < 1) this.#db.exec(SCHEMA_V1);
      if (version < 2) this.#db.exec(SCHEMA_V2);
      if (version < SCHEMA_VERSION) this.#db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }).immediate();
  }

  /**
   * Runs `fn` now, atomically, in a savepoint of the batch's transaction (opening one for this
   * turn of the event loop if none is open): its changes are kept if it returns, rolled back if it
   * throws, without touching the other calls of the batch. Resolves with its result, or rejects
   * with its error, once the batch has committed: never before the result is durable.
   */
  #write<R>(fn: () => R): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      try {
        this.#begin();
      } catch (error) {
        return reject(error);
      }
      let result: R;
      try {
        this.#prepare('SAVEPOINT call').run();
        result = fn();
        this.#prepare('RELEASE call').run();
      } catch (error) {
        // Undo this call alone. Some errors (disk full, I/O) make SQLite roll the whole
        // transaction back instead: the calls before this one lost their changes too.
        if (this.#undoCall()) this.#batch!.push({ done: () => reject(error), failed: () => reject(error) });
        else {
          this.#abort(error);
          reject(error);
        }
        return;
      }
      this.#batch!.push({ done: () => resolve(result), failed: reject });
    });
  }

  /**
   * Runs a read now. Without an open batch it sees only committed state and resolves at once;
   * inside one it may see the batch's changes, so it settles with the batch.
   */
  #read<R>(fn: () => R): Promise<R> {
    if (!this.#batch) {
      try {
        return Promise.resolve(fn());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.#write(fn);
  }

  /** Rolls the failed call's savepoint back; false when the transaction itself is gone. */
  #undoCall(): boolean {
    if (!this.#db.inTransaction) return false;
    try {
      this.#prepare('ROLLBACK TO call').run();
      this.#prepare('RELEASE call').run();
      return true;
    } catch {
      return false;
    }
  }

  /** Opens the batch's transaction if none is open, and schedules its commit. */
  #begin(): void {
    if (this.#batch) return;
    this.#prepare('BEGIN IMMEDIATE').run();
    this.#batch = [];
    setImmediate(() => this.#commit());
  }

  /** Commits the open batch, if any, then settles its calls in the order they were made. */
  #commit(): void {
    const batch = this.#batch;
    if (!batch) return;
    this.#batch = undefined;
    try {
      this.#prepare('COMMIT').run();
    } catch (error) {
      this.#rollback();
      for (const entry of batch) entry.failed(error);
      return;
    }
    for (const entry of batch) entry.done();
  }

  /** The batch's transaction is gone (rolled back): every call in it fails with `error`. */
  #abort(error: unknown): void {
    const batch = this.#batch ?? [];
    this.#batch = undefined;
    this.#rollback();
    for (const entry of batch) entry.failed(error);
  }

  #rollback(): void {
    try {
      if (this.#db.inTransaction) this.#prepare('ROLLBACK').run();
    } catch {
      // Nothing more to undo: the transaction is gone either way.
    }
  }

  #prepare(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #get<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.#prepare(sql).get(...params) as T | undefined;
  }

  #all<T>(sql: string, ...params: unknown[]): T[] {
    return this.#prepare(sql).all(...params) as T[];
  }

  #run(sql: string, ...params: unknown[]): number {
    return this.#prepare(sql).run(...params).changes;
  }

  #stock(showId: string, productId: string, variantId: string): StockRow | undefined {
    return this.#get<StockRow>(
      'SELECT product_id, variant_id, stock, version FROM stock WHERE show_id = ? AND product_id = ? AND variant_id = ?',
      showId,
      productId,
      variantId,
    );
  }

  #sale(showId: string, saleId: string): SaleRow | undefined {
    return this.#get<SaleRow>('SELECT * FROM sales WHERE show_id = ? AND sale_id = ?', showId, saleId);
  }

  #presale(showId: string, presaleId: string): PresaleRow | undefined {
    return this.#get<PresaleRow>('SELECT * FROM presales WHERE show_id = ? AND presale_id = ?', showId, presaleId);
  }

  #reservation(showId: string, reservationId: string): ReservationRow | undefined {
    return this.#get<ReservationRow>(
      `SELECT reservation_id, sale_id, buyer_id, quantity, expires_at, status, body FROM reservations
       WHERE show_id = ? AND reservation_id = ?`,
      showId,
      reservationId,
    );
  }

  #order(showId: string, orderId: string): OrderRow | undefined {
    return this.#get<OrderRow>('SELECT buyer_id, status, body FROM orders WHERE show_id = ? AND order_id = ?', showId, orderId);
  }

  #cart(showId: string, buyerId: string): CartRow | undefined {
    return this.#get<CartRow>('SELECT lines, updated_at, version FROM carts WHERE show_id = ? AND buyer_id = ?', showId, buyerId);
  }

  #putCart(showId: string, buyerId: string, lines: readonly CartLine[], now: number): CartRow {
    return this.#get<CartRow>(
      `INSERT INTO carts (show_id, buyer_id, lines, updated_at, version) VALUES (?, ?, ?, ?, 1)
       ON CONFLICT (show_id, buyer_id) DO UPDATE SET lines = excluded.lines, updated_at = excluded.updated_at, version = version + 1
       RETURNING lines, updated_at, version`,
      showId,
      buyerId,
      JSON.stringify(lines),
      now,
    )!;
  }

  /** Stores an order, replacing one with the same id (a deposit order becoming paid or refunded). */
  #putOrder(showId: string, buyerId: string, order: Order): void {
    this.#run(
      `INSERT INTO orders (show_id, order_id, buyer_id, kind, status, presale_id, created_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (show_id, order_id) DO UPDATE SET buyer_id = excluded.buyer_id, kind = excluded.kind, status = excluded.status,
         presale_id = excluded.presale_id, created_at = excluded.created_at, body = excluded.body`,
      showId,
      order.id,
      buyerId,
      order.kind,
      order.status,
      order.presale?.presaleId ?? null,
      order.createdAt,
      JSON.stringify(order),
    );
  }

  /** Moves a held reservation to `status` (in `row` too); it must still be held. */
  #setStatus(showId: string, row: ReservationRow, status: Exclude<Reservation['status'], 'held'>): void {
    const changed = this.#run(
      `UPDATE reservations SET status = ? WHERE show_id = ? AND reservation_id = ? AND status = 'held'`,
      status,
      showId,
      row.reservation_id,
    );
    if (changed !== 1) throw new Error(`reservation "${row.reservation_id}" is no longer held`);
    row.status = status;
  }

  /** Ends a hold (released or expired): units go back to the sale and to the buyer's allowance. */
  #unhold(showId: string, row: ReservationRow, status: 'released' | 'expired'): SaleUnits {
    this.#setStatus(showId, row, status);
    const sale = this.#get<SaleRow>(
      `UPDATE sales SET held = held - ?, units_left = units_left + ?, version = version + 1
       WHERE show_id = ? AND sale_id = ? AND held >= ? RETURNING *`,
      row.quantity,
      row.quantity,
      showId,
      row.sale_id,
      row.quantity,
    );
    if (!sale) throw new Error(`sale "${row.sale_id}" does not hold the units of reservation "${row.reservation_id}"`);
    this.#run(
      'UPDATE sale_buyers SET units = MAX(0, units - ?) WHERE show_id = ? AND sale_id = ? AND buyer_id = ?',
      row.quantity,
      showId,
      row.sale_id,
      row.buyer_id,
    );
    return saleUnits(sale);
  }

  /** Drops finished idempotency records past their retention, at most once a minute. */
  #purge(now: number): void {
    if (now - this.#lastPurge < 60_000) return;
    this.#lastPurge = now;
    this.#run('DELETE FROM idempotency WHERE outcome IS NOT NULL AND at < ?', now - this.#idempotencyTtlMs);
  }
}

/** A deep copy through JSON: what a value looks like after a round trip through the database. */
function fromJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function reservationOf(row: ReservationRow): Reservation {
  return { ...(JSON.parse(row.body) as Reservation), status: row.status };
}

function storedCart(row: CartRow): StoredCart {
  return { lines: JSON.parse(row.lines) as CartLine[], updatedAt: row.updated_at, version: row.version };
}

function stockLevel(row: StockRow): StockLevel {
  return { productId: row.product_id, variantId: row.variant_id, stock: row.stock, version: row.version };
}

function saleUnits(row: SaleRow): SaleUnits {
  return {
    saleId: row.sale_id,
    units: row.units,
    unitsLeft: row.units_left,
    held: row.held,
    sold: row.sold,
    closed: row.closed === 1,
    version: row.version,
  };
}

function presaleUnits(row: PresaleRow): PresaleUnits {
  return { presaleId: row.presale_id, depositsTaken: row.deposits_taken, closed: row.closed === 1, version: row.version };
}
