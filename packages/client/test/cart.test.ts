import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  applyCartIntent,
  createClient,
  mergeProducts,
  NightmarketError,
  ShowCart,
  type Cart,
  type CartState,
  type CommerceAdapter,
  type Product,
} from '@nightmarket/client';
import { createTestBackend, sampleProducts, type TestBackend } from '@nightmarket/testing';

const BASE = 'https://shop.example/nightmarket/';
const server = setupServer();
let backend: TestBackend | undefined;

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  backend?.dispose();
  backend = undefined;
});
afterAll(() => server.close());

const money = (amount: number) => ({ amount, currency: 'CNY' });
const EMPTY: Cart = { lines: [], subtotal: money(0), updatedAt: 1 };

/** A merchant's own cart in memory (what a Shopify-like cart API would keep), with hooks to hold or fail calls. */
function merchantCart() {
  let cart: Cart = EMPTY;
  let n = 0;
  const calls: string[] = [];
  let gate: Promise<void> | null = null;
  let failWith: Error | null = null;
  const step = async (name: string): Promise<void> => {
    calls.push(name);
    if (gate) await gate;
    if (failWith) throw failWith;
  };
  const priced = (lines: Cart['lines']): Cart => ({
    lines,
    subtotal: money(lines.reduce((s, l) => s + l.quantity * l.unitPrice.amount, 0)),
    updatedAt: cart.updatedAt + 1,
  });
  const adapter: CommerceAdapter = {
    async getCart() {
      await step('getCart');
      return cart;
    },
    async addToCart(line) {
      await step('addToCart');
      const existing = cart.lines.find((l) => l.variantId === line.variantId && l.productId === line.productId);
      cart = priced(
        existing
          ? cart.lines.map((l) => (l === existing ? { ...l, quantity: l.quantity + line.quantity } : l))
          : [...cart.lines, { id: `line-${++n}`, productId: line.productId, variantId: line.variantId, title: 'Tea set', quantity: line.quantity, unitPrice: money(18_800) }],
      );
      return cart;
    },
    async updateLine(lineId, quantity) {
      await step('updateLine');
      cart = priced(cart.lines.map((l) => (l.id === lineId ? { ...l, quantity } : l)));
      return cart;
    },
    async removeLine(lineId) {
      await step('removeLine');
      cart = priced(cart.lines.filter((l) => l.id !== lineId));
      return cart;
    },
    async checkout() {
      await step('checkout');
      cart = priced([]);
      return { kind: 'redirect', url: 'https://shop.example/pay/1' };
    },
  };
  return {
    adapter,
    calls,
    get cart() {
      return cart;
    },
    hold(): () => void {
      let open!: () => void;
      gate = new Promise((resolve) => (open = resolve));
      return () => {
        gate = null;
        open();
      };
    },
    fail(error: Error | null) {
      failWith = error;
    },
  };
}

function newCart(adapter: CommerceAdapter, extra: Partial<ConstructorParameters<typeof ShowCart>[0]> = {}): ShowCart {
  return new ShowCart({ adapter, showId: 'spring-launch', storage: null, sync: false, ...extra });
}

const TEA = { productId: 'tea-set', variantId: 'default', quantity: 1, title: 'Tea set', unitPrice: money(18_800) };

describe('applyCartIntent', () => {
  const cart: Cart = {
    lines: [{ id: 'a', productId: 'p', variantId: 'v', title: 'P', quantity: 2, unitPrice: money(500) }],
    subtotal: money(1000),
    updatedAt: 1,
  };
  it('adds to an existing line, caps at 99, and keeps the subtotal right', () => {
    expect(applyCartIntent(cart, { kind: 'add', line: { productId: 'p', variantId: 'v', quantity: 3 } }).subtotal.amount).toBe(2500);
    expect(applyCartIntent(cart, { kind: 'add', line: { productId: 'p', variantId: 'v', quantity: 99 } }).lines[0]!.quantity).toBe(99);
  });
  it('adds a new line only when its title and price are known', () => {
    expect(applyCartIntent(cart, { kind: 'add', line: { productId: 'q', variantId: 'v', quantity: 1 } })).toBe(cart);
    const next = applyCartIntent(cart, { kind: 'add', line: { productId: 'q', variantId: 'v', quantity: 1, title: 'Q', unitPrice: money(300) } });
    expect(next.lines.map((l) => l.productId)).toEqual(['p', 'q']);
    expect(next.subtotal).toEqual(money(1300));
    expect(cart.lines).toHaveLength(1);
  });
  it('updates, removes with 0, and removes', () => {
    expect(applyCartIntent(cart, { kind: 'update', lineId: 'a', quantity: 5 }).subtotal.amount).toBe(2500);
    expect(applyCartIntent(cart, { kind: 'update', lineId: 'a', quantity: 0 }).lines).toEqual([]);
    expect(applyCartIntent(cart, { kind: 'remove', lineId: 'a' }).subtotal.amount).toBe(0);
  });
});

describe('ShowCart', () => {
  it('shows an added line at once, then the merchant\'s answer', async () => {
    const shop = merchantCart();
    const cart = newCart(shop.adapter);
    await cart.refresh();
    const open = shop.hold();
    const added = cart.add(TEA);
    expect(cart.state.cart?.lines.map((l) => [l.productId, l.quantity])).toEqual([['tea-set', 1]]);
    expect(cart.state.pending).toHaveLength(1);
    open();
    const answer = await added;
    expect(answer.lines[0]!.id).toBe('line-1');
    expect(cart.state).toMatchObject({ pending: [], error: null });
    expect(cart.state.cart).toEqual(shop.cart);
  });

  it('rolls back a change whose hook throws and shows the hook\'s message', async () => {
    const shop = merchantCart();
    const cart = newCart(shop.adapter);
    await cart.add(TEA);
    const before = cart.state.cart;
    shop.fail(new Error('Only 1 per customer.'));
    const states: CartState[] = [];
    cart.subscribe((s) => states.push(s));
    await expect(cart.update(before!.lines[0]!.id, 4)).rejects.toThrow('Only 1 per customer.');
    expect(states[0]!.cart!.lines[0]!.quantity).toBe(4);
    expect(cart.state.cart).toEqual(before);
    expect(cart.state.error).toMatchObject({ action: 'update', message: 'Only 1 per customer.' });
    expect(shop.cart).toEqual(before);
  });

  it('gives up a hook that never answers with a clear message and leaves the cart as it was', async () => {
    const shop = merchantCart();
    const cart = newCart(shop.adapter, { timeoutMs: 40 });
    await cart.refresh();
    shop.hold();
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const failure = await cart.add(TEA).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(NightmarketError);
    expect((failure as NightmarketError).type).toBe('hook-timeout');
    expect(cart.state.error?.message).toBe('The shop did not answer within 40 ms, so nothing was changed. Please try again.');
    expect(cart.state.cart).toEqual(EMPTY);
    expect(error).toHaveBeenCalledWith(expect.stringContaining('commerce hook addToCart'));
    error.mockRestore();
  });

  it('does not let a load that started before a change overwrite the change\'s answer', async () => {
    const shop = merchantCart();
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const stale = shop.cart;
    const cart = newCart({ ...shop.adapter, getCart: async () => (await slow, stale) });
    const loading = cart.refresh();
    // Before the first load answers, an added line shows over an empty cart in its currency.
    const added = cart.add(TEA);
    expect(cart.state.cart?.subtotal).toEqual(money(18_800));
    await added;
    release();
    await loading;
    expect(cart.state.cart?.lines).toHaveLength(1);
    expect(cart.state.loading).toBe(false);
  });

  it('joins a double tap to the first request', async () => {
    const shop = merchantCart();
    const cart = newCart(shop.adapter);
    const open = shop.hold();
    const first = cart.add(TEA);
    const second = cart.add(TEA);
    const checkout1 = cart.checkout({ source: 'cart' });
    const checkout2 = cart.checkout({ source: 'cart' });
    expect(second).toBe(first);
    expect(checkout2).toBe(checkout1);
    open();
    await Promise.all([first, checkout1]);
    expect(shop.calls.filter((c) => c === 'addToCart')).toHaveLength(1);
    expect(shop.calls.filter((c) => c === 'checkout')).toHaveLength(1);
  });

  it('takes a handler\'s cart, reloads when it answers nothing, and refuses an answer that is not a cart', async () => {
    const shop = merchantCart();
    const cart = newCart(shop.adapter);
    const theirs: Cart = { lines: [], subtotal: money(0), updatedAt: 99 };
    await expect(cart.add(TEA, { via: async () => theirs })).resolves.toEqual(theirs);
    expect(cart.state.confirmed).toEqual(theirs);
    await cart.add(TEA, { via: async () => undefined });
    expect(shop.calls).toEqual(['getCart']);
    const bad = await cart.add(TEA, { via: async () => ({ lines: 'nope' }) as unknown as Cart }).catch((e: unknown) => e);
    expect((bad as NightmarketError).type).toBe('invalid-response');
    expect((bad as NightmarketError).detail).toMatch(/not a cart \(lines: .*\)\. Return the cart in the protocol's Cart shape/);
  });

  it('keeps the cart across a reload and in step between tabs', async () => {
    const shop = merchantCart();
    const saved = new Map<string, string>();
    const storage = { getItem: (k: string) => saved.get(k) ?? null, setItem: (k: string, v: string) => void saved.set(k, v), removeItem: (k: string) => void saved.delete(k) };
    const tabA = newCart(shop.adapter, { storage, sync: true, scope: 'test-tabs' });
    const tabB = newCart(shop.adapter, { storage: null, sync: true, scope: 'test-tabs' });
    const seen = new Promise<CartState>((resolve) => tabB.subscribe((s) => s.cart?.lines.length === 1 && resolve(s)));
    await tabA.add(TEA);
    expect((await seen).cart).toEqual(shop.cart);
    const reloaded = newCart(shop.adapter, { storage, scope: 'test-tabs' });
    expect(reloaded.state.cart).toEqual(shop.cart);
    saved.set('nightmarket:cart:test-tabs', '{"not":"a cart"}');
    expect(newCart(shop.adapter, { storage, scope: 'test-tabs' }).state.cart).toBeNull();
    expect(saved.has('nightmarket:cart:test-tabs')).toBe(false);
    for (const c of [tabA, tabB, reloaded]) c.dispose();
  });

  it('refuses a bad adapter, timeout or quantity with what to do', async () => {
    expect(() => new ShowCart({ adapter: { getCart: () => Promise.resolve(EMPTY) } as unknown as CommerceAdapter, showId: 's' })).toThrow(
      'the commerce adapter has no addToCart function',
    );
    expect(() => newCart(merchantCart().adapter, { timeoutMs: 0 })).toThrow('timeoutMs must be a positive number');
    await expect(newCart(merchantCart().adapter).update('a', 100)).rejects.toThrow('quantity must be an integer from 0 to 99, got 100');
  });
});

describe('protocolCommerce through the client', () => {
  it('adds, updates, removes and checks out against a real engine', async () => {
    backend = createTestBackend({ baseUrl: BASE });
    server.use(...backend.handlers);
    backend.createShow();
    const client = createClient({ baseUrl: BASE, getToken: () => 'ana~Ana' });
    const cart = client.cart('spring-launch', { storage: null, sync: false });
    expect((await cart.refresh()).lines).toEqual([]);
    const added = await cart.add({ productId: 'tea-set', variantId: 'default', quantity: 2 });
    expect(added.subtotal).toEqual(money(37_600));
    const line = added.lines[0]!;
    expect((await cart.update(line.id, 3)).lines[0]!.quantity).toBe(3);
    await cart.add({ productId: 'robot-vacuum', variantId: 'white', quantity: 1 });
    expect((await cart.remove(line.id)).lines.map((l) => l.productId)).toEqual(['robot-vacuum']);
    const result = await cart.checkout({ source: 'cart' });
    expect(result.kind).toBe('order');
    await vi.waitFor(() => expect(cart.state.cart?.lines).toEqual([]));
  });

  it('makes one order when the checkout response is lost and the call is retried', async () => {
    backend = createTestBackend({ baseUrl: BASE });
    server.use(...backend.handlers);
    const show = backend.createShow();
    let lost = 0;
    const client = createClient({
      baseUrl: BASE,
      getToken: () => 'ben~Ben',
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        // The server did the work; the answer never reaches the viewer.
        if (String(input).endsWith('/checkout') && lost++ === 0) throw new TypeError('connection reset');
        return response;
      },
    });
    const cart = client.cart('spring-launch', { storage: null, sync: false });
    await cart.add({ productId: 'robot-vacuum', variantId: 'black', quantity: 1 });
    const result = await cart.checkout({ source: 'cart' });
    expect(lost).toBe(2);
    expect(result.kind).toBe('order');
    const black = show.engine.snapshot().products.find((p) => p.id === 'robot-vacuum')!.variants.find((v) => v.id === 'black')!;
    expect(black.stock).toBe(5_000 - 1);
  });
});

describe('mergeProducts', () => {
  const products = sampleProducts as Product[];
  it('merges catalogue data over show products and keeps identity when nothing changes', () => {
    const { products: merged, problems } = mergeProducts(products, [{ id: 'tea-set', title: '青瓷茶具', price: money(16_800) }]);
    expect(problems).toEqual([]);
    expect(merged.find((p) => p.id === 'tea-set')).toMatchObject({ title: '青瓷茶具', price: money(16_800) });
    expect(merged[0]).toBe(products[0]);
    expect(mergeProducts(products, []).products).toBe(products);
  });
  it('keeps the show\'s product and says why when a patch is invalid', () => {
    const { products: merged, problems } = mergeProducts(products, [{ id: 'tea-set', price: money(-1) }]);
    expect(merged).toBe(products);
    expect(problems[0]).toMatch(/^hydrateProducts: the patch of product "tea-set" was not applied: price\.amount/);
  });
});
