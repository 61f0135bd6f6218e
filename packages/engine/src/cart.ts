/**
 * Carts, direct purchases and orders.
 *
 * A checkout of the cart buys the cart the store holds at a given version and empties it in the
 * same atomic step; if the viewer changed the cart meanwhile (another tab), the engine reads it
 * again and retries, so the order is always exactly the cart that was emptied.
 */
import {
  AddToCartRequestSchema,
  CheckoutRequestSchema,
  UpdateCartLineRequestSchema,
  type Cart,
  type CheckoutResult,
  type Order,
  type OrderLine,
} from '@nightmarket/client';
import { findItem, lineTitle, maskBuyer, requireItem, sum, times, unitPrice } from './catalog.js';
import type { EngineContext, Viewer } from './context.js';
import type { Inventory } from './inventory.js';
import { parseBody, ProblemError } from './problem.js';
import type { Sales } from './sales.js';
import { fieldError } from './social.js';
import type { StoredCart } from './store.js';

/** Units of one cart line at most, and lines of one cart at most (the protocol's limits). */
const MAX_LINE_QUANTITY = 99;
const MAX_LINES = 100;
/** Attempts at buying a cart that keeps changing under the checkout. */
const CART_ATTEMPTS = 3;

export class Carts {
  readonly #ctx: EngineContext;
  readonly #inventory: Inventory;
  readonly #sales: Sales;

  constructor(ctx: EngineContext, inventory: Inventory, sales: Sales) {
    this.#ctx = ctx;
    this.#inventory = inventory;
    this.#sales = sales;
  }

  async get(viewer: Viewer): Promise<Cart> {
    await this.#ctx.ready();
    return this.#toCart(await this.#ctx.store.getCart(this.#ctx.showId, viewer.id));
  }

  async add(viewer: Viewer, body: unknown): Promise<Cart> {
    const request = parseBody(AddToCartRequestSchema, body);
    const ctx = this.#ctx;
    const item = requireItem(ctx.state, request.productId, request.variantId);
    if (!item.variant.available) throw new ProblemError('out-of-stock', `"${lineTitle(item)}" is out of stock.`);
    await ctx.ready();
    const result = await ctx.store.addCartLine(ctx.showId, viewer.id, {
      line: {
        id: ctx.newId(),
        productId: request.productId,
        variantId: request.variantId,
        title: lineTitle(item),
        quantity: request.quantity,
        unitPrice: unitPrice(item),
      },
      now: ctx.now(),
      maxQuantity: MAX_LINE_QUANTITY,
      maxLines: MAX_LINES,
    });
    if (!result.ok) {
      if (result.reason === 'too-many-lines') throw fieldError('productId', `a cart holds at most ${MAX_LINES} lines`);
      throw fieldError('quantity', `the cart line would hold ${result.quantity} units; a line holds at most ${MAX_LINE_QUANTITY}`);
    }
    return this.#toCart(result.cart);
  }

  async update(viewer: Viewer, lineId: string, body: unknown): Promise<Cart> {
    const request = parseBody(UpdateCartLineRequestSchema, body);
    return this.#setQuantity(viewer, lineId, request.quantity);
  }

  async remove(viewer: Viewer, lineId: string): Promise<Cart> {
    return this.#setQuantity(viewer, lineId, 0);
  }

  async checkout(viewer: Viewer, body: unknown): Promise<CheckoutResult> {
    const request = parseBody(CheckoutRequestSchema, body);
    if (request.source === 'reservation') {
      return { kind: 'order', order: await this.#sales.checkout(viewer, request.reservationId) };
    }
    await this.#ctx.ready();
    if (request.source === 'items') {
      const lines = request.lines.map((l) => this.#line(l.productId, l.variantId, l.quantity, 'strict'));
      // Without a cart version the store never answers cart-changed, so there is always an order.
      return { kind: 'order', order: (await this.#buy(viewer, lines, undefined))! };
    }
    for (let attempt = 1; ; attempt++) {
      const cart = await this.#ctx.store.getCart(this.#ctx.showId, viewer.id);
      if (!cart || cart.lines.length === 0) throw fieldError('source', 'the cart is empty');
      const lines = cart.lines.map((l) => ({ ...this.#line(l.productId, l.variantId, l.quantity, 'cart'), title: l.title, unitPrice: l.unitPrice }));
      const order = await this.#buy(viewer, lines, cart.version);
      if (order) return { kind: 'order', order };
      if (attempt >= CART_ATTEMPTS) {
        throw new ProblemError('internal', 'The cart kept changing during checkout; please try again.');
      }
    }
  }

  async getOrder(viewer: Viewer, orderId: string): Promise<Order> {
    await this.#ctx.ready();
    const stored = await this.#ctx.store.getOrder(this.#ctx.showId, orderId);
    // Someone else's order does not exist, as far as this viewer can tell.
    if (!stored || stored.buyerId !== viewer.id) throw new ProblemError('not-found', `Order "${orderId}" not found.`);
    return stored.order;
  }

  // --- Internals ------------------------------------------------------------------------------

  /**
   * An order line for a catalog item that must be buyable now. `strict` (items checkout): an
   * unknown product is 404; `cart`: a product gone since it was added is simply not available.
   */
  #line(productId: string, variantId: string, quantity: number, mode: 'strict' | 'cart'): OrderLine {
    const item = mode === 'strict' ? requireItem(this.#ctx.state, productId, variantId) : findItem(this.#ctx.state, productId, variantId);
    if (!item) throw new ProblemError('out-of-stock', `"${productId}" is no longer available; nothing was bought.`);
    if (!item.variant.available) throw new ProblemError('out-of-stock', `"${lineTitle(item)}" is out of stock; nothing was bought.`);
    return { productId, variantId, title: lineTitle(item), quantity, unitPrice: unitPrice(item) };
  }

  /** Buys `lines` atomically. Resolves undefined when the cart changed (at `cartVersion`) meanwhile. */
  async #buy(viewer: Viewer, lines: OrderLine[], cartVersion: number | undefined): Promise<Order | undefined> {
    const ctx = this.#ctx;
    const currency = ctx.state.show.currency;
    const order: Order = {
      id: ctx.newId(),
      showId: ctx.showId,
      kind: 'purchase',
      status: 'confirmed',
      lines,
      total: sum(lines.map((l) => times(l.unitPrice, l.quantity)), currency),
      createdAt: ctx.now(),
    };
    const result = await ctx.store.purchase(ctx.showId, { buyerId: viewer.id, order, cartVersion });
    if (!result.ok) {
      if (result.reason === 'cart-changed') return undefined;
      const line = lines.find((l) => l.productId === result.productId && l.variantId === result.variantId);
      const title = line?.title ?? result.productId;
      throw new ProblemError(
        'out-of-stock',
        result.stock === 0
          ? `"${title}" is out of stock; nothing was bought.`
          : `Only ${result.stock} of "${title}" left; nothing was bought.`,
      );
    }
    for (const level of result.stock) this.#inventory.publish({ productId: level.productId, variantId: level.variantId, stock: level });
    const buyer = maskBuyer(viewer);
    for (const line of lines) {
      ctx.emit('purchase', { productId: line.productId, variantId: line.variantId, quantity: line.quantity, buyer });
    }
    return result.order;
  }

  async #setQuantity(viewer: Viewer, lineId: string, quantity: number): Promise<Cart> {
    const ctx = this.#ctx;
    await ctx.ready();
    const cart = await ctx.store.updateCartLine(ctx.showId, viewer.id, { lineId, quantity, now: ctx.now() });
    if (!cart) throw new ProblemError('not-found', `Cart line "${lineId}" not found.`);
    return this.#toCart(cart);
  }

  #toCart(stored: StoredCart | undefined): Cart {
    const lines = stored ? [...stored.lines] : [];
    return {
      lines,
      subtotal: sum(lines.map((l) => times(l.unitPrice, l.quantity)), this.#ctx.state.show.currency),
      updatedAt: stored?.updatedAt ?? this.#ctx.now(),
    };
  }
}
