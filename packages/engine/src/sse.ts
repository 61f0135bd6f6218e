/**
 * The event stream of a show as Server-Sent Events: `retry:` first, then the backlog after the
 * client's cursor, then live events — in seq order, with no gap and no duplicate within the
 * connection — with heartbeat comments in between, until the show ends or the client goes away.
 */
import type { ShowEvent } from '@nightmarket/client';
import type { ShowEngine } from './engine.js';
import { ProblemError } from './problem.js';

/** Where a connection starts: live events only, after a seq, or with a `reset`. */
export type StreamStart =
  | { readonly kind: 'live' }
  | { readonly kind: 'after'; readonly seq: number }
  | { readonly kind: 'reset'; readonly reason: 'too-old' | 'epoch-changed' | 'other' };

/** A client that stopped reading is cut off after this many queued messages; it resumes from its cursor. */
const MAX_QUEUED = 5000;

const encoder = new TextEncoder();

/**
 * The SSE frame of each event, made once however many connections send it: the engine hands every
 * subscriber the same event object, and serializing it per connection cost the fan-out most of its
 * time. Weak, so frames go with the events the history drops.
 */
const frames = new WeakMap<ShowEvent, Uint8Array>();

function frameOf(epoch: string, event: ShowEvent): Uint8Array {
  let frame = frames.get(event);
  if (!frame) frames.set(event, (frame = encoder.encode(`id: ${epoch}:${event.seq}\ndata: ${JSON.stringify(event)}\n\n`)));
  // Each connection gets its own copy: a consumer may transfer (detach) the chunks it reads.
  return frame.slice();
}

/**
 * Decides where a connection starts from its `Last-Event-ID` (the engine's `<epoch>:<seq>`
 * cursor, preferred) or its `since` query (a snapshot's seq, with the snapshot's `epoch` when the
 * client sends it). A malformed `since` is a 400; a cursor the engine cannot serve is a reset, so
 * the client fetches a new snapshot.
 */
export function streamStart(
  engine: ShowEngine,
  lastEventId: string | undefined,
  since: string | undefined,
  epoch?: string | undefined,
): StreamStart {
  let seq: number;
  if (lastEventId !== undefined && lastEventId !== '') {
    const colon = lastEventId.lastIndexOf(':');
    const digits = lastEventId.slice(colon + 1);
    if (colon < 1 || !/^\d{1,15}$/.test(digits)) return { kind: 'reset', reason: 'other' };
    if (lastEventId.slice(0, colon) !== engine.epoch) return { kind: 'reset', reason: 'epoch-changed' };
    seq = Number(digits);
  } else if (since !== undefined) {
    if (!/^\d{1,15}$/.test(since)) {
      const message = 'must be a sequence number (a non-negative integer)';
      throw new ProblemError('invalid-request', `since: ${message}`, { errors: [{ path: 'since', message }] });
    }
    // A snapshot from an earlier epoch: its seq means nothing in this sequence.
    if (epoch !== undefined && epoch !== engine.epoch) return { kind: 'reset', reason: 'epoch-changed' };
    seq = Number(since);
  } else {
    return { kind: 'live' };
  }
  if (seq > engine.seq) return { kind: 'reset', reason: 'other' };
  if (engine.eventsAfter(seq) === undefined) return { kind: 'reset', reason: 'too-old' };
  return { kind: 'after', seq };
}

/** Options of {@link eventStream}. */
export interface EventStreamOptions {
  readonly start: StreamStart;
  /** Reconnection delay hint sent as `retry:`, in ms. */
  readonly retryMs: number;
  /** Aborts the stream (the request's signal, where the platform wires it). */
  readonly signal?: AbortSignal | undefined;
}

/**
 * The SSE body for one connection. The connection counts as a viewer while it is open; every
 * way it can end (show ended, engine disposed, client cancelled, request aborted, client too slow)
 * runs the same cleanup once.
 */
export function eventStream(engine: ShowEngine, options: EventStreamOptions): ReadableStream<Uint8Array> {
  let cleanup: (() => void) | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let done = false;
      let last = 0; // seq of the last event sent: nothing at or below it is sent again
      let live = false;
      let endedEarly = false;
      const buffered: ShowEvent[] = [];
      let heartbeat: ReturnType<typeof setInterval> | undefined;

      const write = (chunk: string | Uint8Array): void => {
        if (done) return;
        controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
        if (controller.desiredSize !== null && controller.desiredSize < -MAX_QUEUED) finish(true);
      };
      const send = (event: ShowEvent): void => {
        if (event.seq <= last) return;
        last = event.seq;
        write(frameOf(engine.epoch, event));
      };
      const finish = (close: boolean): void => {
        if (done) return;
        done = true;
        unsubscribe();
        clearInterval(heartbeat);
        options.signal?.removeEventListener('abort', onAbort);
        engine.viewerLeft();
        if (close) {
          try {
            controller.close();
          } catch {
            // Already closed or cancelled by the consumer: nothing left to do.
          }
        }
      };
      const onAbort = (): void => finish(true);
      cleanup = () => finish(false);

      // Subscribe before reading the backlog: an event emitted in between is buffered, and the
      // seq check drops whatever the backlog already contained.
      const unsubscribe = engine.subscribe({
        event: (event) => (live ? send(event) : buffered.push(event)),
        end: () => (live ? finish(true) : (endedEarly = true)),
      });
      const subscribedAt = engine.seq;
      engine.viewerJoined();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.signal?.aborted) return finish(true);

      write(`retry: ${options.retryMs}\n\n`);
      let start = options.start;
      if (start.kind === 'after') {
        const backlog = engine.eventsAfter(start.seq);
        // The history may have moved on since the cursor was checked.
        if (backlog === undefined) start = { kind: 'reset', reason: 'too-old' };
        else {
          last = start.seq;
          for (const event of backlog) send(event);
        }
      }
      if (start.kind === 'reset') {
        const seq = subscribedAt;
        // reset carries the current seq (0 in an epoch that has no event yet) and is not part of
        // the sequence: the next live event is seq + 1.
        const reset: ShowEvent = { type: 'reset', seq, at: engine.now(), data: { reason: start.reason } };
        write(`id: ${engine.epoch}:${seq}\ndata: ${JSON.stringify(reset)}\n\n`);
        last = seq;
      } else if (start.kind === 'live') {
        last = subscribedAt;
      }
      for (const event of buffered) send(event);
      buffered.length = 0;
      live = true;
      if (endedEarly) return finish(true);

      heartbeat = setInterval(() => write(': hb\n\n'), engine.heartbeatMs);
      (heartbeat as { unref?: () => void }).unref?.();
    },
    cancel() {
      cleanup?.();
    },
  });
}
