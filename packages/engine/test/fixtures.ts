/**
 * Shared test fixtures: a fake clock, a show with a tracked, an untracked and a presale product,
 * and an engine harness that checks every event it emits against the protocol's schemas.
 */
import { afterEach, expect } from 'vitest';
import { parseEvent, type Money, type Product, type Show, type ShowEvent } from '@nightmarket/client';
import { ProblemError, ShowEngine, type EngineOptions, type ShowInit } from '@nightmarket/engine';

/** 2027-01-15T08:00:00Z: far from any real clock, so nothing passes by accident. */
export const T0 = Date.UTC(2027, 0, 15, 8, 0, 0);
export const HOUR = 3_600_000;

export class FakeClock {
  time: number;
  constructor(start = T0) {
    this.time = start;
  }
  readonly now = (): number => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}

export const cny = (amount: number): Money => ({ amount, currency: 'CNY' });

export const vacuum: Product = {
  id: 'vacuum',
  title: 'Robot vacuum X2',
  images: [{ url: 'https://images.example/vacuum.jpg', alt: 'White robot vacuum' }],
  price: cny(249_900),
  variants: [
    { id: 'white', title: 'White', available: true, stock: 500 },
    { id: 'black', title: 'Black', price: cny(259_900), available: true, stock: 1 },
  ],
};

export const tea: Product = {
  id: 'tea',
  title: 'Celadon tea set',
  images: [],
  price: cny(18_800),
  variants: [{ id: 'default', title: 'Celadon tea set', available: true, stock: null }],
};

export const rocket: Product = {
  id: 'rocket',
  title: 'Launch slot',
  images: [],
  price: cny(4_000_000_000),
  variants: [{ id: 'slot', title: 'Payload slot', available: true, stock: 5 }],
};

export function makeShow(overrides: Partial<Show> = {}): Show {
  return {
    id: 'spring',
    title: 'Spring launch',
    status: 'live',
    startsAt: T0,
    host: { name: 'Lin' },
    stream: { hls: 'https://video.example/live.m3u8' },
    locale: 'zh-CN',
    currency: 'CNY',
    ...overrides,
  };
}

export interface Harness {
  engine: ShowEngine;
  clock: FakeClock;
  /** Every event the engine emitted, in order. */
  events: ShowEvent[];
  /** Events of one type. */
  of<T extends ShowEvent['type']>(type: T): Extract<ShowEvent, { type: T }>[];
}

const engines: ShowEngine[] = [];
const invalid: string[] = [];

afterEach(() => {
  for (const engine of engines.splice(0)) engine.dispose();
  // Every event any engine emitted in the test must be a valid protocol event.
  expect(invalid.splice(0)).toEqual([]);
});

/** Sequential ids (`id-1`, `id-2`, …): deterministic and valid protocol ids. */
export function counterIds(prefix = 'id'): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}

/**
 * A deterministic engine: fake clock, no timers, fixed epoch, sequential ids. Pass `store` to run
 * the engine over another store (the server's SQLite tests do), `clock` to share a clock.
 */
export function makeEngine(options: EngineOptions & { init?: Partial<ShowInit>; clock?: FakeClock } = {}): Harness {
  const { init, clock = new FakeClock(), ...rest } = options;
  const engine = new ShowEngine(
    { show: makeShow(), products: [vacuum, tea, rocket], ...init },
    { now: clock.now, autoTick: false, epoch: 'e1', ids: counterIds(), heartbeatMs: 60_000, ...rest },
  );
  engines.push(engine);
  const events: ShowEvent[] = [];
  engine.subscribe((event) => {
    events.push(event);
    const parsed = parseEvent(JSON.parse(JSON.stringify(event)));
    if (parsed.kind !== 'event') invalid.push(`${event.type} #${event.seq}: ${JSON.stringify(parsed)}`);
  });
  return {
    engine,
    clock,
    events,
    of: <T extends ShowEvent['type']>(type: T) => events.filter((e): e is Extract<ShowEvent, { type: T }> => e.type === type),
  };
}

/** Schedules a sale that is live now (ticked), returning its id. */
export async function liveSale(
  h: Harness,
  sale: Partial<{ units: number; limitPerBuyer: number; durationMs: number; reservationTtlMs: number; variantId: string; price: Money }> = {},
): Promise<string> {
  const now = h.clock.now();
  const { id } = await h.engine.command({
    type: 'sale.schedule',
    sale: {
      productId: 'vacuum',
      variantId: sale.variantId ?? 'white',
      price: sale.price ?? cny(199_900),
      units: sale.units ?? 10,
      limitPerBuyer: sale.limitPerBuyer ?? 5,
      startsAt: now,
      endsAt: now + (sale.durationMs ?? 60_000),
      ...(sale.reservationTtlMs === undefined ? {} : { reservationTtlMs: sale.reservationTtlMs }),
    },
  });
  await h.engine.tick();
  return id!;
}

/** A presale of rocket/slot open for an hour; the balance is due in hours 2–3. */
export async function openPresale(
  h: Harness,
  options: Partial<{ units: number; limitPerBuyer: number; refundable: boolean }> = {},
): Promise<string> {
  const { id } = await h.engine.command({
    type: 'presale.open',
    presale: {
      productId: 'rocket',
      variantId: 'slot',
      deposit: cny(100_000),
      balance: cny(900_000),
      balanceDueFrom: T0 + 2 * HOUR,
      balanceDueUntil: T0 + 3 * HOUR,
      refundable: options.refundable ?? true,
      ...(options.units === undefined ? {} : { units: options.units }),
      limitPerBuyer: options.limitPerBuyer ?? 3,
      endsAt: T0 + HOUR,
    },
  });
  return id!;
}

/** The problem a promise rejects with (fails the test if it resolves or throws something else). */
export async function problemOf(promise: Promise<unknown>): Promise<ProblemError> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected a problem, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProblemError);
  return error as ProblemError;
}

/** A viewer with a display name. */
export const viewer = (id: string, name = id): { id: string; name: string } => ({ id, name });
