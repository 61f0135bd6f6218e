/**
 * `@nightmarket/engine`: the server side of the Night Market protocol in platform-neutral
 * TypeScript — the show engine (flash sales that never oversell, per-buyer limits, reservations
 * that expire, presale deposits, carts, chat, polls, idempotency keys), the storage contract for
 * commerce state with an in-memory implementation, and the protocol's HTTP binding as a Fetch handler.
 *
 * @packageDocumentation
 */
export {
  ShowEngine,
  type EngineEndReason,
  type EngineOptions,
  type EngineSubscriber,
  type ShowInit,
  type ViewerRef,
} from './engine.js';
export { ShowRegistry } from './registry.js';
export type { Viewer } from './context.js';
export { ProblemError, PROBLEM_TITLES, type ProblemErrorOptions } from './problem.js';
export { isIdempotencyKey, requestFingerprint, type IdempotentResult } from './idempotency.js';
export { createHttpHandler, bearerViewer, readJsonBody, type FetchHandler, type HttpHandlerOptions } from './http.js';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { takeEventStream, type EventStreamConnection } from './sse.js';
export type {
  AddCartLineResult,
  CommerceStore,
  DepositResult,
  ExpiredReservation,
  IdempotencyBegin,
  IdempotencyOutcome,
  IdempotencyScope,
  OrderTransitionResult,
  PresaleTerms,
  PresaleUnits,
  PurchaseReservationResult,
  PurchaseResult,
  ReleaseResult,
  ReserveResult,
  SaleTerms,
  SaleUnits,
  SavedShow,
  StockLevel,
  StoredCart,
  StoredOrder,
  StoredReservation,
} from './store.js';
