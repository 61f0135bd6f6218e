import { describe, expect, it } from 'vitest';
import { parseEvent, type ShowEvent } from '@nightmarket/client';
import { createHttpHandler, takeEventStream } from '@nightmarket/engine';
import { makeEngine, type Harness } from './fixtures.js';

const BASE = 'https://shop.example/';

interface Block {
  id?: string;
  data?: string;
  retry?: string;
  comment?: string;
}

/** Reads SSE blocks from a response body, the way a client's parser splits them. */
class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = '';
  done = false;

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader();
  }

  /** The next block, or undefined at the end of the stream. Fails after `ms`. */
  async next(ms = 1000): Promise<Block | undefined> {
    for (;;) {
      const end = this.#buffer.indexOf('\n\n');
      if (end !== -1) {
        const text = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        const block: Block = {};
        for (const line of text.split('\n')) {
          if (line.startsWith(':')) block.comment = line.slice(1).trim();
          else {
            const colon = line.indexOf(':');
            const field = line.slice(0, colon) as keyof Block;
            block[field] = line.slice(colon + 1).replace(/^ /, '');
          }
        }
        return block;
      }
      if (this.done) return undefined;
      const result = await Promise.race([
        this.#reader.read(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no SSE data within ${ms} ms`)), ms)),
      ]);
      if (result.done) {
        this.done = true;
        if (this.#buffer === '') return undefined;
        this.#buffer += '\n\n';
      } else {
        this.#buffer += this.#decoder.decode(result.value, { stream: true });
      }
    }
  }

  /** The next `count` event messages (skipping comments), parsed and checked against the protocol. */
  async events(count: number): Promise<{ id: string; event: ShowEvent }[]> {
    const out: { id: string; event: ShowEvent }[] = [];
    while (out.length < count) {
      const block = await this.next();
      if (!block) throw new Error(`stream ended after ${out.length} of ${count} events`);
      if (block.data === undefined) continue;
      const parsed = parseEvent(JSON.parse(block.data));
      if (parsed.kind !== 'event') throw new Error(`not a protocol event: ${block.data}`);
      out.push({ id: block.id!, event: parsed.event });
    }
    return out;
  }

  cancel(): Promise<void> {
    return this.#reader.cancel();
  }
}

function connect(h: Harness, init: { lastEventId?: string; query?: string; signal?: AbortSignal } = {}): Promise<Response> {
  const handler = createHttpHandler({ shows: (id) => (id === h.engine.id ? h.engine : undefined) });
  const headers = new Headers({ Accept: 'text/event-stream' });
  if (init.lastEventId !== undefined) headers.set('Last-Event-ID', init.lastEventId);
  return handler(new Request(`${BASE}shows/spring/events${init.query ?? ''}`, { headers, ...(init.signal ? { signal: init.signal } : {}) }));
}

async function open(h: Harness, init: Parameters<typeof connect>[1] = {}): Promise<SseReader> {
  const res = await connect(h, init);
  expect(res.status).toBe(200);
  expect(res.headers.get('Content-Type')).toMatch(/^text\/event-stream/);
  expect(res.headers.get('Cache-Control')).toBe('no-store');
  expect(res.headers.get('Nightmarket-Protocol')).toBe('1');
  const reader = new SseReader(res.body!);
  expect(await reader.next()).toEqual({ retry: '1000' });
  return reader;
}

const say = (h: Harness, n: number): Promise<unknown> =>
  Promise.all(Array.from({ length: n }, (_, i) => h.engine.chat(`v${h.engine.seq}-${i}`, { text: `message ${i}` })));

describe('event stream', () => {
  it('frames events as id: epoch:seq and one-line JSON data, live events only without a cursor', async () => {
    const h = makeEngine();
    await say(h, 2);
    const stream = await open(h);
    await say(h, 2);
    const got = await stream.events(2);
    expect(got.map((g) => g.id)).toEqual(['e1:3', 'e1:4']);
    expect(got.map((g) => g.event)).toEqual(h.events.slice(2));
    await stream.cancel();
  });

  it('sends heartbeat comments every heartbeatMs', async () => {
    const h = makeEngine({ heartbeatMs: 100 });
    const stream = await open(h);
    const started = Date.now();
    expect(await stream.next(1000)).toEqual({ comment: 'hb' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    await stream.cancel();
  });

  it('resumes after Last-Event-ID: backlog then live, with no gap and no duplicate', async () => {
    const h = makeEngine();
    await say(h, 5);
    const stream = await open(h, { lastEventId: 'e1:2', query: '?since=4' }); // the header wins
    await say(h, 2);
    const got = await stream.events(5);
    expect(got.map((g) => g.event.seq)).toEqual([3, 4, 5, 6, 7]);
    expect(got.map((g) => g.event)).toEqual(h.events.slice(2));
    await stream.cancel();
  });

  it('resumes from ?since when there is no Last-Event-ID', async () => {
    const h = makeEngine();
    await say(h, 4);
    const stream = await open(h, { query: '?since=3&epoch=e1' });
    await say(h, 1);
    expect((await stream.events(2)).map((g) => g.id)).toEqual(['e1:4', 'e1:5']);
    await stream.cancel();
  });

  it('sends a reset for a cursor older than the history, from another epoch, or ahead', async () => {
    const h = makeEngine({ historyLimit: 3 });
    await say(h, 6);
    for (const [init, reason] of [
      [{ lastEventId: 'e1:1' }, 'too-old'],
      [{ query: '?since=0' }, 'too-old'],
      [{ lastEventId: 'e0:4' }, 'epoch-changed'],
      [{ query: '?since=5&epoch=e0' }, 'epoch-changed'],
      [{ lastEventId: 'e1:99' }, 'other'],
      [{ lastEventId: 'garbage' }, 'other'],
    ] as const) {
      const seq = h.engine.seq;
      const stream = await open(h, init);
      const [reset] = await stream.events(1);
      expect(reset!.event).toMatchObject({ type: 'reset', seq, data: { reason } });
      expect(reset!.id).toBe(`e1:${seq}`);
      await say(h, 1); // and live events continue after it
      const [next] = await stream.events(1);
      expect(next!.event.seq).toBe(h.engine.seq);
      await stream.cancel();
    }
  });

  it('sends a reset with seq 0 to a client of an older epoch when the new one has no event yet', async () => {
    const h = makeEngine();
    const stream = await open(h, { lastEventId: 'e0:41' });
    const [reset] = await stream.events(1);
    expect(reset).toEqual({ id: 'e1:0', event: { type: 'reset', seq: 0, at: h.clock.now(), data: { reason: 'epoch-changed' } } });
    await say(h, 1);
    expect((await stream.events(1))[0]!.id).toBe('e1:1');
    await stream.cancel();
  });

  it('sends the final events and closes when the show ends; then answers 204', async () => {
    const h = makeEngine();
    const stream = await open(h);
    await h.engine.command({ type: 'poll.open', poll: { id: 'p', question: 'Q?', options: ['A', 'B'] } });
    await h.engine.command({ type: 'show.end' });
    const got = await stream.events(3);
    expect(got.map((g) => g.event.type)).toEqual(['poll.opened', 'poll.closed', 'show.updated']);
    expect(got[2]!.event).toMatchObject({ type: 'show.updated', data: { status: 'ended' } });
    expect(await stream.next()).toBeUndefined(); // closed by the server
    expect(h.engine.connectedViewers).toBe(0);
    const after = await connect(h);
    expect(after.status).toBe(204);
    expect(after.body).toBeNull();
    expect(after.headers.get('Nightmarket-Protocol')).toBe('1');
  });

  it('counts connections as viewers and cleans up when the client cancels', async () => {
    const h = makeEngine();
    const a = await open(h);
    const b = await open(h);
    expect(h.engine.connectedViewers).toBe(2);
    await h.engine.tick();
    expect(h.engine.state.viewers).toBe(2);
    await a.cancel();
    expect(h.engine.connectedViewers).toBe(1);
    await say(h, 1); // the cancelled stream's subscription is gone: nothing is written to it
    expect((await b.events(2)).map((g) => g.event.type)).toEqual(['viewers.changed', 'chat.message']);
    await b.cancel();
    expect(h.engine.connectedViewers).toBe(0);
    await h.engine.tick();
    expect(h.engine.state.viewers).toBe(0);
  });

  it('cleans up when the request is aborted', async () => {
    const h = makeEngine();
    const controller = new AbortController();
    const stream = await open(h, { signal: controller.signal });
    expect(h.engine.connectedViewers).toBe(1);
    controller.abort();
    expect(h.engine.connectedViewers).toBe(0);
    expect(await stream.next()).toBeUndefined();
  });

  it('answers HEAD without opening a stream', async () => {
    const h = makeEngine();
    const handler = createHttpHandler({ shows: () => h.engine });
    const res = await handler(new Request(`${BASE}shows/spring/events`, { method: 'HEAD' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^text\/event-stream/);
    expect(h.engine.connectedViewers).toBe(0);
  });

  it('closes streams when the engine is disposed', async () => {
    const h = makeEngine();
    const stream = await open(h);
    h.engine.dispose();
    expect(await stream.next()).toBeUndefined();
    expect(h.engine.connectedViewers).toBe(0);
  });

  it('cuts off a client that stops reading after 5,000 queued messages; what was queued still arrives', async () => {
    const h = makeEngine();
    const stream = await open(h);
    await say(h, 5001);
    expect(h.engine.connectedViewers).toBe(0);
    let blocks = 0;
    while (await stream.next()) blocks++;
    expect(blocks).toBe(5000);
  });
});

describe('takeEventStream', () => {
  const decode = (frames: Uint8Array[]): string => frames.map((f) => new TextDecoder().decode(f)).join('');

  it('hands an unread stream to a transport: the same frames, one shared buffer per event', async () => {
    const h = makeEngine();
    const a = takeEventStream((await connect(h)).body)!;
    const b = takeEventStream((await connect(h)).body)!;
    expect(a).toBeDefined();
    expect(h.engine.connectedViewers).toBe(2);
    expect(decode(a.take())).toBe('retry: 1000\n\n');
    b.take();
    let changes = 0;
    a.onchange = () => changes++;
    await say(h, 2);
    // Told once that frames wait, not once per frame.
    expect(changes).toBe(1);
    const [fa, fb] = [a.take(), b.take()];
    expect(fa).toHaveLength(2);
    expect(fa[0]).toBe(fb[0]);
    expect(decode(fa)).toBe(`id: e1:1\ndata: ${JSON.stringify(h.events[0])}\n\nid: e1:2\ndata: ${JSON.stringify(h.events[1])}\n\n`);
    expect(a.take()).toEqual([]);
    a.close();
    a.close();
    expect(a.ended).toBe(true);
    expect(h.engine.connectedViewers).toBe(1);
    h.engine.dispose();
    expect(b.ended).toBe(true);
    expect(h.engine.connectedViewers).toBe(0);
  });

  it('gives every taken connection all events in order, however often it takes them, and what it had not taken when it closes', async () => {
    const h = makeEngine();
    const seqs = (frames: Uint8Array[]): number[] => [...decode(frames).matchAll(/^id: e1:(\d+)$/gm)].map((m) => Number(m[1]));
    const a = takeEventStream((await connect(h)).body)!;
    const b = takeEventStream((await connect(h)).body)!;
    const gotA: number[] = [];
    a.take();
    b.take();
    // More events than the shared log keeps before trimming what every connection has read.
    for (let i = 0; i < 6; i++) {
      await say(h, 100);
      gotA.push(...seqs(a.take()));
    }
    const all = h.events.map((e) => e.seq);
    expect(gotA).toEqual(all);
    expect(seqs(b.take())).toEqual(all);
    await say(h, 3);
    b.close();
    expect(seqs(b.take())).toEqual(all.slice(-3).map((seq) => seq + 3));
    expect(b.take()).toEqual([]);
    expect(seqs(a.take())).toHaveLength(3);
    a.close();
    expect(h.engine.connectedViewers).toBe(0);
  });

  it('refuses streams already read, other bodies and no body', async () => {
    const h = makeEngine();
    const res = await connect(h);
    const reader = res.body!.getReader();
    expect(takeEventStream(res.body)).toBeUndefined();
    expect(takeEventStream(new Response('data: x\n\n').body)).toBeUndefined();
    expect(takeEventStream(null)).toBeUndefined();
    await reader.cancel();
    expect(h.engine.connectedViewers).toBe(0);
  });
});

