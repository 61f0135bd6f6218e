/**
 * Type-level tests, checked by `npm run typecheck` (tsc evaluates every `expectTypeOf` below;
 * a wrong type is a compile error). They pin what integrators rely on: handlers typed per event,
 * results typed per call, and mistakes caught at compile time.
 */
import { expectTypeOf } from 'vitest';
import {
  createClient,
  type Cart,
  type CheckoutResult,
  type ConnectionStatus,
  type NightmarketErrorType,
  type Order,
  type Reservation,
  type RoomError,
  type ShowEventMap,
  type ShowState,
} from '@nightmarket/client';

const client = createClient({ baseUrl: 'https://shop.example/nightmarket/' });
const room = client.join('spring-launch');

// Handlers are typed per event type.
room.on('chat.message', (event) => {
  expectTypeOf(event.data.text).toEqualTypeOf<string>();
  expectTypeOf(event.data.author.role).toEqualTypeOf<'viewer' | 'host' | 'moderator'>();
});
room.on('stock.changed', (event) => {
  expectTypeOf(event.data.stock).toEqualTypeOf<number | null>();
  expectTypeOf(event.data.sale).toEqualTypeOf<{ id: string; unitsLeft: number } | undefined>();
});
room.on('product.pinned', (event) => expectTypeOf(event.data.streamTime).toEqualTypeOf<number | null>());
room.on('status', (status) => expectTypeOf(status).toEqualTypeOf<ConnectionStatus>());
room.on('error', (error) => expectTypeOf(error).toEqualTypeOf<RoomError>());
// @ts-expect-error: not an event type
room.on('chat.mesage', () => undefined);

expectTypeOf(room.state).toEqualTypeOf<ShowState | null>();
expectTypeOf(room.ready).resolves.toEqualTypeOf<ShowState>();
expectTypeOf<ShowEventMap['poll.closed']['data']['options'][number]['votes']>().toEqualTypeOf<number>();

// Calls return typed results.
expectTypeOf(client.getCart('s')).resolves.toEqualTypeOf<Cart>();
expectTypeOf(client.reserve('s', { saleId: 'x', quantity: 1 })).resolves.toEqualTypeOf<Reservation>();
expectTypeOf(client.deposit('s', { presaleId: 'p', quantity: 1 })).resolves.toEqualTypeOf<Order>();
expectTypeOf(client.checkout('s', { source: 'cart' })).resolves.toEqualTypeOf<CheckoutResult>();
// @ts-expect-error: a reservation checkout needs its reservation id
void client.checkout('s', { source: 'reservation' });
// @ts-expect-error: quantities are numbers
void client.addToCart('s', { productId: 'p', variantId: 'v', quantity: '2' });

// Error types keep autocompletion for known problem types and accept newer ones.
expectTypeOf<'sold-out'>().toExtend<NightmarketErrorType>();
expectTypeOf<'limit-exceeded'>().toExtend<NightmarketErrorType>();
