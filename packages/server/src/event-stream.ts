/**
 * Event streams on Node without web streams. The protocol handler answers
 * `GET shows/{showId}/events` as everywhere else (status, headers, CORS, the connection itself);
 * this module takes the unread body over ({@link takeEventStream}) and writes its frames straight
 * to the `ServerResponse`.
 *
 * Fan-out cost is per connection and per write, so writes are batched: every frame queued since
 * the last flush goes out in a single write per connection, at `setImmediate`, or later when the
 * last flush was long (after a flush of t ms, the next waits t ms: with thousands of clients,
 * writing would otherwise take all the time). An event's frame is one buffer shared by every
 * connection, and so is the concatenation of a batch: connections that send the same frames
 * (all live viewers of a show) write the same `Buffer`, made once.
 */
import type { ServerResponse } from 'node:http';
import { takeEventStream, type EventStreamConnection } from '@nightmarket/engine';

/**
 * A client whose socket still holds more than this many unsent bytes when new frames come is cut
 * off (it resumes from its cursor when it reconnects): about as much as the web stream's 5,000
 * queued chat messages. The buffers it holds are mostly shared with other clients, but a stalled
 * client must not pin them, nor its connection, forever.
 */
export const MAX_UNSENT_BYTES = 2 * 1024 * 1024;

/** Batches frames that identical connections send in one turn share one concatenated buffer. */
type Batches = Map<Uint8Array, { frames: Uint8Array[]; buffer: Buffer }[]>;

class NodeEventStream {
  readonly #connection: EventStreamConnection;
  readonly #res: ServerResponse;
  readonly #schedule: (stream: NodeEventStream) => void;
  readonly #maxUnsentBytes: number;
  #marked = false;

  constructor(connection: EventStreamConnection, res: ServerResponse, schedule: (stream: NodeEventStream) => void, maxUnsentBytes: number) {
    this.#connection = connection;
    this.#res = res;
    this.#schedule = schedule;
    this.#maxUnsentBytes = maxUnsentBytes;
    connection.onchange = () => {
      // Once per turn: every event of the turn calls this for every connection.
      if (this.#marked) return;
      this.#marked = true;
      schedule(this);
    };
    res.once('close', () => connection.close());
  }

  /** Writes what the connection queued (one write), ends the response once the stream ended. */
  flush(batches: Batches): void {
    this.#marked = false;
    const res = this.#res;
    const frames = this.#connection.take();
    if (res.destroyed || res.writableEnded) return;
    if (frames.length > 0) {
      // Checked before writing, so one large burst (a backlog on reconnect) passes: what counts
      // is a client that has not taken the last one when the next comes.
      if (res.writableLength > this.#maxUnsentBytes) {
        // Too slow: drop the connection and what it holds; the client resumes from its cursor.
        this.#connection.onchange = undefined;
        this.#connection.close();
        res.destroy();
        return;
      }
      res.write(joined(frames, batches));
    }
    if (this.#connection.ended) res.end();
  }

  /** Writes the head and the frames queued so far at once, so the client sees `retry:` without waiting. */
  start(status: number, headers: Record<string, string | string[]>): void {
    this.#res.writeHead(status, headers);
    this.#marked = true;
    this.#schedule(this);
  }
}

/**
 * Serves the event streams of one server: {@link NodeEventStreams.send} takes a protocol response
 * over when it is an event stream.
 */
export class NodeEventStreams {
  #dirty = new Set<NodeEventStream>();
  #scheduled = false;
  /** When the next flush may start (performance.now()). */
  #notBefore = 0;
  readonly #maxUnsentBytes: number;

  /** @param maxUnsentBytes - the slow-client bound (default {@link MAX_UNSENT_BYTES}) */
  constructor(maxUnsentBytes = MAX_UNSENT_BYTES) {
    this.#maxUnsentBytes = maxUnsentBytes;
  }

  /**
   * If `response` carries an unread engine event stream, writes its status and headers to `res`
   * and serves the stream there; returns whether it did (then `response` must not be used).
   */
  send(response: Response, res: ServerResponse | undefined): boolean {
    if (!res || res.headersSent || !response.body) return false;
    const connection = takeEventStream(response.body);
    if (!connection) return false;
    const headers: Record<string, string | string[]> = {};
    response.headers.forEach((value, name) => {
      if (name !== 'set-cookie') headers[name] = value;
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) headers['set-cookie'] = cookies;
    new NodeEventStream(connection, res, this.#mark, this.#maxUnsentBytes).start(response.status, headers);
    return true;
  }

  readonly #mark = (stream: NodeEventStream): void => {
    this.#dirty.add(stream);
    if (this.#scheduled) return;
    this.#scheduled = true;
    const wait = this.#notBefore - performance.now();
    if (wait >= 1) setTimeout(this.#flush, wait);
    else setImmediate(this.#flush);
  };

  readonly #flush = (): void => {
    this.#scheduled = false;
    const dirty = this.#dirty;
    this.#dirty = new Set();
    const batches: Batches = new Map();
    const started = performance.now();
    for (const stream of dirty) stream.flush(batches);
    // The sockets are written when the responses uncork, on the next tick: measure after that.
    process.nextTick(() => {
      const now = performance.now();
      // Writes cost per connection (a system call each), not per byte: after a flush that took
      // t ms, wait t ms before the next one. Writing then takes at most half the time, requests
      // keep the other half, and every flush carries more events per write.
      this.#notBefore = now + (now - started);
    });
  };
}

/** The frames as one chunk: the same `Buffer` for every connection that sends the same frames this turn. */
function joined(frames: Uint8Array[], batches: Batches): Uint8Array {
  if (frames.length === 1) return frames[0]!;
  const first = frames[0]!;
  let candidates = batches.get(first);
  if (candidates) {
    for (const candidate of candidates) if (sameFrames(candidate.frames, frames)) return candidate.buffer;
  } else {
    batches.set(first, (candidates = []));
  }
  const buffer = Buffer.concat(frames);
  candidates.push({ frames, buffer });
  return buffer;
}

function sameFrames(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
