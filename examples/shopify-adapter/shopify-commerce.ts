/**
 * A Night Market `CommerceAdapter` over a Shopify-style Ajax cart API — the merchant's existing
 * cart stays the single source of truth, and the player's "add to cart", cart and checkout use it:
 *
 *   GET  /cart.js                          the cart
 *   POST /cart/add.js     { items: [{ id, quantity }] }
 *   POST /cart/change.js  { id: <line key>, quantity }   (0 removes the line)
 *   POST /cart/clear.js
 *   /checkout                              the store's checkout page
 *
 * Copy it and adapt the mapping (`variantIdOf`, `toCart`) to your store. It is a sample: it talks
 * to whatever serves those paths (in this repo, the mock in mock-shopify.ts, through msw).
 */
import type { AddToCartRequest, Cart, CheckoutRequest, CheckoutResult, CommerceAdapter, CommerceContext } from '@nightmarket/client';

/** The Ajax API's cart, the fields the adapter reads. */
export interface ShopifyCart {
  token: string;
  currency: string;
  total_price: number;
  items: { key: string; variant_id: number; quantity: number; final_price: number; title: string; properties: Record<string, string> | null }[];
}

/** Options of {@link shopifyCommerce}. */
export interface ShopifyCommerceOptions {
  /** The store's origin, e.g. `https://lantern.example` (default: the page's). */
  storeUrl?: string;
  /** The store's variant id for a show's product variant. */
  variantIdOf: (productId: string, variantId: string) => number;
  /** The fetch to use (default: the global one, which sends the store's cart cookie same-origin). */
  fetch?: typeof globalThis.fetch;
}

/** Creates the adapter. */
export function shopifyCommerce(options: ShopifyCommerceOptions): CommerceAdapter {
  const base = options.storeUrl ?? globalThis.location?.origin ?? '';
  const http = options.fetch ?? globalThis.fetch;
  // Night Market ids for the store's lines: the show product and variant travel as line properties.
  const call = async (path: string, context: CommerceContext, body?: unknown): Promise<ShopifyCart> => {
    const response = await http(`${base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json', 'Idempotency-Key': context.idempotencyKey }) },
      body: body === undefined ? null : JSON.stringify(body),
      signal: context.signal,
    });
    const json = (await response.json()) as ShopifyCart & { description?: string; message?: string };
    // The Ajax API says why in `description` (e.g. "You can only add 2 of this item to your cart."): shown to the viewer.
    if (!response.ok) throw new Error(json.description ?? json.message ?? `The store refused (${response.status}).`);
    return path === '/cart.js' ? json : call('/cart.js', context);
  };
  return {
    getCart: async (context) => toCart(await call('/cart.js', context)),
    addToCart: async (line: AddToCartRequest, context) =>
      toCart(
        await call('/cart/add.js', context, {
          items: [{ id: options.variantIdOf(line.productId, line.variantId), quantity: line.quantity, properties: { _nm_product: line.productId, _nm_variant: line.variantId } }],
        }),
      ),
    updateLine: async (lineId, quantity, context) => toCart(await call('/cart/change.js', context, { id: lineId, quantity })),
    removeLine: async (lineId, context) => toCart(await call('/cart/change.js', context, { id: lineId, quantity: 0 })),
    async checkout(request: CheckoutRequest, context): Promise<CheckoutResult> {
      if (request.source === 'reservation') {
        // Flash-sale holds live on the show backend; send those through the protocol (layer 1).
        throw new Error('Flash-sale units are checked out on the show backend.');
      }
      if (request.source === 'items') {
        await call('/cart/clear.js', context, {});
        for (const line of request.lines) await this.addToCart(line, context);
      }
      return { kind: 'redirect', url: `${base}/checkout` };
    },
  };
}

/** The Ajax API's cart in the protocol's shape (money in minor units, as Shopify's cents are). */
export function toCart(cart: ShopifyCart): Cart {
  return {
    lines: cart.items.map((item) => ({
      id: item.key,
      productId: item.properties?.['_nm_product'] ?? String(item.variant_id),
      variantId: item.properties?.['_nm_variant'] ?? String(item.variant_id),
      title: item.title,
      quantity: item.quantity,
      unitPrice: { amount: item.final_price, currency: cart.currency },
    })),
    subtotal: { amount: cart.total_price, currency: cart.currency },
    updatedAt: Date.now(),
  };
}
