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

/**
 * A client that stopped reading the web stream is cut off after this many queued messages; it
 * resumes from its cursor. Transports that take a stream over ({@link takeEventStream}) keep a
 * bound of their own.
 */
const MAX_QUEUED = 5000;

const encoder = new TextEncoder();
const HEARTBEAT = encoder.encode(': hb\n\n');

/**
 * The SSE frame of each event, made once however many connections send it: the engine hands every
 * subscriber the same event object, and serializing it per connection cost the fan-out most of its
 * time. Weak, so frames go with the events the history drops.
 */
const frames = new WeakMap<ShowEvent, Uint8Array>();

/** The last frame looked up: every connection asks for the same event in a row. */
let lastEvent: ShowEvent | undefined;
let lastFrame: Uint8Array | undefined;

function frameOf(epoch: string, event: ShowEvent): Uint8Array {
  if (event === lastEvent) return lastFrame!;
  let frame = frames.get(event);
  if (!frame) frames.set(event, (frame = encoder.encode(`id: ${epoch}:${event.seq}\ndata: ${JSON.stringify(event)}\n\n`)));
  lastEvent = event;
  lastFrame = frame;
  return frame;
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
 * An open event stream that a platform's transport took over with {@link takeEventStream}. The
 * connection keeps running as before (subscription, backlog, heartbeats, viewer count, end of
 * the show) and queues its frames; the transport takes them and writes them its own way.
 */
export interface EventStreamConnection {
  /**
   * The frames queued since the last call, in order; empties the queue. An event's frame is the
   * same `Uint8Array` for every connection that sends it, so a transport can write one buffer
   * to many clients: never modify one.
   */
  take(): Uint8Array[];
  /** Whether the stream has ended: no frame comes after those still queued. */
  readonly ended: boolean;
  /**
   * Called synchronously when frames are waiting or the stream ended: at least once after each
   * `take()` that left frames to come, not necessarily once per frame. One listener: setting it
   * replaces the previous one.
   */
  onchange: (() => void) | undefined;
  /**
   * Ends the stream from the transport's side (its client went away, or reads too slowly): stops
   * the subscription and the heartbeat and counts the viewer out. Calling it again does nothing.
   */
  close(): void;
}

/** The connection behind each stream {@link eventStream} made, until it is read or taken over. */
const unclaimed = new WeakMap<ReadableStream<Uint8Array>, Connection>();

/**
 * One event-stream connection, whatever carries its bytes: subscribes, queues `retry:`, then
 * the backlog or a reset, then live events and heartbeats; every way it can end (show ended,
 * engine disposed, client gone, request aborted, client too slow) runs the same cleanup once.
 */
class Connection implements EventStreamConnection {
  onchange: (() => void) | undefined;
  /** How many frames the transport still holds unread (the web stream's own queue). */
  backlog: (() => number) | undefined;
  /** Seq of the last event sent: nothing at or below it is sent again. */
  last = 0;
  /** In the engine's broadcast (after {@link Connection.share}): where this connection is in its log. */
  position = 0;
  readonly #engine: ShowEngine;
  #queue: Uint8Array[] = [];
  #done = false;
  #cleanup: (() => void) | undefined;
  #unsubscribe: (() => void) | undefined;
  #broadcast: Broadcast | undefined;
  /** Whether the broadcast will call {@link Connection.notify} on its next frame. */
  #waiting = false;

  constructor(engine: ShowEngine, options: EventStreamOptions) {
    this.#engine = engine;
    let live = false;
    let endedEarly = false;
    const buffered: ShowEvent[] = [];
    let heartbeat: ReturnType<typeof setInterval> | undefined;

    const send = (event: ShowEvent): void => {
      if (event.seq <= this.last) return;
      this.last = event.seq;
      this.#write(frameOf(engine.epoch, event));
    };
    const onAbort = (): void => this.close();

    // Subscribe before reading the backlog: an event emitted in between is buffered, and the
    // seq check drops whatever the backlog already contained.
    this.#unsubscribe = engine.subscribe({
      event: (event) => (live ? send(event) : buffered.push(event)),
      end: () => (live ? this.close() : (endedEarly = true)),
    });
    const subscribedAt = engine.seq;
    engine.viewerJoined();
    this.#cleanup = () => {
      this.#unsubscribe?.();
      this.#leave();
      clearInterval(heartbeat);
      options.signal?.removeEventListener('abort', onAbort);
      engine.viewerLeft();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) {
      this.close();
      return;
    }

    this.#write(encoder.encode(`retry: ${options.retryMs}\n\n`));
    let start = options.start;
    if (start.kind === 'after') {
      const backlog = engine.eventsAfter(start.seq);
      // The history may have moved on since the cursor was checked.
      if (backlog === undefined) start = { kind: 'reset', reason: 'too-old' };
      else {
        this.last = start.seq;
        for (const event of backlog) send(event);
      }
    }
    if (start.kind === 'reset') {
      const seq = subscribedAt;
      // reset carries the current seq (0 in an epoch that has no event yet) and is not part of
      // the sequence: the next live event is seq + 1.
      const reset: ShowEvent = { type: 'reset', seq, at: engine.now(), data: { reason: start.reason } };
      this.#write(encoder.encode(`id: ${engine.epoch}:${seq}\ndata: ${JSON.stringify(reset)}\n\n`));
      this.last = seq;
    } else if (start.kind === 'live') {
      this.last = subscribedAt;
    }
    for (const event of buffered) send(event);
    buffered.length = 0;
    live = true;
    if (endedEarly) {
      this.close();
      return;
    }

    heartbeat = setInterval(() => this.#write(HEARTBEAT), engine.heartbeatMs);
    (heartbeat as { unref?: () => void }).unref?.();
  }

  get ended(): boolean {
    return this.#done;
  }

  take(): Uint8Array[] {
    const queued = this.#queue;
    // Never hand out the live queue: the broadcast's frames are added to what is returned.
    this.#queue = [];
    const broadcast = this.#broadcast;
    if (broadcast && !this.#done) {
      broadcast.read(this, queued);
      if (!this.#waiting) {
        this.#waiting = true;
        broadcast.wait(this);
      }
    }
    return queued;
  }

  close(): void {
    if (this.#done) return;
    this.#done = true;
    this.#cleanup?.();
    this.onchange?.();
  }

  /**
   * Moves this connection from its own subscription to the engine's broadcast: one subscription
   * and one log of frames for all such connections, which read the log when they take their
   * frames. An event then costs the same however many connections there are, and a connection
   * is notified once per take, not once per event.
   */
  share(): void {
    if (this.#done || this.#broadcast) return;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#broadcast = broadcastOf(this.#engine);
    this.#broadcast.join(this);
  }

  /** The broadcast has a new frame (called once after each take). */
  notify(): void {
    this.#waiting = false;
    this.onchange?.();
  }

  /** Leaves the broadcast, keeping the frames not taken yet: they are still sent before the end. */
  #leave(): void {
    const broadcast = this.#broadcast;
    if (!broadcast) return;
    broadcast.read(this, this.#queue);
    broadcast.leave(this);
  }

  #write(frame: Uint8Array): void {
    if (this.#done) return;
    // Full: the client stopped reading. It gets what is queued, then the end, and resumes from its cursor.
    if (this.#queue.length + (this.backlog?.() ?? 0) >= MAX_QUEUED) return this.close();
    this.#queue.push(frame);
    this.onchange?.();
  }
}

/** How many frames a broadcast's log holds before it drops those every member has read. */
const TRIM_AT = 256;

/**
 * One subscription to an engine for all the connections a transport took over: the frames of
 * its events in order, each connection reading from its own position. A transport that takes
 * every connection's frames once per turn makes the log short; connections that stop taking are
 * the transport's to cut off (its own bound), and are dropped from the log's bound only then.
 */
class Broadcast {
  readonly #engine: ShowEngine;
  readonly #members = new Set<Connection>();
  #frames: Uint8Array[] = [];
  #seqs: number[] = [];
  /** Position of `#frames[0]` since the broadcast began. */
  #base = 0;
  #waiting: Connection[] = [];
  readonly #unsubscribe: () => void;

  constructor(engine: ShowEngine) {
    this.#engine = engine;
    this.#unsubscribe = engine.subscribe({
      event: (event) => this.#append(event),
      end: () => {
        for (const member of [...this.#members]) member.close();
      },
    });
  }

  join(member: Connection): void {
    this.#members.add(member);
    member.position = this.#base + this.#frames.length;
  }

  leave(member: Connection): void {
    this.#members.delete(member);
    if (this.#members.size > 0) return;
    this.#unsubscribe();
    broadcasts.delete(this.#engine);
  }

  /** Calls `member.notify()` on the next frame. */
  wait(member: Connection): void {
    this.#waiting.push(member);
  }

  /** Appends the frames `member` has not read (above its last seq) to `into`, and moves it to the end. */
  read(member: Connection, into: Uint8Array[]): void {
    const frames = this.#frames;
    const seqs = this.#seqs;
    for (let i = Math.max(0, member.position - this.#base); i < frames.length; i++) {
      if (seqs[i]! <= member.last) continue;
      into.push(frames[i]!);
      member.last = seqs[i]!;
    }
    member.position = this.#base + frames.length;
  }

  #append(event: ShowEvent): void {
    this.#frames.push(frameOf(this.#engine.epoch, event));
    this.#seqs.push(event.seq);
    if (this.#frames.length >= TRIM_AT) this.#trim();
    const waiting = this.#waiting;
    if (waiting.length === 0) return;
    this.#waiting = [];
    for (const member of waiting) member.notify();
  }

  /** Drops the frames every member has read. */
  #trim(): void {
    let lowest = this.#base + this.#frames.length;
    for (const member of this.#members) lowest = Math.min(lowest, member.position);
    const drop = lowest - this.#base;
    if (drop <= 0) return;
    this.#frames = this.#frames.slice(drop);
    this.#seqs = this.#seqs.slice(drop);
    this.#base = lowest;
  }
}

const broadcasts = new WeakMap<ShowEngine, Broadcast>();

function broadcastOf(engine: ShowEngine): Broadcast {
  let broadcast = broadcasts.get(engine);
  if (!broadcast) broadcasts.set(engine, (broadcast = new Broadcast(engine)));
  return broadcast;
}

/**
 * The SSE body for one connection. The connection counts as a viewer while it is open and starts
 * at once; its frames wait in its own queue until they are read (the stream's high-water mark is
 * 0), so a transport can still take the stream over with {@link takeEventStream} before the
 * first read.
 */
export function eventStream(engine: ShowEngine, options: EventStreamOptions): ReadableStream<Uint8Array> {
  const connection = new Connection(engine, options);
  let waiting: (() => void) | undefined;
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        connection.backlog = () => Math.max(0, -(controller.desiredSize ?? 0));
        connection.onchange = () => {
          const wake = waiting;
          waiting = undefined;
          wake?.();
        };
      },
      // Called only while a read waits: moves what the connection queued into the stream.
      pull(controller) {
        unclaimed.delete(stream);
        const deliver = (): boolean => {
          const queued = connection.take();
          try {
            // Each read gets its own copy: a consumer may transfer (detach) the chunks it reads.
            for (const frame of queued) controller.enqueue(frame.slice());
            if (connection.ended) controller.close();
          } catch {
            // Cancelled by the consumer in the meantime: nothing left to deliver.
          }
          return queued.length > 0 || connection.ended;
        };
        if (deliver()) return;
        return new Promise<void>((resolve) => {
          waiting = () => {
            deliver();
            resolve();
          };
        });
      },
      cancel() {
        connection.close();
      },
    },
    { highWaterMark: 0 },
  );
  unclaimed.set(stream, connection);
  return stream;
}

/**
 * Takes over an event stream made by the protocol handler (the body of its
 * `GET shows/{showId}/events` response) before anyone read it, so that a platform can write the
 * frames without web streams: the reference server writes them straight to Node's socket, all
 * events of a tick in one write. Nothing may read `body` afterwards, and the transport owns the
 * connection: it must call `close()` when its client goes away.
 *
 * @param body - a response body
 * @returns the connection, or undefined when `body` is not an event stream of this engine, or was read already
 */
export function takeEventStream(body: ReadableStream<Uint8Array> | null | undefined): EventStreamConnection | undefined {
  if (!body) return undefined;
  const connection = unclaimed.get(body);
  if (!connection || body.locked) return undefined;
  unclaimed.delete(body);
  connection.onchange = undefined;
  connection.backlog = undefined;
  connection.share();
  return connection;
}
