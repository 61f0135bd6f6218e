/**
 * What the rule modules (sales, presales, cart, social, commands) see of their engine. Internal:
 * not exported from the package. Keeping it an interface lets each module be read on its own.
 */
import type { ShowEvent, ShowState } from '@nightmarket/client';
import type { CommerceStore } from './store.js';

/** Every event the engine emits into the sequence (`reset` is per connection, never emitted). */
export type EmittedEvent = Exclude<ShowEvent, { type: 'reset' }>;
/** Type names of {@link EmittedEvent}. */
export type EmittedType = EmittedEvent['type'];
/** The `data` of an event type. */
export type EventData<T extends EmittedType> = Extract<EmittedEvent, { type: T }>['data'];

/** A viewer on whose behalf a request is made. */
export interface Viewer {
  /** Stable id of the viewer (the protocol's Id pattern); scopes carts, limits and idempotency keys. */
  readonly id: string;
  /** Display name, shown in chat and (masked) in purchase events. */
  readonly name: string;
}

/** Settings every rule module reads, resolved from the engine options. */
export interface RuleSettings {
  readonly reactionWindowMs: number;
  readonly chatMessages: number;
  readonly chatPerMs: number;
  readonly reservationTtlMs: number;
}

/** The engine as the rule modules use it. */
export interface EngineContext {
  readonly showId: string;
  readonly store: CommerceStore;
  readonly settings: RuleSettings;
  /** The current public state (changes only through {@link EngineContext.emit}). */
  readonly state: ShowState;
  now(): number;
  newId(): string;
  /** Appends an event to the sequence: applies it to the state and sends it to subscribers. */
  emit<T extends EmittedType>(type: T, data: EventData<T>): void;
  /** Resolves once the store holds the initial stock; await it before any store call. */
  ready(): Promise<void>;
  /** Runs a store call in the background (bookkeeping whose result nobody waits for). */
  background(task: Promise<unknown>): void;
}
