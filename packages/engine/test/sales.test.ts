import { describe, expect, it } from 'vitest';
import { cny, liveSale, makeEngine, problemOf, T0, viewer } from './fixtures.js';

describe('flash sales', () => {
  it('holds exactly 100 units for 1,000 concurrent reservations, and refuses 900 as sold out', async () => {
    const h = makeEngine();
    const saleId = await liveSale(h, { units: 100, limitPerBuyer: 1 });
    const results = await Promise.allSettled(
      Array.from({ length: 1000 }, (_, i) => h.engine.reserve(`buyer-${i}`, { saleId, quantity: 1 })),
    );
    const held = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(held).toHaveLength(100);
    expect(refused).toHaveLength(900);
    expect(refused.every((r) => r.status === 'rejected' && r.reason.type === 'sold-out')).toBe(true);
    expect(new Set(held.map((r) => r.status === 'fulfilled' && r.value.id)).size).toBe(100);
    const sale = h.engine.state.sales.find((s) => s.id === saleId)!;
    expect(sale.unitsLeft).toBe(0);
    // Units are held, not sold: the sale stays live until they are bought or expire.
    expect(sale.status).toBe('live');
    expect(h.of('stock.changed').map((e) => e.data.sale?.unitsLeft)).toEqual(Array.from({ length: 100 }, (_, i) => 99 - i));
  });

  it('never oversells with mixed quantities racing', async () => {
    const h = makeEngine();
    const saleId = await liveSale(h, { units: 37, limitPerBuyer: 3 });
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => h.engine.reserve(`b${i}`, { saleId, quantity: (i % 3) + 1 })),
    );
    const units = results.reduce((n, r) => n + (r.status === 'fulfilled' ? r.value.quantity : 0), 0);
    const left = h.engine.state.sales[0]!.unitsLeft;
    expect(units + left).toBe(37);
    expect(units).toBeGreaterThanOrEqual(35); // only a remainder smaller than the next request is left
  });

  it('limits units per buyer, counting held and bought units', async () => {
    const h = makeEngine();
    const saleId = await liveSale(h, { units: 10, limitPerBuyer: 2 });
    const first = await h.engine.reserve('mei', { saleId, quantity: 1 });
    const over = await problemOf(h.engine.reserve('mei', { saleId, quantity: 2 }));
    expect(over.type).toBe('limit-exceeded');
    expect(over.status).toBe(409);
    expect(over.detail).toMatch(/allows 2 units per buyer; you already have 1/);
    await h.engine.checkout('mei', { source: 'reservation', reservationId: first.id });
    await h.engine.reserve('mei', { saleId, quantity: 1 }); // 1 bought + 1 held = 2
    expect((await problemOf(h.engine.reserve('mei', { saleId, quantity: 1 }))).type).toBe('limit-exceeded');
    // Another buyer has their own allowance.
    await expect(h.engine.reserve('jun', { saleId, quantity: 2 })).resolves.toMatchObject({ status: 'held' });
  });

  it('gives a released reservation back to the sale and to the buyer', async () => {
    const h = makeEngine();
    const saleId = await liveSale(h, { units: 3, limitPerBuyer: 3 });
    const r = await h.engine.reserve('mei', { saleId, quantity: 3 });
    expect(h.engine.state.sales[0]!.unitsLeft).toBe(0);
    expect((await problemOf(h.engine.releaseReservation('jun', r.id))).type).toBe('not-found'); // not theirs
    const released = await h.engine.releaseReservation('mei', r.id);
    expect(released).toMatchObject({ id: r.id, status: 'released' });
    expect(h.engine.state.sales[0]!.unitsLeft).toBe(3);
    await expect(h.engine.releaseReservation('mei', r.id)).resolves.toMatchObject({ status: 'released' });
    await expect(h.engine.reserve('mei', { saleId, quantity: 3 })).resolves.toMatchObject({ status: 'held' });
  });

  it('expires reservations on tick: units return and stock.changed is emitted', async () => {
    const h = makeEngine();
    const saleId = await liveSale(h, { units: 10, reservationTtlMs: 5000 });
    const r = await h.engine.reserve('mei', { saleId, quantity: 3 });
    expect(r.expiresAt).toBe(T0 + 5000);
    expect(h.engine.state.sales[0]!.unitsLeft).toBe(7);
    h.clock.advance(4999);
    await h.engine.tick();
    expect(h.engine.state.sales[0]!.unitsLeft).toBe(7);
    h.clock.advance(1);
    const before = h.events.length;
    await h.engine.tick();
    const changed = h.events.slice(before).filter((e) => e.type === 'stock.changed');
    expect(changed).toHaveLength(1);
    expect(changed[0]!.data).toMatchObject({ productId: 'vacuum', variantId: 'white', sale: { id: saleId, unitsLeft: 10 } });
    expect(h.engine.state.sales[0]!.unitsLeft).toBe(10);
    const late = await problemOf(h.engine.checkout('mei', { source: 'reservation', reservationId: r.id }));
    expect(late.type).toBe('reservation-expired');
    expect(late.detail).toMatch(/expired at 2027-01-15T08:00:05\.000Z/);
  });

  it('refuses the checkout of a reservation past its expiry even before a tick, and returns its units', async () => {
    const h = makeEngine();
    const saleId = await liveSale(h, { units: 4, reservationTtlMs: 2000 });
    const r = await h.engine.reserve('mei', { saleId, quantity: 4 });
    h.clock.advance(2000);
    expect((await problemOf(h.engine.checkout('mei', { source: 'reservation', reservationId: r.id }))).type).toBe(
      'reservation-expired',
    );
    expect(h.engine.state.sales[0]!.unitsLeft).toBe(4);
    expect(h.engine.state.products[0]!.variants[0]!.stock).toBe(500); // nothing bought
  });

  it('refuses reservations before startsAt and at or after endsAt', async () => {
    const h = makeEngine();
    const { id } = await h.engine.command({
      type: 'sale.schedule',
      sale: {
        id: 'noon',
        productId: 'vacuum',
        variantId: 'white',
        price: cny(199_900),
        units: 5,
        limitPerBuyer: 1,
        startsAt: T0 + 10_000,
        endsAt: T0 + 20_000,
      },
    });
    expect(id).toBe('noon');
    const early = await problemOf(h.engine.reserve('mei', { saleId: 'noon', quantity: 1 }));
    expect(early).toMatchObject({ type: 'sale-not-started', status: 409 });
    expect(early.detail).toContain('2027-01-15T08:00:10.000Z');
    // At startsAt sharp the sale is open, even before the timer's tick.
    h.clock.advance(10_000);
    await expect(h.engine.reserve('mei', { saleId: 'noon', quantity: 1 })).resolves.toMatchObject({ status: 'held' });
    expect(h.of('sale.started').map((e) => e.data.id)).toEqual(['noon']);
    h.clock.advance(10_000);
    expect((await problemOf(h.engine.reserve('jun', { saleId: 'noon', quantity: 1 }))).type).toBe('sale-ended');
    expect(h.of('sale.ended').at(-1)!.data).toMatchObject({ id: 'noon', status: 'ended', endReason: 'time' });
    expect((await problemOf(h.engine.reserve('jun', { saleId: 'nope', quantity: 1 }))).type).toBe('not-found');
  });

  it('ends a sale on tick at endsAt, and the host can end one early', async () => {
    const h = makeEngine();
    const a = await liveSale(h, { durationMs: 1000 });
    const b = await liveSale(h, { durationMs: 60_000 });
    h.clock.advance(1000);
    await h.engine.tick();
    expect(h.engine.state.sales.find((s) => s.id === a)).toMatchObject({ status: 'ended', endReason: 'time' });
    await h.engine.command({ type: 'sale.end', saleId: b });
    expect(h.engine.state.sales.find((s) => s.id === b)).toMatchObject({ status: 'ended', endReason: 'host' });
    expect((await problemOf(h.engine.reserve('mei', { saleId: b, quantity: 1 }))).type).toBe('sale-ended');
    expect((await problemOf(h.engine.command({ type: 'sale.end', saleId: 'nope' }))).type).toBe('not-found');
  });

  it('converts a held reservation at the sale price even after the sale ended, and ends it sold out', async () => {
    const h = makeEngine();
    const saleId = await liveSale(h, { units: 2, limitPerBuyer: 2, price: cny(99_900) });
    const r = await h.engine.reserve(viewer('lin', 'Lin Wei'), { saleId, quantity: 2 });
    await h.engine.command({ type: 'sale.end', saleId });
    const result = await h.engine.checkout(viewer('lin', 'Lin Wei'), { source: 'reservation', reservationId: r.id });
    expect(result.kind).toBe('order');
    const order = result.kind === 'order' ? result.order : undefined;
    expect(order).toMatchObject({
      kind: 'purchase',
      status: 'confirmed',
      total: cny(199_800),
      lines: [{ productId: 'vacuum', variantId: 'white', quantity: 2, unitPrice: cny(99_900), saleId }],
    });
    expect(h.engine.state.products[0]!.variants[0]!.stock).toBe(498);
    expect(h.of('purchase').at(-1)!.data).toEqual({ productId: 'vacuum', variantId: 'white', quantity: 2, buyer: 'L**', saleId });
    await expect(h.engine.getOrder('lin', order!.id)).resolves.toEqual(order);
    expect((await problemOf(h.engine.getOrder('mei', order!.id))).type).toBe('not-found');
    expect((await problemOf(h.engine.checkout('lin', { source: 'reservation', reservationId: r.id }))).detail).toMatch(
      /already bought/,
    );
  });

  it('ends the sale as sold out once every unit is bought', async () => {
    const h = makeEngine();
    const saleId = await liveSale(h, { units: 2, limitPerBuyer: 1 });
    const a = await h.engine.reserve('a', { saleId, quantity: 1 });
    const b = await h.engine.reserve('b', { saleId, quantity: 1 });
    await h.engine.checkout('a', { source: 'reservation', reservationId: a.id });
    expect(h.engine.state.sales[0]!.status).toBe('live'); // b still holds a unit
    await h.engine.checkout('b', { source: 'reservation', reservationId: b.id });
    expect(h.engine.state.sales[0]).toMatchObject({ status: 'ended', endReason: 'sold-out', unitsLeft: 0 });
  });

  it('validates reservation bodies with a detail naming the first bad field', async () => {
    const h = makeEngine();
    const saleId = await liveSale(h);
    const bad = await problemOf(h.engine.reserve('mei', { saleId, quantity: 0 }));
    expect(bad).toMatchObject({ type: 'invalid-request', status: 400, detail: 'quantity: must be at least 1' });
    expect(bad.errors).toEqual([{ path: 'quantity', message: 'must be at least 1' }]);
    const missing = await problemOf(h.engine.reserve('mei', {}));
    expect(missing.errors!.map((e) => e.path)).toEqual(['saleId', 'quantity']);
    expect(missing.detail).toBe('saleId: is required');
  });

  it('validates sale.schedule', async () => {
    const h = makeEngine();
    const sale = { productId: 'vacuum', variantId: 'white', price: cny(1), units: 1, limitPerBuyer: 1, startsAt: T0, endsAt: T0 + 1 };
    expect((await problemOf(h.engine.command({ type: 'sale.schedule', sale: { ...sale, endsAt: T0 } }))).detail).toBe(
      'sale.endsAt: must be after sale.startsAt',
    );
    expect(
      (await problemOf(h.engine.command({ type: 'sale.schedule', sale: { ...sale, price: { amount: 1, currency: 'USD' } } }))).detail,
    ).toMatch(/^sale\.price\.currency: must be in the show currency CNY/);
    expect((await problemOf(h.engine.command({ type: 'sale.schedule', sale: { ...sale, variantId: 'red' } }))).detail).toBe(
      'Product "vacuum" has no variant "red".',
    );
    expect((await problemOf(h.engine.command({ type: 'sale.schedule', sale: { ...sale, productId: 'nope' } }))).type).toBe(
      'not-found',
    );
  });
});
