/**
 * `@nightmarket/client`, unchanged, against the scaled-out stack: the client's own room contract
 * (packages/client/test/room-contract.ts) with nginx + nchan + Redis serving the event streams,
 * two server instances behind nginx, orders in PostgreSQL. Cursors are nchan's message ids.
 */
import { afterAll, beforeAll } from 'vitest';
import { createClient } from '@nightmarket/client';
import { describeRoomContract, type RoomTarget } from '../../../client/test/room-contract.js';
import type { Stack } from '../../../../scripts/stack/stack.js';
import { command, createShow, cuttingFetch, serverState, testStack, viewerPost } from './fixtures.js';

let stack: Stack;
beforeAll(async () => {
  stack = await testStack();
});
afterAll(() => stack?.stop());

let shows = 0;
const faults = new Map<string, ReturnType<typeof cuttingFetch>>();

const target: RoomTarget = {
  name: 'the stack (nginx + nchan + Redis, two instances, PostgreSQL)',
  patienceMs: 10_000,
  async createShow() {
    const id = `room-${++shows}`;
    await createShow(stack, id);
    const cut = cuttingFetch();
    faults.set(id, cut);
    return {
      id,
      viewerSays: async (name, text) => {
        const response = await viewerPost(stack, name, `shows/${id}/chat`, { text });
        if (response.status !== 201) throw new Error(`chat answered ${response.status}: ${await response.text()}`);
      },
      pin: (productId, options) => command(stack, id, { type: 'product.pin', productId, ...options }),
      setViewers: (count) => command(stack, id, { type: 'viewers.set', count }),
      end: () => command(stack, id, { type: 'show.end' }),
      state: () => serverState(stack, id),
      dropStreamAfter: (events, times) => cut.drop(events, times),
      streamRequests: () => cut.streams(),
    };
  },
  client: (show) => createClient({ baseUrl: `${stack.url}api/`, fetch: faults.get(show.id)!.fetch }),
};

describeRoomContract(target);
