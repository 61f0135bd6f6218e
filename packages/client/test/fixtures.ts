import type { Product, ShowEvent, Snapshot } from '@nightmarket/client';

/** A robot vacuum sold in CNY, with a tracked variant. */
export const vacuum: Product = {
  id: 'vac-1',
  sku: 'RV-2000',
  title: 'Robot vacuum X2',
  images: [{ url: 'https://cdn.example/vac.jpg', alt: 'White robot vacuum seen from above' }],
  price: { amount: 199900, currency: 'CNY' },
  compareAtPrice: { amount: 259900, currency: 'CNY' },
  variants: [{ id: 'white', title: 'White', available: true, stock: 500 }],
  delivery: { minDays: 1, maxDays: 3, fulfilledBy: 'JD Logistics' },
  badges: [{ kind: 'authentic', label: '100% authentic' }],
};

export function snapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    protocol: 1,
    capabilities: ['cart', 'chat'],
    epoch: 'e1',
    seq: 0,
    serverTime: 1_700_000_000_000,
    heartbeatMs: 15_000,
    show: {
      id: 'spring-launch',
      title: 'Spring launch',
      status: 'live',
      startsAt: 1_700_000_000_000,
      host: { name: 'Lin' },
      stream: { hls: 'https://video.example/live.m3u8', programDateTime: true },
      locale: 'zh-CN',
      currency: 'CNY',
    },
    products: [vacuum],
    pinned: null,
    sales: [],
    presales: [],
    polls: [],
    chat: [],
    pinnedMessage: null,
    viewers: 0,
    ...overrides,
  };
}

/** Builds the event `seq` of a deterministic, varied stream of events (all valid). */
export function eventAt(seq: number, kind = seq): ShowEvent {
  const at = 1_700_000_000_000 + seq * 10;
  switch (kind % 7) {
    case 0:
      return { type: 'viewers.changed', seq, at, data: { count: seq * 3 } };
    case 1:
      return {
        type: 'chat.message',
        seq,
        at,
        data: { id: `m${seq}`, author: { id: `v${seq % 5}`, name: `Viewer ${seq % 5}`, role: 'viewer' }, text: `msg ${seq}`, at },
      };
    case 2:
      return { type: 'stock.changed', seq, at, data: { productId: 'vac-1', variantId: 'white', stock: 500 - seq, available: true } };
    case 3:
      return { type: 'product.pinned', seq, at, data: { productId: 'vac-1', at, streamTime: at - 4000 } };
    case 4:
      return { type: 'reaction', seq, at, data: { counts: { heart: seq } } };
    case 5:
      return { type: 'chat.removed', seq, at, data: { messageId: `m${seq - 4}` } };
    default:
      return {
        type: 'poll.updated',
        seq,
        at,
        data: {
          id: 'p1',
          question: 'Which colour next?',
          options: [
            { id: 'a', label: 'White', votes: seq },
            { id: 'b', label: 'Black', votes: 1 },
          ],
          totalVotes: seq + 1,
          status: 'open',
          openedAt: 1_700_000_000_000,
        },
      };
  }
}
