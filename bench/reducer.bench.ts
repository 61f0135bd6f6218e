/**
 * `npm run bench`: throughput of the client's show reducer (`applyEvent`) on a realistic live
 * show, against a baseline measured in the same run on the same events: a reducer that only does
 * one object spread per event (`state = { ...state, seq: e.seq, last: e }`), the least any
 * immutable reducer must do. The ratio says what the real reducer costs on top of that floor.
 *
 * A benchmark prints figures; it asserts nothing. Compare ratios across runs, not raw numbers
 * across machines.
 */
import { applyEvent, fromSnapshot, parseEvent, type ShowEvent, type ShowState, type Snapshot } from '../packages/client/src/index.js';

const EVENTS = 100_000;
const PRODUCTS = 50;
const WARMUP = 2;
const RUNS = 5;
const T0 = 1_700_000_000_000;

/** Deterministic PRNG (mulberry32), so every run measures the same events. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const money = (amount: number) => ({ amount, currency: 'CNY' });

function makeSnapshot(): Snapshot {
  const products = Array.from({ length: PRODUCTS }, (_, i) => ({
    id: `p${i}`,
    sku: `SKU-${1000 + i}`,
    title: `Product ${i}`,
    images: [{ url: `https://cdn.example/p${i}.jpg`, alt: `Product ${i}` }],
    price: money(9_900 + i * 100),
    variants: ['s', 'm', 'l'].map((size) => ({ id: `p${i}-${size}`, title: size.toUpperCase(), available: true, stock: 500 })),
    badges: [{ kind: 'authentic' as const, label: '100% authentic' }],
  }));
  const chat = Array.from({ length: 100 }, (_, i) => ({
    id: `m-init-${i}`,
    author: { id: `v${i % 40}`, name: `Viewer ${i % 40}`, role: 'viewer' as const },
    text: `hello ${i}`,
    at: T0 - (100 - i) * 1000,
  }));
  return {
    protocol: 1,
    capabilities: ['cart', 'checkout', 'flash-sale', 'chat', 'reactions', 'polls'],
    epoch: 'bench',
    seq: 0,
    serverTime: T0,
    heartbeatMs: 15_000,
    show: {
      id: 'bench-show',
      title: 'Benchmark live show',
      status: 'live',
      startsAt: T0,
      host: { name: 'Lin' },
      stream: { hls: 'https://video.example/live.m3u8', programDateTime: true },
      locale: 'zh-CN',
      currency: 'CNY',
    },
    products,
    pinned: { productId: 'p0', at: T0, streamTime: null },
    sales: [
      {
        id: 'sale-1',
        productId: 'p7',
        variantId: 'p7-m',
        price: money(4_900),
        units: 1_000_000,
        unitsLeft: 1_000_000,
        limitPerBuyer: 2,
        startsAt: T0,
        endsAt: T0 + 3_600_000,
        reservationTtlMs: 120_000,
        status: 'live',
      },
    ],
    presales: [],
    polls: [
      {
        id: 'poll-1',
        question: 'Which colour next?',
        options: [
          { id: 'a', label: 'Red', votes: 0 },
          { id: 'b', label: 'Blue', votes: 0 },
          { id: 'c', label: 'Green', votes: 0 },
        ],
        totalVotes: 0,
        status: 'open',
        openedAt: T0,
      },
    ],
    chat,
    pinnedMessage: null,
    viewers: 1_000,
  };
}

/** Share of each event type in a busy show: chat and reactions dominate, pins are rare. */
const MIX: Array<[ShowEvent['type'], number]> = [
  ['chat.message', 0.35],
  ['reaction', 0.25],
  ['viewers.changed', 0.15],
  ['stock.changed', 0.12],
  ['purchase', 0.08],
  ['poll.updated', 0.04],
  ['product.pinned', 0.01],
];

function makeEvents(): ShowEvent[] {
  const rnd = random(42);
  const pick = (): ShowEvent['type'] => {
    let x = rnd();
    for (const [type, share] of MIX) {
      if (x < share) return type;
      x -= share;
    }
    return MIX[0]![0];
  };
  const votes = [0, 0, 0];
  let unitsLeft = 1_000_000;
  let viewers = 1_000;
  const events: ShowEvent[] = [];
  for (let seq = 1; seq <= EVENTS; seq++) {
    const at = T0 + seq * 20;
    const product = Math.floor(rnd() * PRODUCTS);
    const type = pick();
    switch (type) {
      case 'chat.message': {
        const viewer = Math.floor(rnd() * 500);
        events.push({ type, seq, at, data: { id: `m${seq}`, author: { id: `v${viewer}`, name: `Viewer ${viewer}`, role: 'viewer' }, text: `message ${seq}`, at } });
        break;
      }
      case 'reaction':
        events.push({ type, seq, at, data: { counts: { heart: 1 + Math.floor(rnd() * 30), fire: Math.floor(rnd() * 5) } } });
        break;
      case 'viewers.changed':
        viewers = Math.max(0, viewers + Math.floor(rnd() * 21) - 10);
        events.push({ type, seq, at, data: { count: viewers } });
        break;
      case 'stock.changed':
        unitsLeft -= 1;
        events.push({ type, seq, at, data: { productId: 'p7', variantId: 'p7-m', stock: 500, available: true, sale: { id: 'sale-1', unitsLeft } } });
        break;
      case 'purchase':
        events.push({ type, seq, at, data: { productId: `p${product}`, variantId: `p${product}-m`, quantity: 1, buyer: 'L** from Hangzhou' } });
        break;
      case 'poll.updated': {
        const option = Math.floor(rnd() * 3);
        votes[option]! += 1;
        events.push({
          type,
          seq,
          at,
          data: {
            id: 'poll-1',
            question: 'Which colour next?',
            options: ['Red', 'Blue', 'Green'].map((label, i) => ({ id: 'abc'[i]!, label, votes: votes[i]! })),
            totalVotes: votes[0]! + votes[1]! + votes[2]!,
            status: 'open',
            openedAt: T0,
          },
        });
        break;
      }
      case 'product.pinned':
        events.push({ type, seq, at, data: { productId: `p${product}`, at, streamTime: at - 4_000 } });
        break;
      default:
        throw new Error(`no generator for ${type}`);
    }
  }
  return events;
}

type Reducer = (state: ShowState, events: readonly ShowEvent[]) => ShowState;

const real: Reducer = (state, events) => {
  for (const e of events) state = applyEvent(state, e);
  return state;
};

const spread: Reducer = (state, events) => {
  let s = state as ShowState & { last?: ShowEvent };
  for (const e of events) s = { ...s, seq: e.seq, last: e };
  return s;
};

function time(reducer: Reducer, initial: ShowState, events: readonly ShowEvent[]): { eventsPerSecond: number; seq: number } {
  const started = performance.now();
  const final = reducer(initial, events);
  const ms = performance.now() - started;
  return { eventsPerSecond: (events.length / ms) * 1000, seq: final.seq };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

const snapshot = makeSnapshot();
const events = makeEvents();
// The fixture must be protocol-valid, or the benchmark measures paths real streams never take.
const invalid = events.filter((e) => parseEvent(e).kind !== 'event');
if (invalid.length > 0) throw new Error(`bench fixture: ${invalid.length} invalid events, e.g. ${JSON.stringify(invalid[0])}`);

const counts = new Map<string, number>();
for (const e of events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);

console.log(`reducer benchmark: ${fmt(EVENTS)} events over ${PRODUCTS} products, node ${process.version}, ${WARMUP} warm-up + ${RUNS} runs, median`);
console.log(`mix: ${MIX.map(([t]) => `${t} ${(((counts.get(t) ?? 0) / EVENTS) * 100).toFixed(0)}%`).join(', ')}`);

const results: Record<'applyEvent' | 'spread', number[]> = { applyEvent: [], spread: [] };
let sink = 0;
for (let run = 0; run < WARMUP + RUNS; run++) {
  // Interleaved, so a slow moment of the machine hits both sides alike.
  const a = time(real, fromSnapshot(snapshot), events);
  const b = time(spread, fromSnapshot(snapshot), events);
  sink += a.seq + b.seq;
  if (run >= WARMUP) {
    results.applyEvent.push(a.eventsPerSecond);
    results.spread.push(b.eventsPerSecond);
  }
}

const applied = median(results.applyEvent);
const baseline = median(results.spread);
const range = (xs: number[]) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;
const line = (label: string, value: number, runs: number[]) =>
  console.log(`${label.padEnd(24)}${fmt(value).padStart(11)} events/s  (runs ${range(runs)})`);
line('applyEvent', applied, results.applyEvent);
line('baseline: object spread', baseline, results.spread);
console.log(`ratio applyEvent / baseline: ${(applied / baseline).toFixed(2)}× (baseline is ${(baseline / applied).toFixed(1)}× faster)`);
if (sink !== (WARMUP + RUNS) * 2 * EVENTS) console.log(`(unexpected final seq: ${sink})`);
