import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShowCart } from '@nightmarket/client';
import { mockShopify } from '../../examples/shopify-adapter/mock-shopify.js';
import { shopifyCommerce } from '../../examples/shopify-adapter/shopify-commerce.js';

const STORE = 'https://lantern.example';
const store = mockShopify(STORE, { 4001: { title: 'Celadon tea set', price: 18_800, limit: 3 }, 4002: { title: 'Robot vacuum X2 — White', price: 249_900 } });
const server = setupServer(...store.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const VARIANTS: Record<string, number> = { 'tea-set/default': 4001, 'robot-vacuum/white': 4002 };

describe('examples/shopify-adapter', () => {
  it('adds, updates, removes and checks out through a Shopify-style cart, and shows the store\'s refusals', async () => {
    const adapter = shopifyCommerce({ storeUrl: STORE, variantIdOf: (p, v) => VARIANTS[`${p}/${v}`]! });
    const cart = new ShowCart({ adapter, showId: 'spring-launch', storage: null, sync: false });
    expect((await cart.refresh()).lines).toEqual([]);
    const added = await cart.add({ productId: 'tea-set', variantId: 'default', quantity: 2 });
    expect(added.lines).toMatchObject([{ productId: 'tea-set', variantId: 'default', quantity: 2, unitPrice: { amount: 18_800, currency: 'CNY' } }]);
    expect(store.requests[0]).toMatch(/^add [0-9a-f-]{36}$/);
    await cart.add({ productId: 'robot-vacuum', variantId: 'white', quantity: 1 });
    expect(cart.state.cart?.subtotal).toEqual({ amount: 2 * 18_800 + 249_900, currency: 'CNY' });

    // The store's limit: its own words, and the cart as it was.
    const before = cart.state.cart;
    await expect(cart.add({ productId: 'tea-set', variantId: 'default', quantity: 2 })).rejects.toThrow('You can only add 3 of this item to your cart.');
    expect(cart.state.cart).toEqual(before);
    expect(cart.state.error?.message).toBe('You can only add 3 of this item to your cart.');

    const tea = cart.state.cart!.lines.find((l) => l.productId === 'tea-set')!;
    expect((await cart.update(tea.id, 3)).lines.find((l) => l.id === tea.id)?.quantity).toBe(3);
    expect((await cart.remove(tea.id)).lines.map((l) => l.productId)).toEqual(['robot-vacuum']);
    expect(store.cart.items.map((i) => i.variant_id)).toEqual([4002]);
    expect(await cart.checkout({ source: 'cart' })).toEqual({ kind: 'redirect', url: `${STORE}/checkout` });
  });
});
