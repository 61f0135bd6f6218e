import { describe, expect, it } from 'vitest';
import { cny, HOUR, makeEngine, openPresale, problemOf, T0, viewer } from './fixtures.js';

describe('presales', () => {
  it('takes a deposit: a deposit order, and presale.updated with depositsTaken', async () => {
    const h = makeEngine();
    const presaleId = await openPresale(h);
    expect(h.of('presale.opened')[0]!.data).toMatchObject({ id: presaleId, status: 'open', depositsTaken: 0 });
    const order = await h.engine.deposit('mei', { presaleId, quantity: 2 });
    expect(order).toMatchObject({
      kind: 'deposit',
      status: 'deposit-paid',
      total: cny(200_000),
      lines: [{ productId: 'rocket', variantId: 'slot', quantity: 2, unitPrice: cny(100_000) }],
      presale: { presaleId, balance: cny(1_800_000), balanceDueFrom: T0 + 2 * HOUR, balanceDueUntil: T0 + 3 * HOUR, refundable: true },
    });
    expect(h.of('presale.updated').at(-1)!.data.depositsTaken).toBe(2);
    expect(h.engine.state.presales[0]!.depositsTaken).toBe(2);
    await expect(h.engine.getOrder('mei', order.id)).resolves.toEqual(order);
  });

  it('refuses deposits once closed by the host or at endsAt', async () => {
    const h = makeEngine();
    const a = await openPresale(h);
    await h.engine.command({ type: 'presale.close', presaleId: a });
    expect(await problemOf(h.engine.deposit('mei', { presaleId: a, quantity: 1 }))).toMatchObject({ type: 'presale-closed', status: 409 });

    const b = await openPresale(h);
    h.clock.advance(HOUR); // no tick: the request itself sees the time
    expect((await problemOf(h.engine.deposit('mei', { presaleId: b, quantity: 1 }))).type).toBe('presale-closed');
    expect(h.of('presale.closed').map((e) => e.data.id)).toEqual([a, b]);
    expect((await problemOf(h.engine.deposit('mei', { presaleId: 'nope', quantity: 1 }))).type).toBe('not-found');
  });

  it('caps the units with deposits (sold-out) and the units per buyer (limit-exceeded)', async () => {
    const h = makeEngine();
    const presaleId = await openPresale(h, { units: 3, limitPerBuyer: 2 });
    await h.engine.deposit('mei', { presaleId, quantity: 2 });
    const limit = await problemOf(h.engine.deposit('mei', { presaleId, quantity: 1 }));
    expect(limit.type).toBe('limit-exceeded');
    expect(limit.detail).toMatch(/allows 2 unit\(s\) per buyer; you already have 2/);
    const cap = await problemOf(h.engine.deposit('jun', { presaleId, quantity: 2 }));
    expect(cap.type).toBe('sold-out');
    expect(cap.detail).toMatch(/Only 1 deposit unit\(s\) left/);
    await h.engine.deposit('jun', { presaleId, quantity: 1 });
    expect((await problemOf(h.engine.deposit('kai', { presaleId, quantity: 1 }))).detail).toMatch(/no deposits left/);
    expect(h.engine.state.presales[0]!.depositsTaken).toBe(3);
  });

  it('takes the balance only within its window, then emits a purchase', async () => {
    const h = makeEngine();
    const presaleId = await openPresale(h);
    const order = await h.engine.deposit(viewer('mei', 'Mei'), { presaleId, quantity: 1 });
    const early = await problemOf(h.engine.payBalance('mei', order.id));
    expect(early).toMatchObject({ type: 'balance-not-due', status: 409 });
    expect(early.detail).toContain('2027-01-15T10:00:00.000Z');
    h.clock.advance(2 * HOUR);
    const paid = await h.engine.payBalance(viewer('mei', 'Mei'), order.id);
    expect(paid).toMatchObject({ id: order.id, status: 'paid', total: cny(1_000_000), presale: { balance: cny(0) } });
    expect(h.of('purchase').at(-1)!.data).toEqual({ productId: 'rocket', variantId: 'slot', quantity: 1, buyer: 'M**' });
    // Paying twice does not charge twice.
    await expect(h.engine.payBalance('mei', order.id)).resolves.toEqual(paid);
    expect(h.of('purchase')).toHaveLength(1);
  });

  it('refuses the balance after the window', async () => {
    const h = makeEngine();
    const presaleId = await openPresale(h);
    const order = await h.engine.deposit('mei', { presaleId, quantity: 1 });
    h.clock.advance(3 * HOUR + 1);
    const late = await problemOf(h.engine.payBalance('mei', order.id));
    expect(late.type).toBe('presale-closed');
    expect(late.detail).toContain('was due by 2027-01-15T11:00:00.000Z');
    expect((await problemOf(h.engine.payBalance('jun', order.id))).type).toBe('not-found'); // not theirs
  });

  it('refunds a refundable deposit: depositsTaken goes down', async () => {
    const h = makeEngine();
    const presaleId = await openPresale(h, { units: 2 });
    const order = await h.engine.deposit('mei', { presaleId, quantity: 2 });
    const refunded = await h.engine.refundDeposit('mei', order.id);
    expect(refunded).toMatchObject({ id: order.id, status: 'refunded' });
    expect(h.engine.state.presales[0]!.depositsTaken).toBe(0);
    expect(h.of('presale.updated').map((e) => e.data.depositsTaken)).toEqual([2, 0]);
    expect((await problemOf(h.engine.refundDeposit('mei', order.id))).type).toBe('not-refundable');
    // The refunded units are free again, for this buyer too.
    await expect(h.engine.deposit('mei', { presaleId, quantity: 2 })).resolves.toMatchObject({ status: 'deposit-paid' });
  });

  it('refuses refunds of non-refundable deposits and of paid orders', async () => {
    const h = makeEngine();
    const strict = await openPresale(h, { refundable: false });
    const kept = await h.engine.deposit('mei', { presaleId: strict, quantity: 1 });
    const noRefund = await problemOf(h.engine.refundDeposit('mei', kept.id));
    expect(noRefund).toMatchObject({ type: 'not-refundable', status: 409 });
    expect(h.engine.state.presales[0]!.depositsTaken).toBe(1);

    const flexible = await openPresale(h);
    const order = await h.engine.deposit('mei', { presaleId: flexible, quantity: 1 });
    h.clock.advance(2 * HOUR);
    await h.engine.payBalance('mei', order.id);
    expect((await problemOf(h.engine.refundDeposit('mei', order.id))).type).toBe('not-refundable');
  });

  it('validates presale.open', async () => {
    const h = makeEngine();
    const presale = {
      productId: 'rocket',
      variantId: 'slot',
      deposit: cny(1),
      balance: cny(2),
      balanceDueFrom: T0 + 10,
      balanceDueUntil: T0 + 10,
      refundable: true,
      limitPerBuyer: 1,
      endsAt: T0 + 5,
    };
    expect((await problemOf(h.engine.command({ type: 'presale.open', presale }))).detail).toBe(
      'presale.balanceDueUntil: must be after presale.balanceDueFrom',
    );
    expect((await problemOf(h.engine.command({ type: 'presale.open', presale: { ...presale, balanceDueUntil: T0 + 11, endsAt: T0 } }))).detail).toBe(
      'presale.endsAt: must be in the future',
    );
  });
});
