/**
 * Publishes what the store says about stock and sale units as `stock.changed` events.
 *
 * Results of concurrent store operations can arrive out of commit order (two reservations commit
 * as 5 then 4 units left, the promises settle 4 then 5). Each counter carries a version; a value
 * older than the last one published is dropped, so the public state always converges on the
 * latest committed value and never moves backwards.
 */
import { availableAt, findItem } from './catalog.js';
import type { EngineContext } from './context.js';
import type { SaleUnits, StockLevel } from './store.js';

export class Inventory {
  readonly #ctx: EngineContext;
  readonly #saleVersions = new Map<string, number>();
  readonly #stockVersions = new Map<string, number>();

  constructor(ctx: EngineContext) {
    this.#ctx = ctx;
  }

  /**
   * Publishes fresh counters of a variant and, optionally, of the sale selling it: one
   * `stock.changed` if anything visible changed. Returns the sale counters if they were the
   * newest seen (callers use them to decide whether the sale sold out), else undefined.
   */
  publish(change: {
    productId: string;
    variantId: string;
    stock?: StockLevel | undefined;
    sale?: SaleUnits | undefined;
  }): SaleUnits | undefined {
    const state = this.#ctx.state;
    const item = findItem(state, change.productId, change.variantId);
    let stock = item ? item.variant.stock : null;
    let stockChanged = false;
    if (change.stock && this.#fresh(this.#stockVersions, `${change.productId}\u0000${change.variantId}`, change.stock.version)) {
      stockChanged = change.stock.stock !== stock;
      stock = change.stock.stock;
    }
    const current = change.sale && state.sales.find((s) => s.id === change.sale!.saleId);
    let fresh: SaleUnits | undefined;
    if (change.sale && current && this.#fresh(this.#saleVersions, change.sale.saleId, change.sale.version)) fresh = change.sale;
    const unitsChanged = fresh !== undefined && fresh.unitsLeft !== current!.unitsLeft;
    const available = item ? availableAt(item.variant, stock) : false;
    if (!stockChanged && !unitsChanged && (!item || available === item.variant.available)) return fresh;
    this.#ctx.emit('stock.changed', {
      productId: change.productId,
      variantId: change.variantId,
      stock,
      available,
      ...(current ? { sale: { id: current.id, unitsLeft: fresh ? fresh.unitsLeft : current.unitsLeft } } : {}),
    });
    return fresh;
  }

  /** Records stock the engine publishes itself (product.upsert), so an older result cannot undo it. */
  seenStock(level: StockLevel): void {
    this.#fresh(this.#stockVersions, `${level.productId}\u0000${level.variantId}`, level.version);
  }

  /** Records the counters of a sale the engine publishes itself (sale.scheduled). */
  seenSale(units: SaleUnits): void {
    this.#fresh(this.#saleVersions, units.saleId, units.version);
  }

  #fresh(versions: Map<string, number>, key: string, version: number): boolean {
    if (version <= (versions.get(key) ?? 0)) return false;
    versions.set(key, version);
    return true;
  }
}
