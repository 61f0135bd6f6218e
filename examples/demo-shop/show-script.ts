/**
 * The demo show and the script that runs it on the reference server: a host working through a
 * product queue while a crowd chats, reacts, votes and buys — every action through the real
 * engine, so stock, limits and sell-outs are real.
 */
import type { Product, Show } from '@nightmarket/client';
import type { ShowEngine } from '@nightmarket/engine';
import { ShowDirector } from '@nightmarket/testing';

const CNY = (yuan: number) => ({ amount: Math.round(yuan * 100), currency: 'CNY' });

/** The demo show, live now, streaming from the server's simulated live stream. */
export function demoShow(origin: string): Show {
  return {
    id: 'spring-launch',
    title: 'Spring launch — live deals from the Lantern & Co. studio',
    description: 'New season, live prices, a flash sale every two minutes.',
    status: 'live',
    startsAt: Date.now(),
    host: { name: 'Lin', verified: true },
    stream: { hls: `${origin}/streams/spring-launch/live.m3u8`, programDateTime: true },
    locale: 'en-US',
    currency: 'CNY',
  };
}

/** The demo catalog, with images drawn by the demo server. */
export function demoProducts(origin: string): Product[] {
  const img = (name: string, alt: string) => [{ url: `${origin}/demo/img/${name}.svg`, alt, width: 260, height: 260 }];
  return [
    {
      id: 'robot-vacuum',
      sku: 'RV-X2',
      title: 'Robot vacuum X2 — self-emptying, 6000 Pa',
      description: 'Laser navigation, vacuums and mops, empties itself for 60 days.',
      images: img('robot-vacuum', 'Round robot vacuum seen from above'),
      price: CNY(2499),
      compareAtPrice: CNY(3299),
      variants: [
        { id: 'white', title: 'White', options: { Colour: 'White' }, available: true, stock: 400 },
        { id: 'black', title: 'Black', options: { Colour: 'Black' }, available: true, stock: 120 },
      ],
      delivery: { minDays: 1, maxDays: 2, fulfilledBy: 'JD Logistics', freeShipping: true },
      badges: [
        { kind: 'authentic', label: '100% authentic', detail: 'Shipped by the brand’s official store.' },
        { kind: 'warranty', label: '2-year warranty' },
      ],
    },
    {
      id: 'air-purifier',
      title: 'AirPure Max air purifier (presale)',
      description: 'HEPA 14, 600 m³/h. Pay a refundable deposit now, the balance when it ships.',
      images: img('air-purifier', 'Tall white air purifier with a front grille'),
      price: CNY(1999),
      variants: [{ id: 'default', title: 'AirPure Max', available: true, stock: 300 }],
      delivery: { minDays: 20, maxDays: 30, note: 'Ships in the first week of next month' },
      badges: [{ kind: 'verified-seller', label: 'Verified seller' }],
    },
    {
      id: 'tea-set',
      title: 'Celadon tea set, 6 cups',
      images: img('tea-set', 'Pale green porcelain teapot and cups'),
      price: CNY(188),
      variants: [{ id: 'default', title: 'Celadon tea set, 6 cups', available: true, stock: null }],
      delivery: { minDays: 3, maxDays: 5, freeShipping: true },
      badges: [{ kind: 'free-returns', label: '7-day free returns' }],
    },
    {
      id: 'rocket-launch',
      title: 'Rideshare payload slot on a commercial launch',
      description: 'A 1U cubesat slot. Five slots a year.',
      images: img('rocket-launch', 'Rocket lifting off'),
      price: CNY(400_000),
      variants: [{ id: 'slot', title: '1U slot', available: true, stock: 5 }],
      badges: [{ kind: 'official-store', label: 'Official store' }],
    },
  ];
}

const NAMES = ['Mei', 'Jun', 'Ana', 'Tomás', 'Priya', 'Kenji', 'Lea', 'Omar', 'Sofia', 'Wei', 'Chloé', 'Ravi'];
const CHAT = [
  'Does it work on carpets?',
  '能发货到澳门吗？',
  'Is this the official store?',
  'Black one please!',
  '🔥🔥🔥',
  'How loud is it at night?',
  'Tem garantia no Brasil?',
  'Just ordered two 🙌',
  'Can it climb door sills?',
];

/**
 * Runs the demo show until `signal` aborts: a two-minute cycle with a flash sale that sells out,
 * a presale taking deposits, a poll, and a crowd. Refusals (sold out, limits, rate limits) are
 * part of the show and are ignored.
 */
export async function runShowScript(engine: ShowEngine, signal: AbortSignal): Promise<void> {
  const show = new ShowDirector(engine);
  const viewer = (i: number) => ({ id: `sim-${i}`, name: NAMES[i % NAMES.length]! });
  const quietly = (p: Promise<unknown>) => p.catch(() => undefined);
  const every = (ms: number, from: number, to: number, run: (i: number) => unknown) =>
    Array.from({ length: Math.floor((to - from) / ms) }, (_, i) => ({ at: from + i * ms, run: () => run(i) }));
  let round = 0;

  while (!signal.aborted) {
    round++;
    let saleId: string | undefined;
    let presaleId: string | undefined;
    let pollId: string | undefined;
    await show.timeline(
      [
        { at: 0, run: () => quietly(show.setStock('robot-vacuum', 'white', 400)) },
        { at: 0, run: () => quietly(show.pin('robot-vacuum', { streamTime: engine.now() })) },
        ...every(1500, 0, 120_000, (i) => quietly(show.setViewers(18_000_000 + Math.round(Math.sin(i / 9) * 400_000) + i * 1_700))),
        ...every(2600, 500, 118_000, (i) => quietly(show.viewerSays(NAMES[(i * 5 + round) % NAMES.length]!, CHAT[(i + round) % CHAT.length]!))),
        ...every(900, 0, 120_000, (i) => quietly(show.react(i % 3 === 0 ? 'fire' : 'heart', 3 + (i % 7)))),
        {
          at: 4000,
          run: async () => {
            const question = engine.state.chat.findLast((m) => m.text.includes('carpets'));
            await quietly(show.hostSays('Yes — carpets and hard floors; it lifts the mop on carpet.', question ? { replyTo: question.id } : {}));
          },
        },
        {
          at: 6000,
          run: async () => {
            saleId = await show.startSale({
              productId: 'robot-vacuum',
              variantId: 'white',
              price: CNY(1799),
              units: 40,
              limitPerBuyer: 2,
              durationMs: 60_000,
              reservationTtlMs: 20_000,
            });
            await quietly(show.hostSays('Flash sale! 40 units at ¥1,799 — limit 2 per person. Go go go!'));
          },
        },
        // The crowd rushes the sale: most buy, some hold a unit and walk away (it comes back).
        ...every(700, 9000, 60_000, async (i) => {
          if (!saleId) return;
          const buyer = viewer(100 + round * 1000 + i);
          const held = await quietly(engine.reserve(buyer, { saleId, quantity: 1 + (i % 2) }));
          if (held && typeof held === 'object' && 'id' in held && i % 6 !== 0) {
            await quietly(engine.checkout(buyer, { source: 'reservation', reservationId: (held as { id: string }).id }));
          }
        }),
        {
          at: 20_000,
          run: async () => {
            pollId = await show.openPoll('Which colour should we bring next?', ['Sage green', 'Midnight blue', 'Sand'], { durationMs: 40_000 });
          },
        },
        ...every(1100, 21_000, 58_000, (i) => pollId && quietly(engine.vote(viewer(i + round * 100), pollId, { optionId: `o${1 + ((i * i) % 3)}` }))),
        ...every(1300, 10_000, 115_000, (i) => quietly(show.buy(NAMES[i % NAMES.length]!, 'tea-set', 1 + (i % 2)))),
        {
          at: 62_000,
          run: async () => {
            await quietly(show.pin('air-purifier', { streamTime: engine.now() }));
            presaleId = await show.openPresale({
              productId: 'air-purifier',
              deposit: CNY(100),
              balance: CNY(1899),
              refundable: true,
              units: 800,
              limitPerBuyer: 2,
              durationMs: 45_000,
            });
            await quietly(show.hostSays('Presale: ¥100 refundable deposit holds an AirPure Max; balance when it ships.'));
          },
        },
        ...every(600, 63_000, 105_000, (i) => presaleId && quietly(engine.deposit(viewer(5000 + round * 1000 + i), { presaleId, quantity: 1 }))),
        { at: 108_000, run: () => quietly(show.pin('tea-set', { streamTime: engine.now() })) },
        { at: 119_000, run: () => quietly(show.unpin(engine.now())) },
        { at: 120_000, run: () => undefined },
      ],
      { signal },
    );
  }
}
