/**
 * Event fan-out through nginx + nchan: the server publishes every event of a show to the show's
 * nchan channel, and nchan (backed by Redis) holds the viewers' SSE connections, stores the
 * channel's recent messages and resumes viewers from its own message ids.
 *
 * How the protocol's cursors map onto nchan's:
 *
 * - Each event is one nchan message whose body is the event's JSON: nchan's EventSource
 *   subscriber sends it as `id: <nchan message id>` + `data: <event>`, so the SSE id is nchan's
 *   opaque id and `seq` in the data orders events, as the client expects.
 * - The publisher answers every publish with the message's id (`last_message_id`); the server
 *   records, per show, which id carried each seq. A viewer connecting with a snapshot's
 *   `?since=<seq>&epoch=<epoch>` and no `Last-Event-ID` asks the server, which answers with
 *   `X-Accel-Redirect` to nchan's internal subscriber location with `?cursor=<id of that seq>`:
 *   nchan starts right after it. A `Last-Event-ID` (an nchan id) goes to nchan as it is.
 * - Where a cursor cannot be served — the snapshot is from another epoch, ahead of the show, or
 *   older than what the server still maps — the server answers the connection itself with one
 *   `reset` and ends it: the client fetches a new snapshot and comes back.
 * - A new epoch (a show resumed on another instance, or after a restart) publishes a `reset`
 *   (`epoch-changed`) first: viewers following the channel, or resuming with an id from before,
 *   receive it before any event of the new sequence.
 * - When Redis loses the channel (a restart without persistence, an eviction), the publisher
 *   notices — the channel is gone, or a publish finds it holding only that message — and
 *   publishes a `reset` (`other`): viewers still connected, or resuming with an id nchan no
 *   longer has (nchan then starts at the oldest message it has), resynchronise from a snapshot.
 * - Publishes are sent one at a time per show, in seq order; a failed publish (nchan or Redis
 *   down) is retried with backoff, so an outage delays events but never reorders or drops them.
 */
import type { ShowEvent } from '@nightmarket/client';
import type { ShowEngine } from '@nightmarket/engine';

/** Where nchan is, as the server sees it. */
export interface NchanOptions {
  /**
   * Base URL of nchan's publisher location, the channel id appended, e.g.
   * `http://127.0.0.1:8090/nchan/pub/` (keep it reachable from the servers only).
   */
  readonly publishUrl: string;
  /**
   * Path of nchan's internal subscriber location, the channel id appended, that the server
   * redirects event-stream requests to with `X-Accel-Redirect`, e.g. `/nchan/sub/`.
   */
  readonly subscribePath: string;
  /** How many seq → message id pairs to keep per show (default 5000, about nchan's buffer). */
  readonly cursors?: number | undefined;
  /** How often to check that each channel still exists in Redis, in ms (default 2000). */
  readonly checkEveryMs?: number | undefined;
  /** Called with publish failures (they are retried). Default: nothing. */
  readonly onError?: ((error: unknown) => void) | undefined;
}

/** Where an event-stream request is sent, as {@link NchanFanout.route} decides. */
export type StreamRoute =
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'reset'; readonly reason: 'too-old' | 'epoch-changed' | 'other'; readonly seq: number; readonly id: string | undefined };

interface Pending {
  readonly seq: number;
  readonly body: string;
  readonly reset: boolean;
}

/** One show's channel: its publish queue and the ids its messages got. */
class Channel {
  readonly #fanout: NchanFanout;
  readonly #engine: ShowEngine;
  readonly #url: string;
  readonly #queue: Pending[] = [];
  readonly #cursors = new Map<number, string>();
  #pumping = false;
  /** Messages published into the channel as it is now (reset when Redis loses it). */
  #published = 0;
  #lastId: string | undefined;
  #lastSeq = 0;
  #idle: (() => void)[] = [];
  #closed = false;
  #deleteWhenDone = false;
  readonly #unsubscribe: () => void;
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(fanout: NchanFanout, engine: ShowEngine, url: string, checkEveryMs: number) {
    this.#fanout = fanout;
    this.#engine = engine;
    this.#url = url;
    // The new epoch's first message: viewers of an earlier epoch resynchronise before its events.
    this.#enqueueReset('epoch-changed', engine.seq);
    this.#unsubscribe = engine.subscribe({
      event: (event) => this.#enqueue(event.seq, JSON.stringify(event), false),
      end: (reason) => {
        if (reason === 'ended') this.#deleteWhenDone = true;
        this.#pump();
      },
    });
    this.#timer = setInterval(() => void this.#check(), checkEveryMs);
    this.#timer.unref?.();
  }

  /** The message id that carried `seq` (the last one, when a reset repeated it), if still known. */
  cursorOf(seq: number): string | undefined {
    return this.#cursors.get(seq);
  }

  get lastId(): string | undefined {
    return this.#lastId;
  }

  /** Resolves once every message queued so far for seqs up to `seq` was published, or after `timeoutMs`. */
  async published(seq: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#closed && this.#queue.some((p) => p.seq <= seq) && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.#idle.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.#closed = true;
    this.#unsubscribe();
    clearInterval(this.#timer);
    for (const wake of this.#idle.splice(0)) wake();
  }

  #enqueueReset(reason: 'epoch-changed' | 'other', seq: number): void {
    const reset = { type: 'reset', seq, at: this.#engine.now(), data: { reason } };
    this.#enqueue(seq, JSON.stringify(reset), true);
  }

  #enqueue(seq: number, body: string, reset: boolean): void {
    if (this.#closed) return;
    this.#queue.push({ seq, body, reset });
    void this.#pump();
  }

  async #pump(): Promise<void> {
    if (this.#pumping || this.#closed) return;
    this.#pumping = true;
    let delay = 50;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const next = this.#queue[0]!;
        let info: { messages: number; last_message_id: string };
        try {
          info = await this.#fanout.post(this.#url, next.body);
        } catch (error) {
          this.#fanout.error(error);
          await new Promise((r) => setTimeout(r, delay));
          delay = Math.min(2000, delay * 2);
          continue;
        }
        delay = 50;
        this.#queue.shift();
        // A channel we had published to that now holds only this message lost its history.
        const lost = this.#published > 0 && info.messages === 1;
        if (lost) {
          this.#cursors.clear();
          this.#published = 0;
        }
        this.#published++;
        this.#lastId = info.last_message_id;
        this.#lastSeq = next.seq;
        this.#cursors.set(next.seq, info.last_message_id);
        while (this.#cursors.size > this.#fanout.maxCursors) this.#cursors.delete(this.#cursors.keys().next().value!);
        if (lost && !next.reset) this.#queue.unshift(this.#resetMessage('other', next.seq));
        const wake = this.#idle.splice(0);
        for (const w of wake) w();
      }
      if (this.#deleteWhenDone && this.#queue.length === 0) {
        // The show ended: closing the channel ends every viewer's stream (they hear 204 next).
        await this.#fanout.remove(this.#url).catch((error: unknown) => this.#fanout.error(error));
        this.close();
      }
    } finally {
      this.#pumping = false;
    }
  }

  #resetMessage(reason: 'epoch-changed' | 'other', seq: number): Pending {
    return { seq, body: JSON.stringify({ type: 'reset', seq, at: this.#engine.now(), data: { reason } }), reset: true };
  }

  /** The channel is gone from Redis although we published to it: tell its viewers to resynchronise. */
  async #check(): Promise<void> {
    if (this.#published === 0 || this.#pumping || this.#closed) return;
    let exists: boolean;
    try {
      exists = await this.#fanout.exists(this.#url);
    } catch (error) {
      return this.#fanout.error(error);
    }
    if (exists || this.#pumping || this.#closed) return;
    this.#cursors.clear();
    this.#published = 0;
    this.#enqueueReset('other', this.#lastSeq);
  }
}

/**
 * The server's side of the nchan fan-out: one {@link Channel} per show engine it runs, and the
 * decision where each event-stream request goes.
 */
export class NchanFanout {
  readonly #publishUrl: string;
  readonly #subscribePath: string;
  readonly #checkEveryMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #channels = new Map<ShowEngine, Channel>();
  /** @internal */
  readonly maxCursors: number;

  /**
   * @param options - nchan's publisher URL and internal subscriber path
   * @throws TypeError when the URL or the path is malformed
   */
  constructor(options: NchanOptions) {
    let url: URL;
    try {
      url = new URL(options.publishUrl);
    } catch {
      throw new TypeError(`nchan: publishUrl must be an http(s) URL such as http://127.0.0.1:8090/nchan/pub/, got ${JSON.stringify(options.publishUrl)}.`);
    }
    if (!/^https?:$/.test(url.protocol) || !url.pathname.endsWith('/')) {
      throw new TypeError(`nchan: publishUrl must be an http(s) URL ending in "/" (the channel id is appended), got ${JSON.stringify(options.publishUrl)}.`);
    }
    if (!/^\/[\w\-/]*\/$/.test(options.subscribePath)) {
      throw new TypeError(`nchan: subscribePath must be a path such as /nchan/sub/ (ending in "/"), got ${JSON.stringify(options.subscribePath)}.`);
    }
    this.#publishUrl = url.href;
    this.#subscribePath = options.subscribePath;
    this.maxCursors = options.cursors ?? 5000;
    this.#checkEveryMs = options.checkEveryMs ?? 2000;
    this.#onError = options.onError ?? (() => undefined);
  }

  /** Starts publishing a show engine's events (its epoch's `reset` first). */
  attach(engine: ShowEngine): void {
    if (this.#channels.has(engine)) return;
    const id = engine.state.show.id;
    this.#channels.set(engine, new Channel(this, engine, this.#publishUrl + encodeURIComponent(id), this.#checkEveryMs));
  }

  /** Stops publishing an engine's events (it was disposed, or another instance runs the show now). */
  detach(engine: ShowEngine): void {
    this.#channels.get(engine)?.close();
    this.#channels.delete(engine);
  }

  /** Stops every channel. */
  close(): void {
    for (const channel of this.#channels.values()) channel.close();
    this.#channels.clear();
  }

  /**
   * Where an event-stream request for `engine`'s show goes: to nchan (with the cursor of the
   * snapshot's seq, or the request's own `Last-Event-ID`), or a one-message `reset` when the
   * cursor cannot be served.
   *
   * @throws RangeError when `since` is given and is not a sequence number (a 400 for the caller)
   */
  async route(engine: ShowEngine, lastEventId: string | undefined, since: string | undefined, epoch: string | undefined): Promise<StreamRoute> {
    const channel = this.#channels.get(engine);
    const base = this.#subscribePath + encodeURIComponent(engine.state.show.id);
    if (lastEventId !== undefined && lastEventId !== '') return { kind: 'redirect', location: base };
    if (since === undefined) return { kind: 'redirect', location: base };
    if (!/^\d{1,15}$/.test(since)) throw new RangeError('since: must be a sequence number (a non-negative integer)');
    const seq = Number(since);
    const reset = (reason: 'too-old' | 'epoch-changed' | 'other'): StreamRoute => ({ kind: 'reset', reason, seq: engine.seq, id: channel?.lastId });
    if (epoch !== undefined && epoch !== engine.epoch) return reset('epoch-changed');
    if (seq > engine.seq) return reset('other');
    if (!channel) return reset('other');
    // The snapshot may reflect events still on their way to nchan: wait for them (briefly).
    await channel.published(seq, 2000);
    const cursor = channel.cursorOf(seq);
    if (cursor === undefined) return reset('too-old');
    return { kind: 'redirect', location: `${base}?cursor=${encodeURIComponent(cursor)}` };
  }

  /** @internal Publishes one message; resolves with nchan's channel info. */
  async post(url: string, body: string): Promise<{ messages: number; last_message_id: string }> {
    const response = await fetch(url, { method: 'POST', body, headers: { Accept: 'application/json', 'Content-Type': 'application/json' } });
    const text = await response.text();
    if (response.status !== 201 && response.status !== 202) {
      throw new Error(`nchan: publishing to ${url} answered ${response.status}: ${text.slice(0, 200)}`);
    }
    const info = JSON.parse(text) as { messages: number; last_message_id: string };
    if (typeof info.last_message_id !== 'string') throw new Error(`nchan: publishing to ${url} gave no message id: ${text.slice(0, 200)}`);
    return info;
  }

  /** @internal Whether the channel exists (nchan answers 404 for a channel it does not have). */
  async exists(url: string): Promise<boolean> {
    const response = await fetch(url, { headers: { Accept: 'application/json' } });
    await response.arrayBuffer();
    if (response.status === 404) return false;
    if (response.ok) return true;
    throw new Error(`nchan: channel info at ${url} answered ${response.status}`);
  }

  /** @internal Deletes a channel, ending its subscribers' streams. */
  async remove(url: string): Promise<void> {
    const response = await fetch(url, { method: 'DELETE', headers: { Accept: 'application/json' } });
    await response.arrayBuffer();
  }

  /** @internal */
  error(error: unknown): void {
    this.#onError(error);
  }
}
