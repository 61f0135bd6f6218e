/**
 * A ready-made show and catalog for tests and demos: a spring launch in CNY with a robot vacuum
 * (the flash-sale item), a rocket-launch ticket (the presale item) and an everyday product.
 */
import type { Product, Show } from '@nightmarket/client';

/** Products of the sample show, prices in CNY minor units (fen). */
export const sampleProducts: readonly Product[] = [
  {
    id: 'robot-vacuum',
    sku: 'RV-X2-W',
    title: 'Robot vacuum X2 — self-emptying, 6000 Pa',
    description: 'Laser navigation, mops and vacuums, empties itself for 60 days.',
    images: [{ url: 'https://images.example/robot-vacuum.jpg', alt: 'White round robot vacuum on its base station' }],
    url: 'https://shop.example/products/robot-vacuum',
    price: { amount: 249_900, currency: 'CNY' },
    compareAtPrice: { amount: 329_900, currency: 'CNY' },
    variants: [
      { id: 'white', title: 'White', options: { Colour: 'White' }, available: true, stock: 20_000 },
      { id: 'black', title: 'Black', options: { Colour: 'Black' }, available: true, stock: 5_000 },
    ],
    delivery: { minDays: 1, maxDays: 2, fulfilledBy: 'JD Logistics', freeShipping: true },
    badges: [
      { kind: 'authentic', label: '100% authentic', detail: 'Shipped by the brand\'s official store.' },
      { kind: 'warranty', label: '2-year warranty' },
    ],
  },
  {
    id: 'rocket-launch',
    title: 'Commercial rocket launch slot (deposit)',
    description: 'A payload slot on a commercial launch. Refundable deposit now, balance before launch.',
    images: [{ url: 'https://images.example/rocket.jpg', alt: 'Rocket lifting off at dusk' }],
    price: { amount: 4_000_000_000, currency: 'CNY' },
    variants: [{ id: 'slot', title: 'Payload slot', available: true, stock: 5 }],
    badges: [{ kind: 'verified-seller', label: 'Verified seller' }],
  },
  {
    id: 'tea-set',
    title: 'Celadon tea set, 6 cups',
    images: [{ url: 'https://images.example/tea.jpg', alt: 'Pale green porcelain teapot with six cups' }],
    price: { amount: 18_800, currency: 'CNY' },
    variants: [{ id: 'default', title: 'Celadon tea set, 6 cups', available: true, stock: null }],
    delivery: { minDays: 3, maxDays: 5 },
  },
];

/** The sample show (live, CNY, zh-CN) at `startsAt`. */
export function sampleShow(overrides: Partial<Show> = {}): Show {
  return {
    id: 'spring-launch',
    title: 'Spring launch — live deals',
    description: 'New season, live prices, flash sales every 15 minutes.',
    status: 'live',
    startsAt: Date.now(),
    host: { name: 'Lin', verified: true },
    stream: { hls: 'https://video.example/live/spring-launch.m3u8', programDateTime: true },
    locale: 'zh-CN',
    currency: 'CNY',
    ...overrides,
  };
}
