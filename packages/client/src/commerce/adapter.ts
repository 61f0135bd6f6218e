/**
 * Checkout hooks: the {@link CommerceAdapter} a merchant implements to keep their own cart (a
 * Shopify-like cart API, a custom one) as the single source of truth, and
 * {@link protocolCommerce}, the default adapter over the show backend's own cart and checkout.
 */
import type { NightmarketClient } from '../client/client.js';
import { ProductSchema } from '../protocol/schemas.js';
import type { AddToCartRequest, Cart, CheckoutRequest, CheckoutResult, Product } from '../protocol/types.js';
import { formatIssues, validate } from '../protocol/validate.js';

/** What every adapter call receives besides its arguments. */
export interface CommerceContext {
  /** The show the viewer is watching. */
  readonly showId: string;
  /**
   * Aborted when the call is given up (it timed out, or the cart was disposed). Pass it to your
   * `fetch` so a hung request does not linger.
   */
  readonly signal: AbortSignal;
  /**
   * One key per viewer intent, the same on every retry of that intent: send it to your backend
   * (e.g. as an `Idempotency-Key` header) so a double tap or a retried lost response makes one
   * change, one order.
   */
  readonly idempotencyKey: string;
}

/**
 * Merchant catalogue data merged over a show product by {@link CommerceAdapter.hydrateProducts}:
 * live price, stock, variants, localized title. Fields left out keep the show's value.
 */
export interface ProductPatch extends Partial<Omit<Product, 'id'>> {
  /** Id of the show product to patch. */
  readonly id: string;
}

/**
 * The checkout hooks. Every function is async and returns the cart as it is after the change
 * (in the protocol's {@link Cart} shape), so the player can show exactly what the merchant's cart
 * holds. Throwing (or rejecting) means "not done": the player rolls its optimistic change back and
 * shows the error's message to the viewer, so make it one a shopper can read.
 *
 * @example A Shopify-style cart API
 * ```ts
 * const commerce: CommerceAdapter = {
 *   async getCart({ signal }) { return toCart(await (await fetch('/cart.js', { signal })).json()); },
 *   async addToCart(line, { signal, idempotencyKey }) {
 *     await fetch('/cart/add.js', { method: 'POST', signal, headers: { 'Idempotency-Key': idempotencyKey, 'Content-Type': 'application/json' },
 *       body: JSON.stringify({ id: line.variantId, quantity: line.quantity }) });
 *     return this.getCart({ signal } as CommerceContext);
 *   },
 *   // updateLine, removeLine, checkout…
 * };
 * player.commerce = commerce;
 * ```
 */
export interface CommerceAdapter {
  /** The viewer's cart now. */
  getCart(context: CommerceContext): Promise<Cart>;
  /** Adds units of a variant (adding a variant already in the cart adds to its line). */
  addToCart(line: AddToCartRequest, context: CommerceContext): Promise<Cart>;
  /** Sets a line's quantity (1–99). */
  updateLine(lineId: string, quantity: number, context: CommerceContext): Promise<Cart>;
  /** Removes a line. */
  removeLine(lineId: string, context: CommerceContext): Promise<Cart>;
  /**
   * Checks out the cart, a flash-sale reservation, or items bought directly ("buy now"): returns
   * the confirmed order, or a URL where the viewer completes payment (opened after they confirm).
   */
  checkout(request: CheckoutRequest, context: CommerceContext): Promise<CheckoutResult>;
  /**
   * Optional: the merchant's catalogue data for the show's products (live price, stock,
   * variants, localized title), merged over the show's own product data. Called when the
   * products change.
   */
  hydrateProducts?(products: readonly Product[], context: CommerceContext): Promise<readonly ProductPatch[]>;
}

/**
 * The default checkout hooks: the show backend's own cart and checkout endpoints (the protocol's
 * `cart`, `cart/lines`, `checkout`), through a client that sends the viewer's credentials.
 */
export function protocolCommerce(client: NightmarketClient): CommerceAdapter {
  return {
    getCart: ({ showId, signal }) => client.getCart(showId, { signal }),
    addToCart: (line, { showId, signal, idempotencyKey }) => client.addToCart(showId, line, { signal, idempotencyKey }),
    updateLine: (lineId, quantity, { showId, signal, idempotencyKey }) =>
      client.updateCartLine(showId, lineId, { quantity }, { signal, idempotencyKey }),
    removeLine: (lineId, { showId, signal }) => client.removeCartLine(showId, lineId, { signal }),
    checkout: (request, { showId, signal, idempotencyKey }) => client.checkout(showId, request, { signal, idempotencyKey }),
  };
}

/**
 * Merges {@link ProductPatch}es over show products (a pure function). A patched product that is
 * no longer a valid product (a bad price, an empty title) is not merged: the result lists why,
 * and the show's data stays, so a catalogue mistake never breaks the shop.
 */
export function mergeProducts(
  products: readonly Product[],
  patches: readonly ProductPatch[],
): { products: readonly Product[]; problems: readonly string[] } {
  const byId = new Map(patches.map((p) => [p.id, p]));
  const problems: string[] = [];
  let changed = false;
  const merged = products.map((product) => {
    const patch = byId.get(product.id);
    if (!patch) return product;
    const candidate = { ...product, ...patch, id: product.id };
    const result = validate(ProductSchema, candidate);
    if (!result.success) {
      problems.push(`hydrateProducts: the patch of product "${product.id}" was not applied: ${formatIssues(result.issues)}.`);
      return product;
    }
    changed = true;
    return result.output;
  });
  return { products: changed ? merged : products, problems };
}
