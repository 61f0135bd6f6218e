/**
 * The show state reducer: a pure function of (snapshot, events). No I/O, no clocks, no mutation;
 * unchanged parts of the state keep their identity so renderers can skip them.
 *
 * The show engine builds its own snapshots with this same reducer, so "snapshot at N + events
 * N+1…M" equals "snapshot at M" by construction, and the property tests check it.
 */
import { CHAT_HISTORY_LIMIT } from '../protocol/schemas.js';
import type { EventEnvelope, ShowEvent, Snapshot } from '../protocol/types.js';

/**
 * The state of a show as a client sees it: the snapshot without its transport fields
 * (`serverTime`, `heartbeatMs`). Immutable: every change makes a new object.
 */
export interface ShowState extends Readonly<Omit<Snapshot, 'serverTime' | 'heartbeatMs'>> {}

/**
 * What {@link ingest} did with an event.
 *
 * - `applied`: the event was the next in sequence and is now part of the state.
 * - `duplicate`: its seq was already applied; the state is unchanged.
 * - `gap`: events between the state and this one are missing; fetch a snapshot.
 * - `reset`: the server asks for a new snapshot.
 */
export type IngestOutcome = 'applied' | 'duplicate' | 'gap' | 'reset';

/** Turns a snapshot into state. */
export function fromSnapshot(snapshot: Snapshot): ShowState {
  const { serverTime: _serverTime, heartbeatMs: _heartbeatMs, ...state } = snapshot;
  return state;
}

/**
 * Decides what to do with an event given the state's seq, and applies it when it is the next one.
 * Feeding the same event twice, or replaying events already applied (as happens when a stream
 * resumes), leaves the state as it was.
 */
export function ingest(
  state: ShowState,
  event: ShowEvent | EventEnvelope,
): { state: ShowState; outcome: IngestOutcome } {
  if (event.type === 'reset') return { state, outcome: 'reset' };
  if (event.seq <= state.seq) return { state, outcome: 'duplicate' };
  if (event.seq > state.seq + 1) return { state, outcome: 'gap' };
  return { state: applyEvent(state, event), outcome: 'applied' };
}

/**
 * Applies one event to the state and returns the new state. Events whose seq is not above the
 * state's are ignored (the same state is returned). Unknown event types only advance `seq`,
 * so newer servers can add event types without breaking older clients. `reset` changes nothing:
 * the caller must fetch a snapshot.
 */
export function applyEvent(state: ShowState, event: ShowEvent | EventEnvelope): ShowState {
  if (event.seq <= state.seq || event.type === 'reset') return state;
  const next = reduce(state, event as ShowEvent);
  return next === state ? { ...state, seq: event.seq } : { ...next, seq: event.seq };
}

function reduce(state: ShowState, event: ShowEvent): ShowState {
  switch (event.type) {
    case 'show.updated':
      return { ...state, show: event.data };
    case 'product.upserted':
      return { ...state, products: upsert(state.products, event.data) };
    case 'product.removed': {
      const { productId } = event.data;
      return {
        ...state,
        products: state.products.filter((p) => p.id !== productId),
        pinned: state.pinned?.productId === productId ? null : state.pinned,
      };
    }
    case 'product.pinned':
      return { ...state, pinned: event.data };
    case 'product.unpinned':
      return state.pinned?.productId === event.data.productId ? { ...state, pinned: null } : state;
    case 'stock.changed': {
      const { productId, variantId, stock, available, sale } = event.data;
      const products = state.products.map((p) =>
        p.id !== productId
          ? p
          : { ...p, variants: p.variants.map((vt) => (vt.id === variantId ? { ...vt, stock, available } : vt)) },
      );
      const sales = sale
        ? state.sales.map((s) => (s.id === sale.id ? { ...s, unitsLeft: sale.unitsLeft } : s))
        : state.sales;
      return { ...state, products, sales };
    }
    case 'sale.scheduled':
    case 'sale.started':
    case 'sale.ended':
      return { ...state, sales: upsert(state.sales, event.data) };
    case 'presale.opened':
    case 'presale.updated':
    case 'presale.closed':
      return { ...state, presales: upsert(state.presales, event.data) };
    case 'poll.opened':
    case 'poll.updated':
    case 'poll.closed':
      return { ...state, polls: upsert(state.polls, event.data) };
    case 'viewers.changed':
      return { ...state, viewers: event.data.count };
    case 'chat.message': {
      // One copy per message: drop the oldest while copying when the history is full.
      const chat = state.chat.slice(Math.max(0, state.chat.length - CHAT_HISTORY_LIMIT + 1));
      chat.push(event.data);
      return { ...state, chat };
    }
    case 'chat.removed': {
      const { messageId } = event.data;
      return {
        ...state,
        chat: state.chat.filter((m) => m.id !== messageId),
        pinnedMessage: state.pinnedMessage?.id === messageId ? null : state.pinnedMessage,
      };
    }
    case 'chat.pinned':
      return { ...state, pinnedMessage: event.data.message };
    case 'reaction':
    case 'purchase':
    case 'reset':
      return state;
    default:
      // Unknown to this client: forward compatibility means we only advance seq.
      return state;
  }
}

function upsert<T extends { id: string }>(list: readonly T[], item: T): T[] {
  const index = list.findIndex((x) => x.id === item.id);
  if (index === -1) return [...list, item];
  const copy = list.slice();
  copy[index] = item;
  return copy;
}
