import { describe, expect, it } from 'vitest';
import { cny, makeEngine, problemOf, T0, viewer } from './fixtures.js';

const variantOf = (h: ReturnType<typeof makeEngine>, productId: string, variantId: string) =>
  h.engine.state.products.find((p) => p.id === productId)!.variants.find((v) => v.id === variantId)!;

describe('cart', () => {
  it('adds lines, merging the same variant, with the variant or product price', async () => {
    const h = makeEngine();
    expect(await h.engine.getCart('mei')).toEqual({ lines: [], subtotal: cny(0), updatedAt: T0 });
    await h.engine.addToCart('mei', { productId: 'tea', variantId: 'default', quantity: 2 });
    h.clock.advance(1000);
    await h.engine.addToCart('mei', { productId: 'vacuum', variantId: 'black', quantity: 1 });
    const cart = await h.engine.addToCart('mei', { productId: 'tea', variantId: 'default', quantity: 3 });
    expect(cart.lines).toEqual([
      { id: 'id-1', productId: 'tea', variantId: 'default', title: 'Celadon tea set', quantity: 5, unitPrice: cny(18_800) },
      { id: 'id-2', productId: 'vacuum', variantId: 'black', title: 'Robot vacuum X2 — Black', quantity: 1, unitPrice: cny(259_900) },
    ]);
    expect(cart.subtotal).toEqual(cny(5 * 18_800 + 259_900));
    expect(cart.updatedAt).toBe(T0 + 1000);
    await expect(h.engine.getCart('mei')).resolves.toEqual(cart);
    await expect(h.engine.getCart('jun')).resolves.toMatchObject({ lines: [] }); // per viewer
  });

  it('caps a line at 99 units and refuses unavailable or unknown variants', async () => {
    const h = makeEngine();
    await h.engine.addToCart('mei', { productId: 'tea', variantId: 'default', quantity: 90 });
    const over = await problemOf(h.engine.addToCart('mei', { productId: 'tea', variantId: 'default', quantity: 10 }));
    expect(over).toMatchObject({ type: 'invalid-request', detail: 'quantity: the cart line would hold 100 units; a line holds at most 99' });
    await h.engine.command({ type: 'stock.set', productId: 'vacuum', variantId: 'black', stock: 0 });
    const gone = await problemOf(h.engine.addToCart('mei', { productId: 'vacuum', variantId: 'black', quantity: 1 }));
    expect(gone).toMatchObject({ type: 'out-of-stock', status: 409 });
    expect(gone.detail).toBe('"Robot vacuum X2 — Black" is out of stock.');
    expect((await problemOf(h.engine.addToCart('mei', { productId: 'nope', variantId: 'x', quantity: 1 }))).type).toBe('not-found');
  });

  it('updates and removes lines', async () => {
    const h = makeEngine();
    const { lines } = await h.engine.addToCart('mei', { productId: 'tea', variantId: 'default', quantity: 2 });
    const lineId = lines[0]!.id;
    await expect(h.engine.updateCartLine('mei', lineId, { quantity: 7 })).resolves.toMatchObject({ lines: [{ quantity: 7 }] });
    expect((await problemOf(h.engine.updateCartLine('mei', lineId, { quantity: 100 }))).detail).toBe('quantity: must be at most 99');
    expect((await problemOf(h.engine.updateCartLine('jun', lineId, { quantity: 1 }))).type).toBe('not-found');
    await expect(h.engine.updateCartLine('mei', lineId, { quantity: 0 })).resolves.toMatchObject({ lines: [] });
    const again = await h.engine.addToCart('mei', { productId: 'tea', variantId: 'default', quantity: 1 });
    await expect(h.engine.removeCartLine('mei', again.lines[0]!.id)).resolves.toMatchObject({ lines: [], subtotal: cny(0) });
    expect((await problemOf(h.engine.removeCartLine('mei', again.lines[0]!.id))).type).toBe('not-found');
  });
});

describe('checkout', () => {
  it('buys the cart: empties it, decrements tracked stock, emits stock.changed and masked purchases', async () => {
    const h = makeEngine();
    const lin = viewer('lin', 'Lin Wei');
    await h.engine.addToCart(lin, { productId: 'vacuum', variantId: 'white', quantity: 2 });
    await h.engine.addToCart(lin, { productId: 'tea', variantId: 'default', quantity: 1 });
    const result = await h.engine.checkout(lin, { source: 'cart' });
    if (result.kind !== 'order') throw new Error('expected an order');
    expect(result.order).toMatchObject({
      showId: 'spring',
      kind: 'purchase',
      status: 'confirmed',
      total: cny(2 * 249_900 + 18_800),
      createdAt: T0,
    });
    expect(result.order.lines.map((l) => [l.productId, l.quantity])).toEqual([
      ['vacuum', 2],
      ['tea', 1],
    ]);
    expect((await h.engine.getCart(lin)).lines).toEqual([]);
    expect(variantOf(h, 'vacuum', 'white').stock).toBe(498);
    expect(h.of('stock.changed').map((e) => e.data)).toEqual([{ productId: 'vacuum', variantId: 'white', stock: 498, available: true }]);
    expect(h.of('purchase').map((e) => e.data)).toEqual([
      { productId: 'vacuum', variantId: 'white', quantity: 2, buyer: 'L**' },
      { productId: 'tea', variantId: 'default', quantity: 1, buyer: 'L**' },
    ]);
  });

  it('is atomic: one line out of stock and nothing is decremented, nothing bought, the cart kept', async () => {
    const h = makeEngine();
    await h.engine.addToCart('mei', { productId: 'vacuum', variantId: 'white', quantity: 3 });
    await h.engine.addToCart('mei', { productId: 'rocket', variantId: 'slot', quantity: 6 }); // 5 in stock
    const before = h.events.length;
    const problem = await problemOf(h.engine.checkout('mei', { source: 'cart' }));
    expect(problem).toMatchObject({ type: 'out-of-stock', status: 409, detail: 'Only 5 of "Launch slot" left; nothing was bought.' });
    expect(h.events.length).toBe(before);
    expect(variantOf(h, 'vacuum', 'white').stock).toBe(500);
    expect((await h.engine.getCart('mei')).lines).toHaveLength(2);
    // The store was not touched either: the whole white stock can still be bought.
    await h.engine.checkout('jun', { source: 'items', lines: [{ productId: 'vacuum', variantId: 'white', quantity: 99 }] });
    expect(variantOf(h, 'vacuum', 'white').stock).toBe(401);
  });

  it('buys items directly, leaving the cart alone; an empty cart is a 400', async () => {
    const h = makeEngine();
    expect(await problemOf(h.engine.checkout('mei', { source: 'cart' }))).toMatchObject({
      type: 'invalid-request',
      detail: 'source: the cart is empty',
    });
    await h.engine.addToCart('mei', { productId: 'tea', variantId: 'default', quantity: 1 });
    const result = await h.engine.checkout('mei', {
      source: 'items',
      lines: [
        { productId: 'vacuum', variantId: 'black', quantity: 1 },
        { productId: 'tea', variantId: 'default', quantity: 99 },
      ],
    });
    expect(result.kind === 'order' && result.order.total).toEqual(cny(259_900 + 99 * 18_800));
    expect((await h.engine.getCart('mei')).lines).toHaveLength(1);
    // The last black one is gone: unavailable, and a further purchase is out of stock.
    expect(variantOf(h, 'vacuum', 'black')).toMatchObject({ stock: 0, available: false });
    expect(h.of('stock.changed').at(-1)!.data).toEqual({ productId: 'vacuum', variantId: 'black', stock: 0, available: false });
    const gone = await problemOf(h.engine.checkout('mei', { source: 'items', lines: [{ productId: 'vacuum', variantId: 'black', quantity: 1 }] }));
    expect(gone.type).toBe('out-of-stock');
    expect((await problemOf(h.engine.checkout('mei', { source: 'items', lines: [{ productId: 'nope', variantId: 'x', quantity: 1 }] }))).type).toBe(
      'not-found',
    );
  });

  it('sells exactly the stock to concurrent buyers', async () => {
    const h = makeEngine();
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        h.engine.checkout(`b${i}`, { source: 'items', lines: [{ productId: 'rocket', variantId: 'slot', quantity: 1 }] }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(variantOf(h, 'rocket', 'slot')).toMatchObject({ stock: 0, available: false });
  });

  it('counts two lines of the same variant together against the stock', async () => {
    const h = makeEngine();
    const problem = await problemOf(
      h.engine.checkout('mei', {
        source: 'items',
        lines: [
          { productId: 'rocket', variantId: 'slot', quantity: 3 },
          { productId: 'rocket', variantId: 'slot', quantity: 3 },
        ],
      }),
    );
    expect(problem.type).toBe('out-of-stock');
    expect(variantOf(h, 'rocket', 'slot').stock).toBe(5);
  });

  it('validates the checkout body', async () => {
    const h = makeEngine();
    expect((await problemOf(h.engine.checkout('mei', { source: 'wishlist' }))).type).toBe('invalid-request');
    const noLines = await problemOf(h.engine.checkout('mei', { source: 'items', lines: [] }));
    expect(noLines.detail).toBe('lines: must list at least one line');
    const badLine = await problemOf(h.engine.checkout('mei', { source: 'items', lines: [{ productId: 'tea', variantId: 'default', quantity: 0 }] }));
    expect(badLine.errors).toEqual([{ path: 'lines.0.quantity', message: 'must be at least 1' }]);
  });
});
