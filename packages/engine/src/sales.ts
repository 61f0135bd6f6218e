/**
 * Flash sales: scheduling, the time-driven lifecycle, reservations and their checkout.
 *
 * The engine checks what it can answer from its state (unknown sale, not started, ended) so the
 * viewer gets a precise problem quickly; the store re-checks all of it atomically, because the
 * state can change while a request waits for the store. The store alone decides units.
 */
import {
  ReserveRequestSchema,
  type AdminCommand,
  type FlashSale,
  type Order,
  type Reservation,
} from '@nightmarket/client';
import { checkCurrency, findItem, lineTitle, maskBuyer, requireItem, times } from './catalog.js';
import type { EngineContext, Viewer } from './context.js';
import type { Inventory } from './inventory.js';
import { parseBody, ProblemError } from './problem.js';
import { fieldError } from './social.js';
import type { SaleUnits } from './store.js';

type SaleInput = Extract<AdminCommand, { type: 'sale.schedule' }>['sale'];

const iso = (ms: number): string => new Date(ms).toISOString();
const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;

export class Sales {
  readonly #ctx: EngineContext;
  readonly #inventory: Inventory;

  constructor(ctx: EngineContext, inventory: Inventory) {
    this.#ctx = ctx;
    this.#inventory = inventory;
  }

  // --- Admin commands -------------------------------------------------------------------------

  async schedule(input: SaleInput): Promise<string> {
    const ctx = this.#ctx;
    const { show } = ctx.state;
    if (show.status === 'ended') throw new ProblemError('show-not-live', 'The show has ended; no new sales.');
    requireItem(ctx.state, input.productId, input.variantId);
    checkCurrency(input.price, show.currency, 'sale.price.currency');
    if (input.endsAt <= input.startsAt) throw fieldError('sale.endsAt', 'must be after sale.startsAt');
    if (input.endsAt <= ctx.now()) throw fieldError('sale.endsAt', 'must be in the future');
    const id = input.id ?? ctx.newId();
    const existing = ctx.state.sales.find((s) => s.id === id);
    if (existing && existing.status !== 'scheduled') {
      throw fieldError('sale.id', `sale "${id}" has already started; end it and schedule a new one`);
    }
    const terms = {
      id,
      productId: input.productId,
      variantId: input.variantId,
      units: input.units,
      limitPerBuyer: input.limitPerBuyer,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
    };
    await ctx.ready();
    const units = await ctx.store.putSale(ctx.showId, terms);
    this.#inventory.seenSale(units);
    const sale: FlashSale = {
      ...terms,
      price: input.price,
      unitsLeft: units.unitsLeft,
      reservationTtlMs: input.reservationTtlMs ?? ctx.settings.reservationTtlMs,
      status: 'scheduled',
    };
    ctx.emit('sale.scheduled', sale);
    return id;
  }

  async end(saleId: string): Promise<void> {
    if (!this.#ctx.state.sales.some((s) => s.id === saleId)) {
      throw new ProblemError('not-found', `Sale "${saleId}" is not in this show.`);
    }
    await this.#ctx.ready();
    // Close in the store first: a reservation racing this command then fails instead of landing
    // after the sale.ended event.
    await this.#ctx.store.closeSale(this.#ctx.showId, saleId);
    this.#endInState(saleId, 'host');
  }

  /** The show ended: every sale not yet over ends (reason host). */
  async closeAll(): Promise<void> {
    for (const sale of this.#ctx.state.sales) {
      if (sale.status !== 'ended') await this.end(sale.id);
    }
  }

  /**
   * A restored show: publishes each unfinished sale's units as the store has them now, and ends
   * sales the store has closed (or does not know, so could not enforce).
   */
  async resume(): Promise<void> {
    const ctx = this.#ctx;
    for (const sale of ctx.state.sales) {
      if (sale.status === 'ended') continue;
      const units = await ctx.store.getSale(ctx.showId, sale.id);
      if (units) this.#publish(sale.productId, sale.variantId, units);
      if (!units || units.closed) this.#endInState(sale.id, units && units.unitsLeft === 0 && units.held === 0 ? 'sold-out' : 'host');
    }
  }

  // --- Time -----------------------------------------------------------------------------------

  /** Starts and ends sales whose time has come. Synchronous: only state and events. */
  advance(now: number): void {
    for (const sale of this.#ctx.state.sales) {
      if (sale.status === 'scheduled' && now >= sale.startsAt && now < sale.endsAt) {
        this.#ctx.emit('sale.started', { ...sale, status: 'live' });
      } else if (sale.status !== 'ended' && now >= sale.endsAt) {
        // The store refuses reservations at endsAt by itself; closing it is bookkeeping.
        this.#endInState(sale.id, 'time');
        this.#ctx.background(this.#ctx.store.closeSale(this.#ctx.showId, sale.id));
      }
    }
  }

  /** Expires lapsed reservations; their units return to their sales (one stock.changed per sale). */
  async expire(now: number): Promise<void> {
    await this.#ctx.ready();
    const expired = await this.#ctx.store.expireReservations(this.#ctx.showId, now);
    const latest = new Map<string, { reservation: Reservation; sale: SaleUnits }>();
    for (const entry of expired) {
      const seen = latest.get(entry.sale.saleId);
      if (!seen || seen.sale.version < entry.sale.version) latest.set(entry.sale.saleId, entry);
    }
    for (const { reservation, sale } of latest.values()) {
      this.#publish(reservation.productId, reservation.variantId, sale);
    }
  }

  // --- Viewer requests ------------------------------------------------------------------------

  async reserve(viewer: Viewer, body: unknown): Promise<Reservation> {
    const request = parseBody(ReserveRequestSchema, body);
    const ctx = this.#ctx;
    const sale = this.#sale(request.saleId);
    const now = ctx.now();
    if (now < sale.startsAt) throw notStarted(sale.id, sale.startsAt);
    if (sale.status === 'ended' || now >= sale.endsAt) throw ended(sale.id);
    const reservation: Reservation = {
      id: ctx.newId(),
      saleId: sale.id,
      productId: sale.productId,
      variantId: sale.variantId,
      quantity: request.quantity,
      unitPrice: sale.price,
      expiresAt: now + sale.reservationTtlMs,
      status: 'held',
    };
    await ctx.ready();
    const result = await ctx.store.reserve(ctx.showId, { reservation, buyerId: viewer.id, now });
    if (!result.ok) {
      switch (result.reason) {
        case 'not-found':
          throw new ProblemError('not-found', `Sale "${sale.id}" is not in this show.`);
        case 'not-started':
          throw notStarted(sale.id, result.startsAt);
        case 'ended':
          throw ended(sale.id);
        case 'sold-out':
          throw new ProblemError(
            'sold-out',
            result.unitsLeft === 0
              ? `Sale "${sale.id}" is sold out.`
              : `Only ${plural(result.unitsLeft, 'unit')} left in sale "${sale.id}"; you asked for ${request.quantity}.`,
          );
        case 'limit-exceeded':
          throw new ProblemError(
            'limit-exceeded',
            `Sale "${sale.id}" allows ${plural(result.limit, 'unit')} per buyer; you already have ${result.has} (held or bought) and asked for ${request.quantity}.`,
          );
      }
    }
    this.#publish(sale.productId, sale.variantId, result.sale);
    return result.reservation;
  }

  async release(viewer: Viewer, reservationId: string): Promise<Reservation> {
    const ctx = this.#ctx;
    await ctx.ready();
    const result = await ctx.store.releaseReservation(ctx.showId, { reservationId, buyerId: viewer.id, now: ctx.now() });
    if (result.ok) {
      this.#publish(result.reservation.productId, result.reservation.variantId, result.sale);
      return result.reservation;
    }
    if (result.reason === 'not-found') throw reservationNotFound(reservationId);
    const { reservation } = result;
    if (result.sale) this.#publish(reservation.productId, reservation.variantId, result.sale);
    // Releasing twice is harmless: the second call sees what the first did.
    if (reservation.status === 'released') return reservation;
    throw notHeld(reservation);
  }

  /** Buys a held reservation at the sale price; works after the sale ended (the units were held). */
  async checkout(viewer: Viewer, reservationId: string): Promise<Order> {
    const ctx = this.#ctx;
    await ctx.ready();
    const stored = await ctx.store.getReservation(ctx.showId, reservationId);
    if (!stored || stored.buyerId !== viewer.id) throw reservationNotFound(reservationId);
    const { reservation } = stored;
    if (reservation.status !== 'held') throw notHeld(reservation);
    const item = findItem(ctx.state, reservation.productId, reservation.variantId);
    const now = ctx.now();
    const order: Order = {
      id: ctx.newId(),
      showId: ctx.showId,
      kind: 'purchase',
      status: 'confirmed',
      lines: [
        {
          productId: reservation.productId,
          variantId: reservation.variantId,
          title: item ? lineTitle(item) : reservation.productId,
          quantity: reservation.quantity,
          unitPrice: reservation.unitPrice,
          saleId: reservation.saleId,
        },
      ],
      total: times(reservation.unitPrice, reservation.quantity),
      createdAt: now,
    };
    const result = await ctx.store.purchaseReservation(ctx.showId, { reservationId, buyerId: viewer.id, now, order });
    if (!result.ok) {
      if (result.reason === 'not-found') throw reservationNotFound(reservationId);
      if (result.reason === 'expired' && result.sale) this.#publish(reservation.productId, reservation.variantId, result.sale);
      throw notHeld(result.reservation);
    }
    const fresh = this.#inventory.publish({
      productId: reservation.productId,
      variantId: reservation.variantId,
      stock: result.stock,
      sale: result.sale,
    });
    ctx.emit('purchase', {
      productId: reservation.productId,
      variantId: reservation.variantId,
      quantity: reservation.quantity,
      buyer: maskBuyer(viewer),
      saleId: reservation.saleId,
    });
    this.#endIfSoldOut(fresh);
    return result.order;
  }

  // --- Internals ------------------------------------------------------------------------------

  #sale(saleId: string): FlashSale {
    const sale = this.#ctx.state.sales.find((s) => s.id === saleId);
    if (!sale) throw new ProblemError('not-found', `Sale "${saleId}" is not in this show.`);
    return sale;
  }

  #publish(productId: string, variantId: string, units: SaleUnits): void {
    this.#endIfSoldOut(this.#inventory.publish({ productId, variantId, sale: units }));
  }

  /** A sale whose units are all sold (none left, none held) is over. */
  #endIfSoldOut(units: SaleUnits | undefined): void {
    if (!units || units.unitsLeft > 0 || units.held > 0) return;
    if (this.#endInState(units.saleId, 'sold-out')) {
      this.#ctx.background(this.#ctx.store.closeSale(this.#ctx.showId, units.saleId));
    }
  }

  #endInState(saleId: string, reason: NonNullable<FlashSale['endReason']>): boolean {
    const sale = this.#ctx.state.sales.find((s) => s.id === saleId);
    if (!sale || sale.status === 'ended') return false;
    this.#ctx.emit('sale.ended', { ...sale, status: 'ended', endReason: reason });
    return true;
  }
}

function notStarted(saleId: string, startsAt: number): ProblemError {
  return new ProblemError('sale-not-started', `Sale "${saleId}" starts at ${iso(startsAt)}.`);
}

function ended(saleId: string): ProblemError {
  return new ProblemError('sale-ended', `Sale "${saleId}" has ended.`);
}

function reservationNotFound(reservationId: string): ProblemError {
  return new ProblemError('not-found', `Reservation "${reservationId}" not found.`);
}

/** A reservation that can no longer be bought or released: the problem says why. */
function notHeld(reservation: Reservation): ProblemError {
  const why =
    reservation.status === 'expired'
      ? `expired at ${iso(reservation.expiresAt)}; its units went back to the sale`
      : reservation.status === 'released'
        ? 'was released'
        : 'was already bought';
  return new ProblemError('reservation-expired', `Reservation "${reservation.id}" ${why}.`);
}
