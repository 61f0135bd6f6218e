export * from './protocol/index.js';
export * from './state/reducer.js';
export { createClient, NightmarketClient, type ClientOptions } from './client/client.js';
export { type Room, type ConnectionStatus, type CloseReason, type JoinOptions, type RoomError, type RoomEventMap, type SubscribeOptions } from './client/room.js';
export { NightmarketError, type NightmarketErrorInit, type NightmarketErrorType } from './client/errors.js';
export { ServerClock, type ClockSample } from './client/clock.js';
export type { CallOptions, IdempotentCallOptions, TokenProvider } from './client/http.js';
export { backoffDelay, type BackoffOptions } from './transport/backoff.js';
