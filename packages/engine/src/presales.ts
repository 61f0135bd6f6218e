/**
 * Presales: deposits now, the balance in a later window, refunds of refundable deposits.
 *
 * The store owns the counters (units cap, per-buyer limit, depositsTaken) and the order status
 * transitions; the engine owns the windows, which are fixed terms of the order.
 */
import { DepositRequestSchema, type AdminCommand, type Order, type Presale } from '@nightmarket/client';
import { checkCurrency, findItem, lineTitle, maskBuyer, requireItem, times } from './catalog.js';
import type { EngineContext, Viewer } from './context.js';
import { parseBody, ProblemError } from './problem.js';
import { fieldError } from './social.js';
import type { PresaleUnits } from './store.js';

type PresaleInput = Extract<AdminCommand, { type: 'presale.open' }>['presale'];

const iso = (ms: number): string => new Date(ms).toISOString();

export class Presales {
  readonly #ctx: EngineContext;
  readonly #versions = new Map<string, number>();

  constructor(ctx: EngineContext) {
    this.#ctx = ctx;
  }

  // --- Admin commands -------------------------------------------------------------------------

  async open(input: PresaleInput): Promise<string> {
    const ctx = this.#ctx;
    const { show } = ctx.state;
    if (show.status === 'ended') throw new ProblemError('show-not-live', 'The show has ended; no new presales.');
    requireItem(ctx.state, input.productId, input.variantId);
    checkCurrency(input.deposit, show.currency, 'presale.deposit.currency');
    checkCurrency(input.balance, show.currency, 'presale.balance.currency');
    if (input.balanceDueUntil <= input.balanceDueFrom) {
      throw fieldError('presale.balanceDueUntil', 'must be after presale.balanceDueFrom');
    }
    if (input.endsAt <= ctx.now()) throw fieldError('presale.endsAt', 'must be in the future');
    const id = input.id ?? ctx.newId();
    if (ctx.state.presales.some((p) => p.id === id)) throw fieldError('presale.id', `a presale "${id}" already exists`);
    await ctx.ready();
    const units = await ctx.store.putPresale(ctx.showId, {
      id,
      units: input.units,
      limitPerBuyer: input.limitPerBuyer,
      endsAt: input.endsAt,
    });
    this.#versions.set(id, units.version);
    const presale: Presale = {
      id,
      productId: input.productId,
      variantId: input.variantId,
      deposit: input.deposit,
      balance: input.balance,
      balanceDueFrom: input.balanceDueFrom,
      balanceDueUntil: input.balanceDueUntil,
      refundable: input.refundable,
      ...(input.units === undefined ? {} : { units: input.units }),
      depositsTaken: units.depositsTaken,
      limitPerBuyer: input.limitPerBuyer,
      endsAt: input.endsAt,
      status: 'open',
    };
    ctx.emit('presale.opened', presale);
    return id;
  }

  async close(presaleId: string): Promise<void> {
    const ctx = this.#ctx;
    if (!ctx.state.presales.some((p) => p.id === presaleId)) {
      throw new ProblemError('not-found', `Presale "${presaleId}" is not in this show.`);
    }
    await ctx.ready();
    await ctx.store.closePresale(ctx.showId, presaleId);
    this.#closeInState(presaleId);
  }

  /** The show ended: open presales close. */
  async closeAll(): Promise<void> {
    for (const presale of this.#ctx.state.presales) {
      if (presale.status === 'open') await this.close(presale.id);
    }
  }

  /** A restored show: publishes each open presale's deposits as the store has them now; closes those the store closed. */
  async resume(): Promise<void> {
    const ctx = this.#ctx;
    for (const presale of ctx.state.presales) {
      if (presale.status !== 'open') continue;
      const units = await ctx.store.getPresale(ctx.showId, presale.id);
      if (units) this.#publish(units);
      if (!units || units.closed) this.#closeInState(presale.id);
    }
  }

  // --- Time -----------------------------------------------------------------------------------

  /** Closes presales whose deposit window is over (the store refuses them by itself at endsAt). */
  advance(now: number): void {
    for (const presale of this.#ctx.state.presales) {
      if (presale.status === 'open' && now >= presale.endsAt) {
        this.#closeInState(presale.id);
        this.#ctx.background(this.#ctx.store.closePresale(this.#ctx.showId, presale.id));
      }
    }
  }

  // --- Viewer requests ------------------------------------------------------------------------

  async deposit(viewer: Viewer, body: unknown): Promise<Order> {
    const request = parseBody(DepositRequestSchema, body);
    const ctx = this.#ctx;
    const presale = ctx.state.presales.find((p) => p.id === request.presaleId);
    if (!presale) throw new ProblemError('not-found', `Presale "${request.presaleId}" is not in this show.`);
    const now = ctx.now();
    if (presale.status === 'closed' || now >= presale.endsAt) throw closed(presale.id);
    const item = findItem(ctx.state, presale.productId, presale.variantId);
    const order: Order = {
      id: ctx.newId(),
      showId: ctx.showId,
      kind: 'deposit',
      status: 'deposit-paid',
      lines: [
        {
          productId: presale.productId,
          variantId: presale.variantId,
          title: item ? lineTitle(item) : presale.productId,
          quantity: request.quantity,
          unitPrice: presale.deposit,
        },
      ],
      total: times(presale.deposit, request.quantity),
      createdAt: now,
      presale: {
        presaleId: presale.id,
        balance: times(presale.balance, request.quantity),
        balanceDueFrom: presale.balanceDueFrom,
        balanceDueUntil: presale.balanceDueUntil,
        refundable: presale.refundable,
      },
    };
    await ctx.ready();
    const result = await ctx.store.deposit(ctx.showId, {
      presaleId: presale.id,
      buyerId: viewer.id,
      quantity: request.quantity,
      now,
      order,
    });
    if (!result.ok) {
      switch (result.reason) {
        case 'not-found':
          throw new ProblemError('not-found', `Presale "${presale.id}" is not in this show.`);
        case 'closed':
          throw closed(presale.id);
        case 'sold-out':
          throw new ProblemError(
            'sold-out',
            result.left === 0
              ? `Presale "${presale.id}" has no deposits left.`
              : `Only ${result.left} deposit unit(s) left in presale "${presale.id}"; you asked for ${request.quantity}.`,
          );
        case 'limit-exceeded':
          throw new ProblemError(
            'limit-exceeded',
            `Presale "${presale.id}" allows ${result.limit} unit(s) per buyer; you already have ${result.has} and asked for ${request.quantity}.`,
          );
      }
    }
    this.#publish(result.presale);
    return result.order;
  }

  async payBalance(viewer: Viewer, orderId: string): Promise<Order> {
    const ctx = this.#ctx;
    const order = await this.#depositOrder(viewer, orderId);
    const terms = order.presale!;
    if (order.status === 'paid') return order; // paying twice is not charging twice
    if (order.status !== 'deposit-paid') throw new ProblemError('presale-closed', `Order "${orderId}" is ${order.status}; no balance is due.`);
    const now = ctx.now();
    if (now < terms.balanceDueFrom) {
      throw new ProblemError('balance-not-due', `The balance of order "${orderId}" can be paid from ${iso(terms.balanceDueFrom)}.`);
    }
    if (now > terms.balanceDueUntil) {
      throw new ProblemError('presale-closed', `The balance of order "${orderId}" was due by ${iso(terms.balanceDueUntil)}.`);
    }
    const paid: Order = {
      ...order,
      status: 'paid',
      // The order has now charged deposit and balance; nothing remains due.
      total: { amount: order.total.amount + terms.balance.amount, currency: order.total.currency },
      presale: { ...terms, balance: { amount: 0, currency: terms.balance.currency } },
    };
    const result = await ctx.store.payBalance(ctx.showId, { buyerId: viewer.id, order: paid });
    if (!result.ok) {
      if (result.reason === 'not-found') throw orderNotFound(orderId);
      if (result.order.status === 'paid') return result.order;
      throw new ProblemError('presale-closed', `Order "${orderId}" is ${result.order.status}; no balance is due.`);
    }
    for (const line of paid.lines) {
      ctx.emit('purchase', { productId: line.productId, variantId: line.variantId, quantity: line.quantity, buyer: maskBuyer(viewer) });
    }
    return result.order;
  }

  async refund(viewer: Viewer, orderId: string): Promise<Order> {
    const ctx = this.#ctx;
    const order = await this.#depositOrder(viewer, orderId);
    if (!order.presale!.refundable) throw new ProblemError('not-refundable', `The deposit of order "${orderId}" is not refundable.`);
    if (order.status !== 'deposit-paid') {
      throw new ProblemError('not-refundable', `Order "${orderId}" is ${order.status}; only a deposit whose balance is unpaid can be refunded.`);
    }
    const result = await ctx.store.refundDeposit(ctx.showId, { buyerId: viewer.id, order: { ...order, status: 'refunded' } });
    if (!result.ok) {
      if (result.reason === 'not-found') throw orderNotFound(orderId);
      throw new ProblemError('not-refundable', `Order "${orderId}" is ${result.order.status}; it cannot be refunded.`);
    }
    if (result.presale) this.#publish(result.presale);
    return result.order;
  }

  // --- Internals ------------------------------------------------------------------------------

  async #depositOrder(viewer: Viewer, orderId: string): Promise<Order> {
    await this.#ctx.ready();
    const stored = await this.#ctx.store.getOrder(this.#ctx.showId, orderId);
    if (!stored || stored.buyerId !== viewer.id) throw orderNotFound(orderId);
    if (stored.order.kind !== 'deposit' || !stored.order.presale) {
      throw new ProblemError('not-found', `Order "${orderId}" is not a presale deposit.`);
    }
    return stored.order;
  }

  /** Publishes a fresh depositsTaken as presale.updated (older results are dropped). */
  #publish(units: PresaleUnits): void {
    if (units.version <= (this.#versions.get(units.presaleId) ?? 0)) return;
    this.#versions.set(units.presaleId, units.version);
    const presale = this.#ctx.state.presales.find((p) => p.id === units.presaleId);
    if (presale && presale.depositsTaken !== units.depositsTaken) {
      this.#ctx.emit('presale.updated', { ...presale, depositsTaken: units.depositsTaken });
    }
  }

  #closeInState(presaleId: string): void {
    const presale = this.#ctx.state.presales.find((p) => p.id === presaleId);
    if (presale && presale.status === 'open') this.#ctx.emit('presale.closed', { ...presale, status: 'closed' });
  }
}

function closed(presaleId: string): ProblemError {
  return new ProblemError('presale-closed', `Presale "${presaleId}" is not taking deposits.`);
}

function orderNotFound(orderId: string): ProblemError {
  return new ProblemError('not-found', `Order "${orderId}" not found.`);
}
