/**
 * A mock of the Shopify-style Ajax cart API (the paths shopify-commerce.ts uses), as msw request
 * handlers — for tests and demos of the adapter without a store account. Keeps one cart in memory,
 * prices from a small catalogue, and refuses more than `limit` units of a variant the way the
 * Ajax API does (422 with a `description`).
 */
import { http, HttpResponse } from 'msw';
import type { ShopifyCart } from './shopify-commerce.js';

/** A variant the mock store sells. */
export interface MockVariant {
  title: string;
  price: number;
  limit?: number;
}

/** Creates the mock store: `handlers` for msw, and `cart` to look at. */
export function mockShopify(storeUrl: string, catalogue: Readonly<Record<number, MockVariant>>, currency = 'CNY') {
  let cart: ShopifyCart = { token: 'mock-cart', currency, total_price: 0, items: [] };
  let keys = 0;
  const requests: string[] = [];
  const total = (items: ShopifyCart['items']): ShopifyCart => ({ ...cart, items, total_price: items.reduce((s, i) => s + i.final_price * i.quantity, 0) });
  const refuse = (description: string) => HttpResponse.json({ status: 422, message: 'Cart Error', description }, { status: 422 });
  const handlers = [
    http.get(`${storeUrl}/cart.js`, () => HttpResponse.json(cart)),
    http.post(`${storeUrl}/cart/add.js`, async ({ request }) => {
      requests.push(`add ${request.headers.get('Idempotency-Key') ?? ''}`);
      const { items } = (await request.json()) as { items: { id: number; quantity: number; properties?: Record<string, string> }[] };
      let next = cart.items;
      for (const item of items) {
        const variant = catalogue[item.id];
        if (!variant) return HttpResponse.json({ status: 404, message: 'Cart Error', description: 'Cannot find variant' }, { status: 404 });
        const existing = next.find((i) => i.variant_id === item.id);
        const quantity = (existing?.quantity ?? 0) + item.quantity;
        if (variant.limit !== undefined && quantity > variant.limit) return refuse(`You can only add ${variant.limit} of this item to your cart.`);
        next = existing
          ? next.map((i) => (i === existing ? { ...i, quantity } : i))
          : [...next, { key: `${item.id}:${++keys}`, variant_id: item.id, quantity, final_price: variant.price, title: variant.title, properties: item.properties ?? null }];
      }
      cart = total(next);
      return HttpResponse.json({ items: cart.items });
    }),
    http.post(`${storeUrl}/cart/change.js`, async ({ request }) => {
      requests.push('change');
      const { id, quantity } = (await request.json()) as { id: string; quantity: number };
      if (!cart.items.some((i) => i.key === id)) return HttpResponse.json({ status: 400, message: 'Cart Error', description: 'Cannot find line' }, { status: 400 });
      cart = total(quantity === 0 ? cart.items.filter((i) => i.key !== id) : cart.items.map((i) => (i.key === id ? { ...i, quantity } : i)));
      return HttpResponse.json(cart);
    }),
    http.post(`${storeUrl}/cart/clear.js`, () => {
      cart = total([]);
      return HttpResponse.json(cart);
    }),
  ];
  return {
    handlers,
    requests,
    get cart(): ShopifyCart {
      return cart;
    },
  };
}
