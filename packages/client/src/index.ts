export * from './protocol/index.js';
export * from './state/reducer.js';
export { createClient, NightmarketClient, type ClientOptions } from './client/client.js';
export { type Room, type ConnectionStatus, type CloseReason, type JoinOptions, type RoomError, type RoomEventMap, type SubscribeOptions } from './client/room.js';
export { NightmarketError, type NightmarketErrorInit, type NightmarketErrorType } from './client/errors.js';
export { ServerClock, type ClockSample } from './client/clock.js';
export type { CallOptions, IdempotentCallOptions, TokenProvider } from './client/http.js';
export { backoffDelay, type BackoffOptions } from './transport/backoff.js';
export { protocolCommerce, mergeProducts, type CommerceAdapter, type CommerceContext, type ProductPatch } from './commerce/adapter.js';
export {
  ShowCart,
  applyCartIntent,
  DEFAULT_HOOK_TIMEOUT_MS,
  type CartAddition,
  type CartIntent,
  type CartProblem,
  type CartState,
  type CartHandler,
  type ShowCartOptions,
} from './commerce/cart.js';
