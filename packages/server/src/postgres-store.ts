/**
 * The PostgreSQL `CommerceStore`: the engine's commerce state (flash-sale units, reservations,
 * stock, orders, carts, presale deposits, idempotency records, saved shows) in one PostgreSQL
 * database that several server instances share, rows keyed by `show_id`.
 *
 * Atomicity across processes: every method is one transaction (READ COMMITTED) — or one
 * savepoint of a batch's transaction, see group commit below — that first locks
 * the rows its decision depends on (`SELECT … FOR UPDATE` on the sale, presale, cart, stock or
 * reservation row), so two instances deciding about the same sale queue on PostgreSQL's row lock,
 * and each statement after the lock reads what the previous holder committed. The counters are
 * also guarded by conditional `UPDATE`s (`… WHERE units_left >= $n`) and `CHECK` constraints, so
 * a bug here fails the transaction instead of overselling. No application lock is involved.
 * Deadlocks (which PostgreSQL resolves by failing one statement) roll the call back to its
 * savepoint and run it again in a later batch; rows of several variants are always locked in one order.
 *
 * Durability with group commit: a method resolves after the COMMIT that made it durable, which
 * PostgreSQL fsyncs (synchronous_commit on, the default), so an order reported to the buyer
 * survives a crash of the server or the database machine. The calls made while the previous
 * batch runs share one transaction — each in its own savepoint, rolled back alone if it fails —
 * and one fsync: a flash sale's row is then locked once per batch, not once per buyer. Reads
 * (`get…`, `loadShows`) see committed state and do not wait for batches.
 *
 * Driver: node-postgres (`pg`), the most used and maintained PostgreSQL client for Node, pure
 * JavaScript (no native build), with a connection pool; transactions need a dedicated
 * connection per call, which its pool gives.
 *
 * Behaviour matches `MemoryStore` (`@nightmarket/engine`), the reference implementation, result for result.
 */
import pg from 'pg';
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

/** Options of {@link PostgresStore}. */
export interface PostgresStoreOptions {
  /** Connection URL, e.g. `postgres://user:password@127.0.0.1:5432/nightmarket`. */
  readonly url: string;
  /** Most connections this process opens (default 10): one for the batch of writes, the others for reads. */
  readonly maxConnections?: number | undefined;
  /** How long finished idempotency records are kept, in ms (default 24 hours, the protocol's minimum). */
  readonly idempotencyTtlMs?: number | undefined;
  /**
   * How long an in-flight idempotency record blocks its key, in ms (default 60 000). After that
   * the operation is presumed lost (its process crashed) and a retry runs it again.
   */
  readonly inFlightLeaseMs?: number | undefined;
}

/** Version of the schema below, kept in `nightmarket_schema`. Bump it with a migration step. */
const SCHEMA_VERSION = 1;

/**
 * The schema. Protocol objects the store never queries inside (reservation, order, cart lines,
 * idempotency outcomes, saved state) are JSON text, kept byte for byte; everything a condition or
 * a counter depends on is a real column.
 */
const SCHEMA_V1 = `
CREATE TABLE IF NOT EXISTS stock (
  show_id    TEXT NOT NULL,
  product_id TEXT NOT NULL,
  variant_id TEXT NOT NULL,
  stock      INTEGER CHECK (stock IS NULL OR stock >= 0), -- NULL: untracked
  version    INTEGER NOT NULL,
  PRIMARY KEY (show_id, product_id, variant_id)
);

CREATE TABLE IF NOT EXISTS sales (
  show_id         TEXT NOT NULL,
  sale_id         TEXT NOT NULL,
  product_id      TEXT NOT NULL,
  variant_id      TEXT NOT NULL,
  units           INTEGER NOT NULL CHECK (units >= 0),
  limit_per_buyer INTEGER NOT NULL,
  starts_at       BIGINT NOT NULL,
  ends_at         BIGINT NOT NULL,
  units_left      INTEGER NOT NULL CHECK (units_left >= 0),
  held            INTEGER NOT NULL CHECK (held >= 0),
  sold            INTEGER NOT NULL CHECK (sold >= 0),
  closed          BOOLEAN NOT NULL,
  version         INTEGER NOT NULL,
  PRIMARY KEY (show_id, sale_id),
  -- The last line of defence against overselling: a transaction breaking these fails whole.
  CHECK (held + sold <= units),
  CHECK (units_left + held + sold = units)
);

CREATE TABLE IF NOT EXISTS sale_buyers (
  show_id  TEXT NOT NULL,
  sale_id  TEXT NOT NULL,
  buyer_id TEXT NOT NULL,
  units    INTEGER NOT NULL CHECK (units >= 0),
  PRIMARY KEY (show_id, sale_id, buyer_id),
  FOREIGN KEY (show_id, sale_id) REFERENCES sales (show_id, sale_id)
);

-- seq orders reservations as they were made: expiry returns them in that order.
CREATE TABLE IF NOT EXISTS reservations (
  seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  show_id        TEXT NOT NULL,
  reservation_id TEXT NOT NULL,
  sale_id        TEXT NOT NULL,
  buyer_id       TEXT NOT NULL,
  quantity       INTEGER NOT NULL CHECK (quantity > 0),
  expires_at     BIGINT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('held', 'released', 'expired', 'converted')),
  body           TEXT NOT NULL, -- the Reservation as JSON; its status is the column's
  UNIQUE (show_id, reservation_id),
  FOREIGN KEY (show_id, sale_id) REFERENCES sales (show_id, sale_id)
);
CREATE INDEX IF NOT EXISTS reservations_held ON reservations (show_id, expires_at) WHERE status = 'held';

CREATE TABLE IF NOT EXISTS orders (
  show_id    TEXT NOT NULL,
  order_id   TEXT NOT NULL,
  buyer_id   TEXT NOT NULL,
  kind       TEXT NOT NULL,
  status     TEXT NOT NULL,
  presale_id TEXT,
  created_at BIGINT NOT NULL,
  body       TEXT NOT NULL, -- the Order as JSON
  PRIMARY KEY (show_id, order_id)
);
CREATE INDEX IF NOT EXISTS orders_buyer ON orders (show_id, buyer_id);

CREATE TABLE IF NOT EXISTS carts (
  show_id    TEXT NOT NULL,
  buyer_id   TEXT NOT NULL,
  lines      TEXT NOT NULL, -- CartLine[] as JSON, in the order they were added
  updated_at BIGINT NOT NULL,
  version    INTEGER NOT NULL,
  PRIMARY KEY (show_id, buyer_id)
);

CREATE TABLE IF NOT EXISTS presales (
  show_id         TEXT NOT NULL,
  presale_id      TEXT NOT NULL,
  units           INTEGER CHECK (units IS NULL OR units >= 0), -- NULL: unlimited
  limit_per_buyer INTEGER NOT NULL,
  ends_at         BIGINT NOT NULL,
  deposits_taken  INTEGER NOT NULL CHECK (deposits_taken >= 0),
  closed          BOOLEAN NOT NULL,
  version         INTEGER NOT NULL,
  PRIMARY KEY (show_id, presale_id)
);

CREATE TABLE IF NOT EXISTS presale_buyers (
  show_id    TEXT NOT NULL,
  presale_id TEXT NOT NULL,
  buyer_id   TEXT NOT NULL,
  units      INTEGER NOT NULL CHECK (units >= 0),
  PRIMARY KEY (show_id, presale_id, buyer_id),
  FOREIGN KEY (show_id, presale_id) REFERENCES presales (show_id, presale_id)
);

CREATE TABLE IF NOT EXISTS idempotency (
  show_id     TEXT NOT NULL,
  viewer_id   TEXT NOT NULL,
  key         TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  outcome     TEXT, -- IdempotencyOutcome as JSON; NULL while in flight
  at          BIGINT NOT NULL, -- when claimed, or when completed
  PRIMARY KEY (show_id, viewer_id, key)
);
CREATE INDEX IF NOT EXISTS idempotency_done ON idempotency (at) WHERE outcome IS NOT NULL;

CREATE TABLE IF NOT EXISTS shows (
  show_id  TEXT PRIMARY KEY,
  position BIGINT GENERATED ALWAYS AS IDENTITY, -- order first saved
  state    TEXT NOT NULL, -- the engine's ShowState as JSON
  voters   TEXT,          -- viewer ids per open poll as JSON
  saved_at BIGINT NOT NULL
);

-- Which server instance runs each show's engine (see PostgresStore.claimShow).
CREATE TABLE IF NOT EXISTS show_owners (
  show_id     TEXT PRIMARY KEY,
  owner       TEXT NOT NULL,
  epoch       TEXT NOT NULL,
  lease_until TIMESTAMPTZ NOT NULL
);
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
  closed: boolean;
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
  closed: boolean;
  version: number;
}

interface IdempotencyRow {
  fingerprint: string;
  outcome: string | null;
  at: number;
}

/** The queries of one transaction. */
interface Tx {
  one<T>(sql: string, ...params: unknown[]): Promise<T | undefined>;
  all<T>(sql: string, ...params: unknown[]): Promise<T[]>;
  run(sql: string, ...params: unknown[]): Promise<number>;
}

/** Who runs a show's engine, as {@link PostgresStore.claimShow} returns it. */
export interface ShowOwner {
  /** The instance holding the lease. */
  readonly owner: string;
  /** The epoch that instance's engine runs in. */
  readonly epoch: string;
  /** Whether the caller holds it (it claimed or renewed it). */
  readonly mine: boolean;
}

const INT8 = 20;
/** BIGINT columns (ms timestamps) as numbers: every value the store keeps is below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** PostgreSQL error codes a transaction is retried on: deadlock, serialization failure. */
const RETRYABLE = new Set(['40P01', '40001']);

/** Most calls in one batch (one transaction, one fsync). */
const MAX_BATCH = 64;

/** A call waiting for its batch. */
interface Call {
  readonly fn: (tx: Tx) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** Runs left. */
  tries: number;
}

/**
 * A `CommerceStore` in PostgreSQL: atomic and durable, shared by every show of a server and by
 * every server instance pointed at the same database. Create it with `PostgresStore.connect()`
 * (which creates or upgrades the schema) and {@link PostgresStore.close} it on shutdown.
 *
 * @example
 * ```ts
 * const store = await PostgresStore.connect({ url: 'postgres://nightmarket:secret@127.0.0.1:5432/nightmarket' });
 * const server = await createNightmarketServer({ adminToken, store });
 * ```
 */
export class PostgresStore implements CommerceStore {
  readonly #pool: pg.Pool;
  readonly #idempotencyTtlMs: number;
  readonly #inFlightLeaseMs: number;
  #lastPurge = 0;
  #closed = false;
  /** Calls waiting for a batch, in order. */
  readonly #queue: Call[] = [];
  #scheduled = false;
  /** Batches running now (each on its own connection). */
  #running = 0;
  readonly #maxBatches: number;
  readonly #drained: (() => void)[] = [];

  private constructor(pool: pg.Pool, options: PostgresStoreOptions) {
    this.#pool = pool;
    // One batch at a time, as SqliteStore: the calls made meanwhile wait and form the next
    // batch, which then shares one fsync. (Two at a time measured no better: they queue on the
    // same hot rows.) Reads use the other connections and never wait for a batch.
    this.#maxBatches = 1;
    this.#idempotencyTtlMs = options.idempotencyTtlMs ?? 24 * 3_600_000;
    this.#inFlightLeaseMs = options.inFlightLeaseMs ?? 60_000;
  }

  /**
   * Connects to the database and brings its schema up to date (in one transaction under an
   * advisory lock, so instances starting together agree).
   *
   * @param options - the database URL and pool size
   * @throws Error if the database cannot be reached, or was written by a newer schema version
   */
  static async connect(options: PostgresStoreOptions): Promise<PostgresStore> {
    if (typeof options.url !== 'string' || !/^postgres(ql)?:\/\//.test(options.url)) {
      throw new TypeError(`PostgresStore: url must be a postgres:// URL, got ${JSON.stringify(options.url)}.`);
    }
    const max = options.maxConnections ?? 10;
    if (!Number.isInteger(max) || max < 1) throw new RangeError('PostgresStore: maxConnections must be a positive integer.');
    const pool = new pg.Pool({ connectionString: options.url, max, types, application_name: 'nightmarket' });
    // An idle connection the server dropped (a restart): the pool discards it; nothing to do here.
    pool.on('error', () => undefined);
    const store = new PostgresStore(pool, options);
    try {
      await store.#migrate();
    } catch (error) {
      await pool.end();
      throw new Error(`PostgresStore: could not open ${redact(options.url)}: ${(error as Error).message}`, { cause: error });
    }
    return store;
  }

  /** Whether the store is open (false after {@link PostgresStore.close}). */
  get open(): boolean {
    return !this.#closed;
  }

  /** Waits for calls in progress, then closes every connection. Calling it twice is harmless. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Let the calls already made finish and commit.
    if (this.#running > 0 || this.#queue.length > 0) await new Promise<void>((resolve) => this.#drained.push(resolve));
    await this.#pool.end();
  }

  // --- Stock ----------------------------------------------------------------------------------

  /** The stock of a variant, or undefined when the store has no row for it. See `CommerceStore.getStock`. */
  async getStock(showId: string, productId: string, variantId: string): Promise<StockLevel | undefined> {
    const row = await this.#one<StockRow>(
      'SELECT product_id, variant_id, stock, version FROM stock WHERE show_id = $1 AND product_id = $2 AND variant_id = $3',
      showId,
      productId,
      variantId,
    );
    return row && stockLevel(row);
  }

  /** Sets the stock of a variant (`null`: untracked), creating its row; one upsert bumping `version`. See `CommerceStore.setStock`. */
  async setStock(showId: string, productId: string, variantId: string, stock: number | null): Promise<StockLevel> {
    const row = await this.#one<StockRow>(
      `INSERT INTO stock (show_id, product_id, variant_id, stock, version) VALUES ($1, $2, $3, $4, 1)
       ON CONFLICT (show_id, product_id, variant_id) DO UPDATE SET stock = excluded.stock, version = stock.version + 1
       RETURNING product_id, variant_id, stock, version`,
      showId,
      productId,
      variantId,
      stock,
    );
    return stockLevel(row!);
  }

  // --- Flash sales ----------------------------------------------------------------------------

  /** The counters of a sale, or undefined. See `CommerceStore.getSale`. */
  async getSale(showId: string, saleId: string): Promise<SaleUnits | undefined> {
    const row = await this.#one<SaleRow>('SELECT * FROM sales WHERE show_id = $1 AND sale_id = $2', showId, saleId);
    return row && saleUnits(row);
  }

  /**
   * Registers a sale or replaces its terms (reopening it); the counters restart at
   * `unitsLeft = units - held - sold`. See `CommerceStore.putSale`.
   *
   * @throws RangeError if the new `units` are fewer than the units already held and sold
   */
  async putSale(showId: string, terms: SaleTerms): Promise<SaleUnits> {
    return this.#tx(async (tx) => {
      const previous = await tx.one<SaleRow>('SELECT * FROM sales WHERE show_id = $1 AND sale_id = $2 FOR UPDATE', showId, terms.id);
      const held = previous?.held ?? 0;
      const sold = previous?.sold ?? 0;
      if (terms.units < held + sold) {
        throw new RangeError(`sale "${terms.id}" already has ${held + sold} units held or sold; it cannot offer ${terms.units}`);
      }
      const row = await tx.one<SaleRow>(
        `INSERT INTO sales (show_id, sale_id, product_id, variant_id, units, limit_per_buyer, starts_at, ends_at,
                            units_left, held, sold, closed, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $5, 0, 0, false, 1)
         ON CONFLICT (show_id, sale_id) DO UPDATE SET
           product_id = excluded.product_id, variant_id = excluded.variant_id, units = excluded.units,
           limit_per_buyer = excluded.limit_per_buyer, starts_at = excluded.starts_at, ends_at = excluded.ends_at,
           units_left = excluded.units - sales.held - sales.sold, closed = false, version = sales.version + 1
         RETURNING *`,
        showId,
        terms.id,
        terms.productId,
        terms.variantId,
        terms.units,
        terms.limitPerBuyer,
        terms.startsAt,
        terms.endsAt,
      );
      return saleUnits(row!);
    });
  }

  /** Closes a sale (later reservations are `ended`); undefined for an unknown sale. See `CommerceStore.closeSale`. */
  async closeSale(showId: string, saleId: string): Promise<SaleUnits | undefined> {
    // One statement: closes it if open; a closed sale is returned as it is.
    const row = await this.#one<SaleRow>(
      `WITH closed AS (
         UPDATE sales SET closed = true, version = version + 1 WHERE show_id = $1 AND sale_id = $2 AND NOT closed RETURNING *
       )
       SELECT * FROM closed UNION ALL SELECT * FROM sales WHERE show_id = $1 AND sale_id = $2 AND NOT EXISTS (SELECT 1 FROM closed)`,
      showId,
      saleId,
    );
    return row && saleUnits(row);
  }

  /**
   * Holds units for a buyer if the sale is open, has the units and the buyer is within the limit;
   * refusals are results, in the order `CommerceStore.reserve` lists them. The sale's row is
   * locked first: reservations of one sale queue on it, across every instance. See `CommerceStore.reserve`.
   */
  async reserve(
    showId: string,
    request: { readonly reservation: Reservation; readonly buyerId: string; readonly now: number },
  ): Promise<ReserveResult> {
    const { reservation, buyerId, now } = request;
    return this.#tx(async (tx): Promise<ReserveResult> => {
      const sale = await tx.one<SaleRow>('SELECT * FROM sales WHERE show_id = $1 AND sale_id = $2 FOR UPDATE', showId, reservation.saleId);
      if (!sale) return { ok: false, reason: 'not-found' };
      if (now < sale.starts_at) return { ok: false, reason: 'not-started', startsAt: sale.starts_at };
      if (sale.closed || now >= sale.ends_at) return { ok: false, reason: 'ended' };
      const quantity = reservation.quantity;
      if (sale.units_left < quantity) return { ok: false, reason: 'sold-out', unitsLeft: sale.units_left };
      const has =
        (
          await tx.one<{ units: number }>(
            'SELECT units FROM sale_buyers WHERE show_id = $1 AND sale_id = $2 AND buyer_id = $3',
            showId,
            sale.sale_id,
            buyerId,
          )
        )?.units ?? 0;
      if (has + quantity > sale.limit_per_buyer) return { ok: false, reason: 'limit-exceeded', limit: sale.limit_per_buyer, has };
      const held: Reservation = { ...reservation, status: 'held' };
      // One round trip for the three writes; the conditional decrement guards whatever ran before it.
      const after = await tx.one<SaleRow>(
        `WITH s AS (
           UPDATE sales SET units_left = units_left - $4, held = held + $4, version = version + 1
           WHERE show_id = $1 AND sale_id = $2 AND units_left >= $4 RETURNING *
         ), b AS (
           INSERT INTO sale_buyers (show_id, sale_id, buyer_id, units) SELECT $1::text, $2::text, $3::text, $4::integer FROM s
           ON CONFLICT (show_id, sale_id, buyer_id) DO UPDATE SET units = sale_buyers.units + excluded.units
         ), r AS (
           INSERT INTO reservations (show_id, reservation_id, sale_id, buyer_id, quantity, expires_at, status, body)
           SELECT $1::text, $5::text, $2::text, $3::text, $4::integer, $6::bigint, 'held', $7::text FROM s
         )
         SELECT * FROM s`,
        showId,
        sale.sale_id,
        buyerId,
        quantity,
        held.id,
        held.expiresAt,
        JSON.stringify(held),
      );
      if (!after) throw new Error(`sale "${sale.sale_id}" changed while its row was locked`);
      return { ok: true, reservation: fromJson(held), sale: saleUnits(after) };
    });
  }

  /** A reservation and its buyer, or undefined. See `CommerceStore.getReservation`. */
  async getReservation(showId: string, reservationId: string): Promise<StoredReservation | undefined> {
    const row = await this.#one<ReservationRow>(
      `SELECT reservation_id, sale_id, buyer_id, quantity, expires_at, status, body FROM reservations
       WHERE show_id = $1 AND reservation_id = $2`,
      showId,
      reservationId,
    );
    return row && { reservation: reservationOf(row), buyerId: row.buyer_id };
  }

  /**
   * Gives a buyer's held reservation back to the sale; one past its expiry is expired instead
   * (`not-held` with the counters). See `CommerceStore.releaseReservation`.
   */
  async releaseReservation(
    showId: string,
    request: { readonly reservationId: string; readonly buyerId: string; readonly now: number },
  ): Promise<ReleaseResult> {
    return this.#tx(async (tx): Promise<ReleaseResult> => {
      const row = await lockReservation(tx, showId, request.reservationId);
      if (!row || row.buyer_id !== request.buyerId) return { ok: false, reason: 'not-found' };
      if (row.status !== 'held') return { ok: false, reason: 'not-held', reservation: reservationOf(row) };
      if (request.now >= row.expires_at) {
        const sale = await unhold(tx, showId, row, 'expired');
        return { ok: false, reason: 'not-held', reservation: reservationOf(row), sale };
      }
      const sale = await unhold(tx, showId, row, 'released');
      return { ok: true, reservation: reservationOf(row), sale };
    });
  }

  /**
   * Expires every held reservation of the show with `expiresAt <= now`, in the order they were made,
   * returning each with its counters after. See `CommerceStore.expireReservations`.
   */
  async expireReservations(showId: string, now: number): Promise<readonly ExpiredReservation[]> {
    return this.#tx(async (tx) => {
      // SKIP LOCKED: a reservation another call is buying or releasing right now is theirs to settle.
      const rows = await tx.all<ReservationRow>(
        `SELECT reservation_id, sale_id, buyer_id, quantity, expires_at, status, body FROM reservations
         WHERE show_id = $1 AND status = 'held' AND expires_at <= $2 ORDER BY seq FOR UPDATE SKIP LOCKED`,
        showId,
        now,
      );
      const expired: ExpiredReservation[] = [];
      for (const row of rows) {
        const sale = await unhold(tx, showId, row, 'expired');
        expired.push({ reservation: reservationOf(row), sale });
      }
      return expired;
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
    return this.#tx(async (tx): Promise<PurchaseReservationResult> => {
      const row = await lockReservation(tx, showId, request.reservationId);
      if (!row || row.buyer_id !== request.buyerId) return { ok: false, reason: 'not-found' };
      if (row.status === 'expired') return { ok: false, reason: 'expired', reservation: reservationOf(row) };
      if (row.status !== 'held') return { ok: false, reason: 'not-held', reservation: reservationOf(row) };
      if (request.now >= row.expires_at) {
        const sale = await unhold(tx, showId, row, 'expired');
        return { ok: false, reason: 'expired', reservation: reservationOf(row), sale };
      }
      await setStatus(tx, showId, row, 'converted');
      const sale = await tx.one<SaleRow>(
        `UPDATE sales SET held = held - $3, sold = sold + $3, version = version + 1
         WHERE show_id = $1 AND sale_id = $2 AND held >= $3 RETURNING *`,
        showId,
        row.sale_id,
        row.quantity,
      );
      if (!sale) throw new Error(`sale "${row.sale_id}" does not hold the units of reservation "${row.reservation_id}"`);
      const reservation = reservationOf(row);
      // Untracked (NULL) stock and a missing row are left alone; tracked stock never goes below 0.
      const stock = await tx.one<StockRow>(
        `UPDATE stock SET stock = GREATEST(0, stock - $4), version = version + 1
         WHERE show_id = $1 AND product_id = $2 AND variant_id = $3 AND stock IS NOT NULL
         RETURNING product_id, variant_id, stock, version`,
        showId,
        reservation.productId,
        reservation.variantId,
        row.quantity,
      );
      const level =
        stock ??
        (await tx.one<StockRow>(
          'SELECT product_id, variant_id, stock, version FROM stock WHERE show_id = $1 AND product_id = $2 AND variant_id = $3',
          showId,
          reservation.productId,
          reservation.variantId,
        ));
      await putOrder(tx, showId, request.buyerId, request.order);
      return { ok: true, order: fromJson(request.order), reservation, sale: saleUnits(sale), stock: level && stockLevel(level) };
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
    return this.#tx(async (tx): Promise<PurchaseResult> => {
      const cart =
        request.cartVersion === undefined
          ? undefined
          : await tx.one<CartRow>('SELECT lines, updated_at, version FROM carts WHERE show_id = $1 AND buyer_id = $2 FOR UPDATE', showId, request.buyerId);
      if (request.cartVersion !== undefined && (cart?.version ?? 0) !== request.cartVersion) return { ok: false, reason: 'cart-changed' };
      // Lock every variant's row in one statement, in key order (no deadlock between two orders).
      const keys = [...new Map(request.order.lines.map((l) => [JSON.stringify([l.productId, l.variantId]), l])).values()];
      const locked = await tx.all<StockRow>(
        `SELECT product_id, variant_id, stock, version FROM stock
         WHERE show_id = $1 AND (product_id, variant_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))
         ORDER BY product_id, variant_id FOR UPDATE`,
        showId,
        keys.map((l) => l.productId),
        keys.map((l) => l.variantId),
      );
      const rows = new Map(locked.map((r) => [JSON.stringify([r.product_id, r.variant_id]), r]));
      // Check every line before changing anything: all lines or none.
      const wanted = new Map<string, { row: StockRow; quantity: number }>();
      for (const line of request.order.lines) {
        const k = JSON.stringify([line.productId, line.variantId]);
        const row = rows.get(k);
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
        const after = await tx.one<StockRow>(
          `UPDATE stock SET stock = stock - $4, version = version + 1
           WHERE show_id = $1 AND product_id = $2 AND variant_id = $3 AND stock >= $4
           RETURNING product_id, variant_id, stock, version`,
          showId,
          row.product_id,
          row.variant_id,
          quantity,
        );
        if (!after) throw new Error(`stock of "${row.product_id}/${row.variant_id}" changed while its row was locked`);
        levels.push(stockLevel(after));
      }
      if (request.cartVersion !== undefined && cart) {
        await tx.run(
          `UPDATE carts SET lines = '[]', updated_at = $3, version = version + 1 WHERE show_id = $1 AND buyer_id = $2`,
          showId,
          request.buyerId,
          request.order.createdAt,
        );
      }
      await putOrder(tx, showId, request.buyerId, request.order);
      return { ok: true, order: fromJson(request.order), stock: levels };
    });
  }

  /** An order and its buyer, or undefined. See `CommerceStore.getOrder`. */
  async getOrder(showId: string, orderId: string): Promise<StoredOrder | undefined> {
    const row = await this.#one<OrderRow>('SELECT buyer_id, status, body FROM orders WHERE show_id = $1 AND order_id = $2', showId, orderId);
    return row && { order: JSON.parse(row.body) as Order, buyerId: row.buyer_id };
  }

  /**
   * Every order of a show, oldest first (by `createdAt`, then id). Not part of `CommerceStore`: for
   * operators, reconciliation and tests.
   */
  async listOrders(showId: string): Promise<StoredOrder[]> {
    const rows = await this.#all<OrderRow>('SELECT buyer_id, status, body FROM orders WHERE show_id = $1 ORDER BY created_at, order_id', showId);
    return rows.map((row) => ({ order: JSON.parse(row.body) as Order, buyerId: row.buyer_id }));
  }

  // --- Carts ----------------------------------------------------------------------------------

  /** A viewer's cart, or undefined when they have none yet. See `CommerceStore.getCart`. */
  async getCart(showId: string, buyerId: string): Promise<StoredCart | undefined> {
    const row = await this.#one<CartRow>('SELECT lines, updated_at, version FROM carts WHERE show_id = $1 AND buyer_id = $2', showId, buyerId);
    return row && storedCart(row);
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
    return this.#tx(async (tx): Promise<AddCartLineResult> => {
      const row = await lockCart(tx, showId, buyerId);
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
      return { ok: true, cart: storedCart(await putCart(tx, showId, buyerId, lines, request.now)) };
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
    return this.#tx(async (tx) => {
      const row = await lockCart(tx, showId, buyerId);
      if (!row) return undefined;
      const lines = JSON.parse(row.lines) as CartLine[];
      const index = lines.findIndex((l) => l.id === request.lineId);
      if (index === -1) return undefined;
      if (request.quantity === 0) lines.splice(index, 1);
      else lines[index]!.quantity = request.quantity;
      return storedCart(await putCart(tx, showId, buyerId, lines, request.now));
    });
  }

  // --- Presales -------------------------------------------------------------------------------

  /** The deposit counter of a presale, or undefined. See `CommerceStore.getPresale`. */
  async getPresale(showId: string, presaleId: string): Promise<PresaleUnits | undefined> {
    const row = await this.#one<PresaleRow>('SELECT * FROM presales WHERE show_id = $1 AND presale_id = $2', showId, presaleId);
    return row && presaleUnits(row);
  }

  /** Registers a presale or replaces its terms, keeping its deposits and reopening it. See `CommerceStore.putPresale`. */
  async putPresale(showId: string, terms: PresaleTerms): Promise<PresaleUnits> {
    const row = await this.#one<PresaleRow>(
      `INSERT INTO presales (show_id, presale_id, units, limit_per_buyer, ends_at, deposits_taken, closed, version)
       VALUES ($1, $2, $3, $4, $5, 0, false, 1)
       ON CONFLICT (show_id, presale_id) DO UPDATE SET
         units = excluded.units, limit_per_buyer = excluded.limit_per_buyer, ends_at = excluded.ends_at,
         closed = false, version = presales.version + 1
       RETURNING *`,
      showId,
      terms.id,
      terms.units ?? null,
      terms.limitPerBuyer,
      terms.endsAt,
    );
    return presaleUnits(row!);
  }

  /** Closes a presale (later deposits are `closed`); undefined for an unknown presale. See `CommerceStore.closePresale`. */
  async closePresale(showId: string, presaleId: string): Promise<PresaleUnits | undefined> {
    const row = await this.#one<PresaleRow>(
      `WITH closed AS (
         UPDATE presales SET closed = true, version = version + 1 WHERE show_id = $1 AND presale_id = $2 AND NOT closed RETURNING *
       )
       SELECT * FROM closed UNION ALL SELECT * FROM presales WHERE show_id = $1 AND presale_id = $2 AND NOT EXISTS (SELECT 1 FROM closed)`,
      showId,
      presaleId,
    );
    return row && presaleUnits(row);
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
    return this.#tx(async (tx): Promise<DepositResult> => {
      const row = await tx.one<PresaleRow>('SELECT * FROM presales WHERE show_id = $1 AND presale_id = $2 FOR UPDATE', showId, request.presaleId);
      if (!row) return { ok: false, reason: 'not-found' };
      if (row.closed || request.now >= row.ends_at) return { ok: false, reason: 'closed' };
      if (row.units !== null && row.deposits_taken + request.quantity > row.units) {
        return { ok: false, reason: 'sold-out', left: Math.max(0, row.units - row.deposits_taken) };
      }
      const has =
        (
          await tx.one<{ units: number }>(
            'SELECT units FROM presale_buyers WHERE show_id = $1 AND presale_id = $2 AND buyer_id = $3',
            showId,
            request.presaleId,
            request.buyerId,
          )
        )?.units ?? 0;
      if (has + request.quantity > row.limit_per_buyer) return { ok: false, reason: 'limit-exceeded', limit: row.limit_per_buyer, has };
      await tx.run(
        `INSERT INTO presale_buyers (show_id, presale_id, buyer_id, units) VALUES ($1, $2, $3, $4)
         ON CONFLICT (show_id, presale_id, buyer_id) DO UPDATE SET units = presale_buyers.units + excluded.units`,
        showId,
        request.presaleId,
        request.buyerId,
        request.quantity,
      );
      const after = await tx.one<PresaleRow>(
        `UPDATE presales SET deposits_taken = deposits_taken + $3, version = version + 1
         WHERE show_id = $1 AND presale_id = $2 AND (units IS NULL OR deposits_taken + $3 <= units) RETURNING *`,
        showId,
        request.presaleId,
        request.quantity,
      );
      if (!after) throw new Error(`presale "${request.presaleId}" changed while its row was locked`);
      await putOrder(tx, showId, request.buyerId, request.order);
      return { ok: true, order: fromJson(request.order), presale: presaleUnits(after) };
    });
  }

  /**
   * Replaces the buyer's deposit order with the paid one if it is still `deposit-paid` (else
   * `conflict`). See `CommerceStore.payBalance`.
   */
  async payBalance(showId: string, request: { readonly buyerId: string; readonly order: Order }): Promise<OrderTransitionResult> {
    return this.#tx(async (tx): Promise<OrderTransitionResult> => {
      const stored = await lockOrder(tx, showId, request.order.id);
      if (!stored || stored.buyer_id !== request.buyerId) return { ok: false, reason: 'not-found' };
      if (stored.status !== 'deposit-paid') return { ok: false, reason: 'conflict', order: JSON.parse(stored.body) as Order };
      await putOrder(tx, showId, request.buyerId, request.order);
      return { ok: true, order: fromJson(request.order) };
    });
  }

  /**
   * Replaces the buyer's deposit order with the refunded one if it is still `deposit-paid` (else
   * `conflict`) and gives its units back to the presale. See `CommerceStore.refundDeposit`.
   */
  async refundDeposit(showId: string, request: { readonly buyerId: string; readonly order: Order }): Promise<OrderTransitionResult> {
    return this.#tx(async (tx): Promise<OrderTransitionResult> => {
      const stored = await lockOrder(tx, showId, request.order.id);
      if (!stored || stored.buyer_id !== request.buyerId) return { ok: false, reason: 'not-found' };
      const previous = JSON.parse(stored.body) as Order;
      if (stored.status !== 'deposit-paid') return { ok: false, reason: 'conflict', order: previous };
      await putOrder(tx, showId, request.buyerId, request.order);
      const presaleId = previous.presale?.presaleId;
      const units = previous.lines.reduce((sum, line) => sum + line.quantity, 0);
      const presale =
        presaleId === undefined
          ? undefined
          : await tx.one<PresaleRow>(
              `UPDATE presales SET deposits_taken = GREATEST(0, deposits_taken - $3), version = version + 1
               WHERE show_id = $1 AND presale_id = $2 RETURNING *`,
              showId,
              presaleId,
              units,
            );
      if (!presale) return { ok: true, order: fromJson(request.order) };
      await tx.run(
        `INSERT INTO presale_buyers (show_id, presale_id, buyer_id, units) VALUES ($1, $2, $3, 0)
         ON CONFLICT (show_id, presale_id, buyer_id) DO UPDATE SET units = GREATEST(0, presale_buyers.units - $4)`,
        showId,
        presaleId,
        request.buyerId,
        units,
      );
      return { ok: true, order: fromJson(request.order), presale: presaleUnits(presale) };
    });
  }

  // --- Idempotency ----------------------------------------------------------------------------

  /**
   * Looks up an idempotency key and, if it is free (or its in-flight lease ran out), claims it for
   * `fingerprint`. See `CommerceStore.beginIdempotent`.
   */
  async beginIdempotent(scope: IdempotencyScope, fingerprint: string, now: number): Promise<IdempotencyBegin> {
    await this.#purge(now);
    return this.#tx(async (tx): Promise<IdempotencyBegin> => {
      // Claim a free key in one statement; a key someone holds is locked and read instead.
      const claimed = await tx.run(
        `INSERT INTO idempotency (show_id, viewer_id, key, fingerprint, outcome, at) VALUES ($1, $2, $3, $4, NULL, $5)
         ON CONFLICT (show_id, viewer_id, key) DO NOTHING`,
        scope.showId,
        scope.viewerId,
        scope.key,
        fingerprint,
        now,
      );
      if (claimed === 1) return { state: 'new' };
      const row = await tx.one<IdempotencyRow>(
        'SELECT fingerprint, outcome, at FROM idempotency WHERE show_id = $1 AND viewer_id = $2 AND key = $3 FOR UPDATE',
        scope.showId,
        scope.viewerId,
        scope.key,
      );
      if (row && !(row.outcome === null && now - row.at >= this.#inFlightLeaseMs)) {
        if (row.fingerprint !== fingerprint) return { state: 'mismatch' };
        return row.outcome === null ? { state: 'in-flight' } : { state: 'done', outcome: JSON.parse(row.outcome) as IdempotencyOutcome };
      }
      // Gone since (abandoned), or the lease ran out (the operation is presumed lost): claim it.
      await tx.run(
        `INSERT INTO idempotency (show_id, viewer_id, key, fingerprint, outcome, at) VALUES ($1, $2, $3, $4, NULL, $5)
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
    await this.#write(
      'UPDATE idempotency SET outcome = $1, at = $2 WHERE show_id = $3 AND viewer_id = $4 AND key = $5 AND fingerprint = $6',
      JSON.stringify(outcome),
      now,
      scope.showId,
      scope.viewerId,
      scope.key,
      fingerprint,
    );
  }

  /** Frees a key claimed with this fingerprint and still in flight. See `CommerceStore.abandonIdempotent`. */
  async abandonIdempotent(scope: IdempotencyScope, fingerprint: string): Promise<void> {
    await this.#write(
      'DELETE FROM idempotency WHERE show_id = $1 AND viewer_id = $2 AND key = $3 AND fingerprint = $4 AND outcome IS NULL',
      scope.showId,
      scope.viewerId,
      scope.key,
      fingerprint,
    );
  }

  // --- Shows ----------------------------------------------------------------------------------

  /** Saves a show's public state (one upsert). See `CommerceStore.saveShow`. */
  async saveShow(showId: string, saved: SavedShow): Promise<void> {
    await this.#run(
      `INSERT INTO shows (show_id, state, voters, saved_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (show_id) DO UPDATE SET state = excluded.state, voters = excluded.voters, saved_at = excluded.saved_at`,
      showId,
      JSON.stringify(saved.state),
      saved.voters === undefined ? null : JSON.stringify(saved.voters),
      saved.savedAt,
    );
  }

  /** Every saved show, in the order first saved. See `CommerceStore.loadShows`. */
  async loadShows(): Promise<readonly SavedShow[]> {
    const rows = await this.#all<{ state: string; voters: string | null; saved_at: number }>(
      'SELECT state, voters, saved_at FROM shows ORDER BY position',
    );
    return rows.map(savedShow);
  }

  /**
   * One saved show, or undefined. Not part of `CommerceStore`: an instance taking a show over
   * from another (see {@link PostgresStore.claimShow}) loads just that one.
   */
  async loadShow(showId: string): Promise<SavedShow | undefined> {
    const row = await this.#one<{ state: string; voters: string | null; saved_at: number }>(
      'SELECT state, voters, saved_at FROM shows WHERE show_id = $1',
      showId,
    );
    return row && savedShow(row);
  }

  /** Forgets a show's saved state (and its owner); its orders stay. See `CommerceStore.deleteShow`. */
  async deleteShow(showId: string): Promise<void> {
    await this.#run('WITH o AS (DELETE FROM show_owners WHERE show_id = $1) DELETE FROM shows WHERE show_id = $1', showId);
  }

  // --- Show ownership (several instances) -----------------------------------------------------

  /**
   * Claims or renews the lease on running a show's engine, in one conditional statement on the
   * database's clock: granted when the show has no owner, when `owner` already holds it, or when
   * the holder's lease ran out (its instance stopped renewing: it died). Returns who holds it
   * afterwards. Not part of `CommerceStore`: it is how several server instances agree that exactly
   * one of them runs each show's engine (its timers and the event sequence), while all of them
   * serve its requests through this store.
   *
   * @param showId - the show
   * @param owner - the claiming instance's id
   * @param epoch - the epoch its engine runs (or will run) in
   * @param leaseMs - how long the lease lasts unless renewed
   */
  async claimShow(showId: string, owner: string, epoch: string, leaseMs: number): Promise<ShowOwner> {
    const row = await this.#one<{ owner: string; epoch: string }>(
      `INSERT INTO show_owners (show_id, owner, epoch, lease_until) VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond')
       ON CONFLICT (show_id) DO UPDATE SET owner = excluded.owner, epoch = excluded.epoch, lease_until = excluded.lease_until
         WHERE show_owners.owner = excluded.owner OR show_owners.lease_until < now()
       RETURNING owner, epoch`,
      showId,
      owner,
      epoch,
      leaseMs,
    );
    if (row) return { owner: row.owner, epoch: row.epoch, mine: true };
    const holder = await this.#one<{ owner: string; epoch: string }>('SELECT owner, epoch FROM show_owners WHERE show_id = $1', showId);
    return holder ? { ...holder, mine: holder.owner === owner } : { owner: '', epoch: '', mine: false };
  }

  /** Gives up the lease on a show if `owner` holds it (a clean shutdown), so another instance takes over at once. */
  async releaseShow(showId: string, owner: string): Promise<void> {
    await this.#run('DELETE FROM show_owners WHERE show_id = $1 AND owner = $2', showId, owner);
  }

  // --- Internals ------------------------------------------------------------------------------

  async #migrate(): Promise<void> {
    await this.#tx(async (tx) => {
      // Instances starting together queue here: one creates the schema, the others find it.
      await tx.run('SELECT pg_advisory_xact_lock(7369846571)');
      await tx.run('CREATE TABLE IF NOT EXISTS nightmarket_schema (version INTEGER NOT NULL)');
      const version = (await tx.one<{ version: number }>('SELECT version FROM nightmarket_schema'))?.version ?? 0;
      if (version > SCHEMA_VERSION) {
        throw new Error(`the database has schema version ${version}; this PostgresStore knows versions up to ${SCHEMA_VERSION}`);
      }
      if (version < 1) await tx.run(SCHEMA_V1);
      if (version === 0) await tx.run('INSERT INTO nightmarket_schema (version) VALUES ($1)', SCHEMA_VERSION);
      else if (version < SCHEMA_VERSION) await tx.run('UPDATE nightmarket_schema SET version = $1', SCHEMA_VERSION);
    }, 1);
  }

  /**
   * Runs `fn` atomically, in a savepoint of a shared transaction (group commit): the calls made
   * while no batch has started yet run one after the other in one transaction on one connection,
   * each in its own savepoint — a call that throws is rolled back alone — and one COMMIT (one
   * fsync) makes them all durable. Each call's promise settles only after that COMMIT. A call that
   * hits a deadlock is rolled back to its savepoint and run again in a later batch (up to `tries`
   * runs in all). One batch runs at a time per store; instances sharing the database queue on the
   * row locks their batches share, so a hot row (a flash sale) is locked once per batch instead of
   * once per buyer, and held for one fsync per batch.
   */
  #tx<R>(fn: (tx: Tx) => Promise<R>, tries = 5): Promise<R> {
    this.#checkOpen();
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ fn, resolve: resolve as (value: unknown) => void, reject, tries });
      this.#schedule();
    });
  }

  /** Starts a batch on the next turn of the event loop, if calls wait and a connection is free. */
  #schedule(): void {
    if (this.#scheduled || this.#queue.length === 0 || this.#running >= this.#maxBatches) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#runBatch();
      this.#schedule();
    });
  }

  async #runBatch(): Promise<void> {
    const calls = this.#queue.splice(0, MAX_BATCH);
    if (calls.length === 0) return;
    this.#running++;
    const settled: (() => void)[] = [];
    const again: Call[] = [];
    let client: pg.PoolClient | undefined;
    let broken: Error | undefined;
    let ran = 0;
    const done: { call: Call; value: unknown }[] = [];
    try {
      client = await this.#pool.connect();
      await client.query('BEGIN');
      const tx = txOf(client);
      for (const call of calls) {
        await client.query('SAVEPOINT call');
        ran++;
        try {
          const value = await call.fn(tx);
          await client.query('RELEASE SAVEPOINT call');
          done.push({ call, value });
        } catch (error) {
          // Undo this call alone; if even that fails, the transaction is gone (caught below).
          await client.query('ROLLBACK TO SAVEPOINT call');
          await client.query('RELEASE SAVEPOINT call');
          if (call.tries > 1 && RETRYABLE.has((error as { code?: string }).code ?? '')) {
            call.tries--;
            again.push(call);
          } else settled.push(() => call.reject(error));
        }
      }
      await client.query('COMMIT');
      for (const { call, value } of done) settled.push(() => call.resolve(value));
    } catch (error) {
      if (client) {
        try {
          await client.query('ROLLBACK');
        } catch (rollback) {
          broken = rollback as Error; // the connection is gone: the pool must not reuse it
        }
      }
      settled.length = 0;
      const retryable = RETRYABLE.has((error as { code?: string }).code ?? '');
      // Calls that ran lost their changes with the transaction; calls that never ran go again.
      calls.forEach((call, i) => {
        if (i >= ran || (retryable && call.tries > 1)) {
          call.tries--;
          again.push(call);
        } else settled.push(() => call.reject(error));
      });
    } finally {
      client?.release(broken);
      this.#running--;
    }
    for (const settle of settled) settle();
    this.#queue.unshift(...again.filter((call) => call.tries > 0 || (call.reject(new Error('PostgresStore: gave up after retries')), false)));
    this.#schedule();
    if (this.#running === 0 && this.#queue.length === 0) for (const wake of this.#drained.splice(0)) wake();
  }

  async #one<T>(sql: string, ...params: unknown[]): Promise<T | undefined> {
    this.#checkOpen();
    return (await this.#pool.query(sql, params)).rows[0] as T | undefined;
  }

  async #all<T>(sql: string, ...params: unknown[]): Promise<T[]> {
    this.#checkOpen();
    return (await this.#pool.query(sql, params)).rows as T[];
  }

  /** One write statement, in the next batch (it shares the batch's fsync). */
  #write(sql: string, ...params: unknown[]): Promise<number> {
    return this.#tx((tx) => tx.run(sql, ...params));
  }

  async #run(sql: string, ...params: unknown[]): Promise<number> {
    this.#checkOpen();
    return (await this.#pool.query(sql, params)).rowCount ?? 0;
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error('PostgresStore: the store is closed.');
  }

  /** Drops finished idempotency records past their retention, at most once a minute. */
  async #purge(now: number): Promise<void> {
    if (now - this.#lastPurge < 60_000) return;
    this.#lastPurge = now;
    await this.#run('DELETE FROM idempotency WHERE outcome IS NOT NULL AND at < $1', now - this.#idempotencyTtlMs);
  }
}

function txOf(client: pg.PoolClient): Tx {
  return {
    one: async <T>(sql: string, ...params: unknown[]) => (await client.query(sql, params)).rows[0] as T | undefined,
    all: async <T>(sql: string, ...params: unknown[]) => (await client.query(sql, params)).rows as T[],
    run: async (sql: string, ...params: unknown[]) => (await client.query(sql, params)).rowCount ?? 0,
  };
}

function lockReservation(tx: Tx, showId: string, reservationId: string): Promise<ReservationRow | undefined> {
  return tx.one<ReservationRow>(
    `SELECT reservation_id, sale_id, buyer_id, quantity, expires_at, status, body FROM reservations
     WHERE show_id = $1 AND reservation_id = $2 FOR UPDATE`,
    showId,
    reservationId,
  );
}

function lockCart(tx: Tx, showId: string, buyerId: string): Promise<CartRow | undefined> {
  return tx.one<CartRow>('SELECT lines, updated_at, version FROM carts WHERE show_id = $1 AND buyer_id = $2 FOR UPDATE', showId, buyerId);
}

function lockOrder(tx: Tx, showId: string, orderId: string): Promise<OrderRow | undefined> {
  return tx.one<OrderRow>('SELECT buyer_id, status, body FROM orders WHERE show_id = $1 AND order_id = $2 FOR UPDATE', showId, orderId);
}

async function putCart(tx: Tx, showId: string, buyerId: string, lines: readonly CartLine[], now: number): Promise<CartRow> {
  return (await tx.one<CartRow>(
    `INSERT INTO carts (show_id, buyer_id, lines, updated_at, version) VALUES ($1, $2, $3, $4, 1)
     ON CONFLICT (show_id, buyer_id) DO UPDATE SET lines = excluded.lines, updated_at = excluded.updated_at, version = carts.version + 1
     RETURNING lines, updated_at, version`,
    showId,
    buyerId,
    JSON.stringify(lines),
    now,
  ))!;
}

/** Stores an order, replacing one with the same id (a deposit order becoming paid or refunded). */
async function putOrder(tx: Tx, showId: string, buyerId: string, order: Order): Promise<void> {
  await tx.run(
    `INSERT INTO orders (show_id, order_id, buyer_id, kind, status, presale_id, created_at, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
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

/** Moves a locked, held reservation to `status` (in `row` too); it must still be held. */
async function setStatus(tx: Tx, showId: string, row: ReservationRow, status: Exclude<Reservation['status'], 'held'>): Promise<void> {
  const changed = await tx.run(
    `UPDATE reservations SET status = $1 WHERE show_id = $2 AND reservation_id = $3 AND status = 'held'`,
    status,
    showId,
    row.reservation_id,
  );
  if (changed !== 1) throw new Error(`reservation "${row.reservation_id}" is no longer held`);
  row.status = status;
}

/** Ends a hold (released or expired): units go back to the sale and to the buyer's allowance. */
async function unhold(tx: Tx, showId: string, row: ReservationRow, status: 'released' | 'expired'): Promise<SaleUnits> {
  await setStatus(tx, showId, row, status);
  const sale = await tx.one<SaleRow>(
    `UPDATE sales SET held = held - $3, units_left = units_left + $3, version = version + 1
     WHERE show_id = $1 AND sale_id = $2 AND held >= $3 RETURNING *`,
    showId,
    row.sale_id,
    row.quantity,
  );
  if (!sale) throw new Error(`sale "${row.sale_id}" does not hold the units of reservation "${row.reservation_id}"`);
  await tx.run(
    'UPDATE sale_buyers SET units = GREATEST(0, units - $4) WHERE show_id = $1 AND sale_id = $2 AND buyer_id = $3',
    showId,
    row.sale_id,
    row.buyer_id,
    row.quantity,
  );
  return saleUnits(sale);
}

/** A URL with its password replaced, for messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/** A deep copy through JSON: what a value looks like after a round trip through the database. */
function fromJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function savedShow(row: { state: string; voters: string | null; saved_at: number }): SavedShow {
  return {
    state: JSON.parse(row.state) as ShowState,
    savedAt: row.saved_at,
    ...(row.voters === null ? {} : { voters: JSON.parse(row.voters) as Record<string, string[]> }),
  };
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
    closed: row.closed,
    version: row.version,
  };
}

function presaleUnits(row: PresaleRow): PresaleUnits {
  return { presaleId: row.presale_id, depositsTaken: row.deposits_taken, closed: row.closed, version: row.version };
}
