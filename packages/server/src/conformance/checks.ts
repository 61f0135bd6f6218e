/**
 * The checks of the conformance suite. Each one creates what it needs (usually a fresh show of
 * its own), drives it with admin commands and viewer requests, and throws {@link CheckFailed}
 * with the expected and actual result and the request on the first deviation from
 * docs/protocol.md, or {@link CheckSkipped} when the backend does not offer what it tests.
 */
import { CartSchema, EVENT_STREAM_MEDIA_TYPE, OrderSchema, SnapshotSchema, formatIssues, parseEvent, paths, validate, type Cart } from '@nightmarket/client';
import {
  assert,
  CheckFailed,
  CheckSkipped,
  conformanceProducts,
  CURRENCY,
  describeResponse,
  excerpt,
  PRODUCTS,
  type CheckContext,
  type ConformanceShow,
  type EventStream,
  type StreamMessage,
} from './harness.js';

/** One check of the suite. */
export interface Check {
  /** Stable id, used by `--only`. */
  readonly id: string;
  readonly title: string;
  /** Section of docs/protocol.md it verifies, e.g. `§7.3`. */
  readonly section: string;
  /** Runs the check; resolves with an optional note for a pass. */
  run(ctx: CheckContext): Promise<string | void>;
}

const uid = (): string => globalThis.crypto.randomUUID().slice(0, 8);
const newKey = (what: string): string => `conformance-${what}-${globalThis.crypto.randomUUID()}`;

/** Schedules a flash sale on the tracked product; returns its id. */
async function scheduleSale(
  ctx: CheckContext,
  show: ConformanceShow,
  init: { units: number; limitPerBuyer: number; startsIn?: number; endsIn?: number; reservationTtlMs?: number },
): Promise<string> {
  const now = ctx.serverNow();
  const id = `flash-${uid()}`;
  const result = await ctx.command(show.id, {
    type: 'sale.schedule',
    sale: {
      id,
      ...PRODUCTS.tracked,
      price: { amount: 19_900, currency: CURRENCY },
      units: init.units,
      limitPerBuyer: init.limitPerBuyer,
      startsAt: Math.round(now + (init.startsIn ?? -1000)),
      endsAt: Math.round(now + (init.endsIn ?? 600_000)),
      ...(init.reservationTtlMs === undefined ? {} : { reservationTtlMs: init.reservationTtlMs }),
    },
  });
  return result.id ?? id;
}

/** Opens a presale on the tracked product; returns its id. */
async function openPresale(ctx: CheckContext, show: ConformanceShow, init: { refundable: boolean; limitPerBuyer: number }): Promise<string> {
  const now = ctx.serverNow();
  const id = `presale-${uid()}`;
  const result = await ctx.command(show.id, {
    type: 'presale.open',
    presale: {
      id,
      ...PRODUCTS.tracked,
      deposit: { amount: 5_000, currency: CURRENCY },
      balance: { amount: 24_900, currency: CURRENCY },
      balanceDueFrom: Math.round(now + 86_400_000),
      balanceDueUntil: Math.round(now + 7 * 86_400_000),
      refundable: init.refundable,
      units: 50,
      limitPerBuyer: init.limitPerBuyer,
      endsAt: Math.round(now + 3_600_000),
    },
  });
  return result.id ?? id;
}

function reserve(ctx: CheckContext, showId: string, viewer: number, saleId: string, quantity = 1, key = newKey('reserve')) {
  return ctx.http('POST', paths.reservations(showId), { token: ctx.viewer(viewer), key, body: { saleId, quantity } });
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/** The first message of a stream, which must be a `reset` with `reason` and the current seq. */
async function expectReset(stream: EventStream, reason: string, currentSeq: number | undefined): Promise<void> {
  assert(stream.status === 200, () => `${stream.request}: expected 200 text/event-stream, got ${stream.status}`);
  const message = await stream.nextMessage(5000, `a reset event (reason ${reason})`);
  assert(
    message.type === 'reset',
    () => `${stream.request}: expected a reset event (reason ${reason}) first, got ${message.type ?? 'a non-event'} seq ${String(message.seq)}: ${excerpt(message.data)}`,
  );
  const got = field(field(message.json, 'data'), 'reason');
  assert(got === reason, () => `${stream.request}: expected reset reason ${JSON.stringify(reason)}, got ${JSON.stringify(got)}`);
  const parsed = parseEvent(message.json);
  assert(parsed.kind === 'event', () => `${stream.request}: the reset event does not validate: ${parsed.kind === 'invalid' ? formatIssues(parsed.issues) : 'unknown type'}`);
  if (currentSeq !== undefined) {
    assert(message.seq === currentSeq, () => `${stream.request}: a reset carries the current seq ${currentSeq}, got ${String(message.seq)}`);
  }
}

/** Reads messages until one with `seq` ≥ `untilSeq`; checks every one validates and seqs are contiguous. */
async function readContiguous(stream: EventStream, firstSeq: number, untilSeq: number, timeoutMs = 5000): Promise<StreamMessage[]> {
  const got: StreamMessage[] = [];
  let expected = firstSeq;
  while (expected <= untilSeq) {
    const message = await stream.nextMessage(timeoutMs, `the event with seq ${expected} (events up to ${untilSeq} expected)`);
    assert(message.event === undefined || message.event === '' || message.event === 'message', () => `${stream.request}: an event message must not have an "event:" field, got event: ${message.event}`);
    const parsed = parseEvent(message.json);
    assert(parsed.kind !== 'invalid', () => `${stream.request}: event does not validate: ${parsed.kind === 'invalid' ? formatIssues(parsed.issues) : ''}; data ${excerpt(message.data)}`);
    assert(message.type !== 'reset', () => `${stream.request}: expected the event with seq ${expected}, got a reset: ${excerpt(message.data)}`);
    assert(
      message.seq === expected,
      () =>
        message.seq !== undefined && message.seq < expected
          ? `${stream.request}: duplicate: expected seq ${expected}, got seq ${message.seq} again (${message.type})`
          : `${stream.request}: gap: expected seq ${expected}, got seq ${String(message.seq)} (${String(message.type)})`,
    );
    assert(message.id !== undefined && message.id !== '', () => `${stream.request}: the message of seq ${expected} has no id: (cursor)`);
    got.push(message);
    expected += 1;
  }
  return got;
}

/** Reads the stream up to the message with `seq` and returns its cursor (`id:`), if it has one. */
async function cursorOf(stream: EventStream, seq: number): Promise<string | undefined> {
  for (;;) {
    const message = await stream.nextMessage(5000, `the event with seq ${seq}`);
    if (message.seq === seq) return message.id;
  }
}

async function sendChat(ctx: CheckContext, showId: string, text: string): Promise<number> {
  return (await ctx.command(showId, { type: 'chat.post', text })).seq;
}

/** The checks, in the order they run. */
export const CHECKS: readonly Check[] = [
  // --- snapshot and transport ------------------------------------------------------------------
  {
    id: 'snapshot.schema',
    title: 'The snapshot validates against Snapshot and reflects the show',
    section: '§6.1',
    async run(ctx) {
      const show = await ctx.show();
      const res = await ctx.http('GET', paths.show(show.id));
      ctx.expectStatus(res, 200);
      const type = res.headers.get('Content-Type') ?? '';
      assert(/^application\/json\b/i.test(type), () => `${res.request}: expected Content-Type application/json, got ${JSON.stringify(type)}`);
      const snapshot = validate(SnapshotSchema, res.json);
      assert(snapshot.success, () => `${res.request}: does not validate against Snapshot: ${snapshot.success ? '' : formatIssues(snapshot.issues)}`);
      const s = snapshot.output;
      assert(s.protocol === 1, `${res.request}: expected "protocol": 1, got ${String(s.protocol)}`);
      assert(s.show.id === show.id, `${res.request}: expected show.id ${show.id}, got ${s.show.id}`);
      const ids = s.products.map((p) => p.id).join(', ');
      assert(ids === `${PRODUCTS.tracked.productId}, ${PRODUCTS.untracked.productId}`, `${res.request}: expected the products created, in order (${PRODUCTS.tracked.productId}, ${PRODUCTS.untracked.productId}), got [${ids}]`);
      return `capabilities: ${s.capabilities.join(', ') || '(none)'}`;
    },
  },
  {
    id: 'protocol.header',
    title: 'Every response carries Nightmarket-Protocol: 1 (snapshot, errors, stream)',
    section: '§2.1',
    async run(ctx) {
      const show = await ctx.show();
      ctx.expectProtocolHeader(await ctx.http('GET', paths.show(show.id)));
      ctx.expectProtocolHeader(await ctx.http('GET', paths.show(`missing-${uid()}`)));
      ctx.expectProtocolHeader(await ctx.http('POST', paths.chat(show.id), { body: { text: 'hello' } }));
      const stream = await ctx.stream(show.id);
      ctx.expectProtocolHeader(stream);
      stream.close();
    },
  },
  {
    id: 'snapshot.clock',
    title: 'The snapshot has epoch, seq and a serverTime within ±5 min of this clock',
    section: '§6.1, §6.2',
    async run(ctx) {
      const show = await ctx.show();
      const before = Date.now();
      const s = await ctx.snapshot(show.id);
      const after = Date.now();
      assert(typeof s.epoch === 'string' && s.epoch.length > 0, `GET ${paths.show(show.id)}: epoch missing`);
      assert(Number.isInteger(s.seq) && s.seq >= 0, `GET ${paths.show(show.id)}: seq must be an integer ≥ 0, got ${String(s.seq)}`);
      const skew = s.serverTime < before ? s.serverTime - before : s.serverTime > after ? s.serverTime - after : 0;
      assert(Math.abs(skew) <= 5 * 60_000, `GET ${paths.show(show.id)}: serverTime ${s.serverTime} is ${Math.round(skew / 1000)} s off this machine's clock (more than ±5 min): is the server clock NTP-synchronised, or the snapshot cached?`);
      assert(s.heartbeatMs >= 100, `GET ${paths.show(show.id)}: heartbeatMs must be ≥ 100, got ${s.heartbeatMs}`);
      return `epoch ${s.epoch}, seq ${s.seq}, clock skew ${skew} ms`;
    },
  },
  {
    id: 'protocol.default-version',
    title: 'A request without Nightmarket-Protocol is served as version 1',
    section: '§2.1',
    async run(ctx) {
      const show = await ctx.show();
      const res = await ctx.http('GET', paths.show(show.id), { protocol: null });
      ctx.expectStatus(res, 200, 'no Nightmarket-Protocol header');
    },
  },
  {
    id: 'protocol.unsupported-version',
    title: 'An unsupported protocol version → 400 unsupported-version',
    section: '§2.1',
    async run(ctx) {
      const show = await ctx.show();
      const res = await ctx.http('GET', paths.show(show.id), { protocol: '99' });
      ctx.expectProblem(res, 400, 'unsupported-version', 'Nightmarket-Protocol: 99');
      ctx.expectProtocolHeader(res);
    },
  },
  {
    id: 'errors.unknown-show',
    title: 'An unknown show → 404 not-found as problem+json',
    section: '§4.3, §10',
    async run(ctx) {
      const id = `conformance-missing-${uid()}`;
      ctx.expectProblem(await ctx.http('GET', paths.show(id)), 404, 'not-found');
      ctx.expectProblem(await ctx.http('GET', paths.events(id), { headers: { Accept: EVENT_STREAM_MEDIA_TYPE } }), 404, 'not-found');
    },
  },
  {
    id: 'errors.unknown-route',
    title: 'An unknown route or method → 404 not-found as problem+json',
    section: '§4.3',
    async run(ctx) {
      const show = await ctx.show();
      ctx.expectProblem(await ctx.http('GET', `${paths.show(show.id)}/no-such-endpoint`), 404, 'not-found');
      ctx.expectProblem(await ctx.http('PATCH', paths.chat(show.id), { token: ctx.viewer(1), body: { text: 'x' } }), 404, 'not-found');
    },
  },

  // --- event stream -----------------------------------------------------------------------------
  {
    id: 'stream.framing',
    title: 'The stream is text/event-stream, starts with retry:, one id + data message per event',
    section: '§7.1',
    async run(ctx) {
      const show = await ctx.show();
      const stream = await ctx.stream(show.id);
      assert(stream.status === 200, () => `${stream.request}: expected 200, got ${stream.status}`);
      const type = stream.headers.get('Content-Type') ?? '';
      assert(type.split(';')[0]!.trim().toLowerCase() === EVENT_STREAM_MEDIA_TYPE, () => `${stream.request}: expected Content-Type ${EVENT_STREAM_MEDIA_TYPE}, got ${JSON.stringify(type)}`);
      const first = await stream.next(5000, 'the retry: line');
      assert(first.kind === 'retry', () => `${stream.request}: the stream must start with "retry: <ms>", got ${first.kind === 'message' ? `a message (${excerpt(first.data)})` : first.kind}`);
      assert(/^\d+$/.test(first.value), () => `${stream.request}: retry must be a number of ms, got ${JSON.stringify(first.value)}`);
      const seq = await sendChat(ctx, show.id, 'Framing check');
      for (;;) {
        const message = await stream.nextMessage(5000, `the chat.message event (seq ${seq})`);
        assert(message.event === undefined || message.event === 'message', () => `${stream.request}: protocol events must not use "event:" (got event: ${message.event})`);
        assert(message.json !== undefined, () => `${stream.request}: data must be the event JSON on one line, got ${excerpt(message.data)}`);
        assert(!message.data.includes('\n'), () => `${stream.request}: the event must be one data: line, got several`);
        assert(message.id !== undefined && message.id !== '', () => `${stream.request}: every event message needs an id: (cursor); seq ${String(message.seq)} has none`);
        if (message.seq !== undefined && message.seq >= seq) {
          assert(message.type === 'chat.message', () => `${stream.request}: expected chat.message at seq ${seq}, got ${String(message.type)}`);
          break;
        }
      }
      const cache = stream.headers.get('Cache-Control') ?? '';
      stream.close();
      return cache.includes('no-store') ? undefined : `note: Cache-Control is ${JSON.stringify(cache)}, no-store is recommended`;
    },
  },
  {
    id: 'stream.heartbeat',
    title: 'An idle stream sends a comment within 2 × heartbeatMs + 1 s',
    section: '§7.1, §7.4',
    async run(ctx) {
      const show = await ctx.show();
      const bound = 2 * show.snapshot.heartbeatMs + 1000;
      // The bound can exceed the default time limit of a check (heartbeatMs is 15 s by default).
      ctx.extendDeadline(bound + 3000);
      const stream = await ctx.stream(show.id);
      assert(stream.status === 200, () => `${stream.request}: expected 200, got ${stream.status}`);
      const opened = Date.now();
      for (;;) {
        const item = await stream.next(Math.max(1, opened + bound - Date.now()), `a heartbeat comment (heartbeatMs ${show.snapshot.heartbeatMs}, bound ${bound} ms)`);
        assert(item.kind !== 'end', () => `${stream.request}: the stream ended while waiting for a heartbeat`);
        if (item.kind === 'comment') {
          stream.close();
          return `first comment after ${item.at - opened} ms (heartbeatMs ${show.snapshot.heartbeatMs})`;
        }
      }
    },
  },
  {
    id: 'stream.events',
    title: 'Events validate, their seqs are contiguous and match command results',
    section: '§7.2, §8, §11.1',
    async run(ctx) {
      const show = await ctx.show();
      const since = show.capabilities.has('since');
      const stream = await ctx.stream(show.id, since ? { query: `since=${show.snapshot.seq}&epoch=${encodeURIComponent(show.snapshot.epoch)}` } : {});
      assert(stream.status === 200, () => `${stream.request}: expected 200, got ${stream.status}`);
      const expected = new Map<number, string>();
      expected.set((await ctx.command(show.id, { type: 'product.pin', ...PRODUCTS.tracked })).seq, 'product.pinned');
      expected.set((await ctx.command(show.id, { type: 'stock.set', ...PRODUCTS.tracked, stock: 90 })).seq, 'stock.changed');
      expected.set((await ctx.command(show.id, { type: 'chat.post', text: 'Welcome to the conformance run' })).seq, 'chat.message');
      expected.set((await ctx.command(show.id, { type: 'product.unpin' })).seq, 'product.unpinned');
      const last = Math.max(...expected.keys());
      // With `since` the stream starts right after the snapshot; without it, with live events
      // only, so the first event's seq is whatever is next when the connection opened.
      let first = show.snapshot.seq + 1;
      const messages: StreamMessage[] = [];
      if (!since) {
        const message = await stream.nextMessage(5000, 'the first event');
        const parsed = parseEvent(message.json);
        assert(parsed.kind !== 'invalid', () => `${stream.request}: event does not validate: ${parsed.kind === 'invalid' ? formatIssues(parsed.issues) : ''}; data ${excerpt(message.data)}`);
        assert(message.seq !== undefined, `${stream.request}: the first message is not an event: ${excerpt(message.data)}`);
        messages.push(message);
        first = message.seq;
      }
      messages.push(...(await readContiguous(stream, first + messages.length, last)));
      for (const [seq, type] of expected) {
        const message = messages.find((m) => m.seq === seq);
        assert(message?.type === type, () => `${stream.request}: the command answered with seq ${seq}, so the event at seq ${seq} should be ${type}, got ${String(message?.type)}`);
      }
      stream.close();
      const after = await ctx.snapshot(show.id);
      assert(after.seq >= last, `GET ${paths.show(show.id)}: snapshot seq ${after.seq} is behind the last event sent (${last})`);
      assert(after.pinned === null, `GET ${paths.show(show.id)}: after product.unpin, pinned should be null, got ${JSON.stringify(after.pinned)}`);
      return `${messages.length} events, seq ${first}–${last}`;
    },
  },
  {
    id: 'stream.resume',
    title: 'Resuming with Last-Event-ID delivers exactly the missed events',
    section: '§7.2, §7.3',
    async run(ctx) {
      const show = await ctx.show();
      const a = await ctx.stream(show.id);
      assert(a.status === 200, () => `${a.request}: expected 200, got ${a.status}`);
      await a.next(5000, 'retry:');
      const s1 = await sendChat(ctx, show.id, 'Before the disconnect');
      const cursor = await cursorOf(a, s1);
      a.close();
      assert(cursor !== undefined && cursor !== '', `${a.request}: the message of seq ${s1} has no id: (cursor)`);
      const missed = [await sendChat(ctx, show.id, 'Missed 1'), await sendChat(ctx, show.id, 'Missed 2'), await sendChat(ctx, show.id, 'Missed 3')];
      const current = (await ctx.snapshot(show.id)).seq;
      const b = await ctx.stream(show.id, { lastEventId: cursor });
      assert(b.status === 200, () => `${b.request}: expected 200, got ${b.status}`);
      const got = await readContiguous(b, s1 + 1, current);
      for (const seq of missed) {
        assert(got.find((m) => m.seq === seq)?.type === 'chat.message', `${b.request}: the missed chat.message at seq ${seq} was not delivered`);
      }
      b.close();
      return `resumed after seq ${s1}: got seq ${s1 + 1}–${current}`;
    },
  },
  {
    id: 'stream.since',
    title: 'Resuming with ?since=<seq>&epoch= delivers the events after the snapshot',
    section: '§7.2',
    async run(ctx) {
      const show = await ctx.show({}, ['since']);
      await sendChat(ctx, show.id, 'One');
      const snap = await ctx.snapshot(show.id);
      const later = [await sendChat(ctx, show.id, 'Two'), await sendChat(ctx, show.id, 'Three')];
      const stream = await ctx.stream(show.id, { query: `since=${snap.seq}&epoch=${encodeURIComponent(snap.epoch)}` });
      assert(stream.status === 200, () => `${stream.request}: expected 200, got ${stream.status}`);
      const got = await readContiguous(stream, snap.seq + 1, Math.max(...later));
      stream.close();
      return `got seq ${snap.seq + 1}–${got.at(-1)?.seq ?? '?'}`;
    },
  },
  {
    id: 'stream.reset-too-old',
    title: 'A cursor older than the history → reset too-old with the current seq',
    section: '§7.3',
    async run(ctx) {
      const show = await ctx.show();
      const a = await ctx.stream(show.id);
      assert(a.status === 200, () => `${a.request}: expected 200, got ${a.status}`);
      const s1 = await sendChat(ctx, show.id, 'Oldest');
      const cursor = await cursorOf(a, s1);
      a.close();
      assert(cursor, `${a.request}: the message of seq ${s1} has no id: (cursor)`);
      // Push events until the cursor falls out of the history (bounded: the protocol's reference
      // keeps 1000; a backend keeping more is skipped rather than flooded).
      const probes = [60, 250, 1100];
      let sent = 0;
      for (const target of probes) {
        ctx.step = `sending chat.post commands until ${target} events followed the cursor`;
        while (sent < target) {
          const batch = Math.min(25, target - sent);
          await Promise.all(Array.from({ length: batch }, (_, i) => sendChat(ctx, show.id, `Filler ${sent + i + 1}`)));
          sent += batch;
        }
        const current = (await ctx.snapshot(show.id)).seq;
        const b = await ctx.stream(show.id, { lastEventId: cursor });
        assert(b.status === 200, () => `${b.request}: expected 200, got ${b.status}`);
        const m = await b.nextMessage(5000, 'a reset or the backlog');
        b.close();
        if (m.type === 'reset') {
          const reason = field(field(m.json, 'data'), 'reason');
          assert(reason === 'too-old', () => `${b.request}: ${sent} events after the cursor: expected reset reason "too-old", got ${JSON.stringify(reason)}`);
          assert(m.seq === current, () => `${b.request}: a reset carries the current seq (${current}), got ${String(m.seq)}`);
          return `reset after ${sent} newer events`;
        }
        assert(m.seq === s1 + 1, () => `${b.request}: expected either a reset or the backlog from seq ${s1 + 1}, got ${String(m.type)} seq ${String(m.seq)}`);
      }
      throw new CheckSkipped(`the backend still resumed a cursor ${sent} events old: its history is larger than this check overflows within its bounds`);
    },
  },
  {
    id: 'stream.reset-epoch',
    title: 'A cursor or since from another epoch → reset epoch-changed',
    section: '§7.2, §7.3',
    async run(ctx) {
      const show = await ctx.show();
      const notes: string[] = [];
      if (show.capabilities.has('since')) {
        const stream = await ctx.stream(show.id, { query: `since=${show.snapshot.seq}&epoch=conformance-foreign-epoch` });
        await expectReset(stream, 'epoch-changed', show.snapshot.seq);
        stream.close();
        notes.push('since with a foreign epoch');
      }
      // A cursor from the show before it was re-created: a new event sequence.
      const a = await ctx.stream(show.id);
      const s1 = await sendChat(ctx, show.id, 'Before re-creating the show');
      const cursor = await cursorOf(a, s1);
      a.close();
      const put = await ctx.http('PUT', paths.show(show.id), {
        token: ctx.adminToken,
        body: { show: { ...show.snapshot.show }, products: conformanceProducts() },
      });
      if (put.status === 200 || put.status === 201) {
        const fresh = await ctx.snapshot(show.id);
        if (fresh.epoch !== show.snapshot.epoch && cursor) {
          const b = await ctx.stream(show.id, { lastEventId: cursor });
          await expectReset(b, 'epoch-changed', fresh.seq);
          b.close();
          notes.push('Last-Event-ID from before the show was re-created');
        }
      }
      if (notes.length === 0) {
        throw new CheckSkipped('no "since" capability, and re-creating the show did not start a new epoch: no foreign-epoch cursor to test with');
      }
      return notes.join('; ');
    },
  },
  {
    id: 'stream.reset-ahead',
    title: 'A since ahead of the current seq → reset other',
    section: '§7.3',
    async run(ctx) {
      const show = await ctx.show({}, ['since']);
      const stream = await ctx.stream(show.id, { query: `since=${show.snapshot.seq + 1000}&epoch=${encodeURIComponent(show.snapshot.epoch)}` });
      await expectReset(stream, 'other', show.snapshot.seq);
      stream.close();
    },
  },
  {
    id: 'stream.show-end',
    title: 'show.end sends the final events and closes the stream; then the stream → 204',
    section: '§7.3, §9.8',
    async run(ctx) {
      const show = await ctx.show();
      const saleId = await scheduleSale(ctx, show, { units: 5, limitPerBuyer: 1 });
      const stream = await ctx.stream(show.id);
      assert(stream.status === 200, () => `${stream.request}: expected 200, got ${stream.status}`);
      await stream.next(5000, 'retry:');
      const end = await ctx.command(show.id, { type: 'show.end' });
      let sawEnded = false;
      let sawSaleEnded = false;
      for (;;) {
        const item = await stream.next(5000, 'the end of the stream after show.end');
        if (item.kind === 'end') break;
        if (item.kind !== 'message') continue;
        const json = JSON.parse(item.data) as { type?: string; data?: { status?: string; id?: string; endReason?: string } };
        if (json.type === 'show.updated' && json.data?.status === 'ended') sawEnded = true;
        if (json.type === 'sale.ended' && json.data?.id === saleId) sawSaleEnded = true;
      }
      assert(sawSaleEnded, `${stream.request}: the stream closed without sale.ended for the live sale ${saleId}`);
      assert(sawEnded, `${stream.request}: the stream closed without show.updated with status "ended" (show.end answered seq ${end.seq})`);
      const again = await ctx.http('GET', paths.events(show.id), { headers: { Accept: EVENT_STREAM_MEDIA_TYPE } });
      ctx.expectStatus(again, 204, 'events of an ended show');
      const snap = await ctx.snapshot(show.id);
      assert(snap.show.status === 'ended', `GET ${paths.show(show.id)}: expected show.status "ended", got ${snap.show.status}`);
    },
  },

  // --- auth and generic errors --------------------------------------------------------------------
  {
    id: 'admin.no-token',
    title: 'An admin command without a token → 401 unauthorized',
    section: '§3.2',
    async run(ctx) {
      const show = await ctx.show();
      ctx.expectProblem(await ctx.http('POST', paths.commands(show.id), { body: { type: 'show.pause' } }), 401, 'unauthorized');
      assert((await ctx.snapshot(show.id)).show.status === 'live', 'the refused show.pause was applied anyway');
    },
  },
  {
    id: 'admin.wrong-token',
    title: 'An admin command with a wrong token (or a viewer token) → 403 forbidden',
    section: '§3.2',
    async run(ctx) {
      const show = await ctx.show();
      ctx.expectProblem(await ctx.http('POST', paths.commands(show.id), { token: `not-the-admin-${uid()}`, body: { type: 'show.pause' } }), 403, 'forbidden');
      ctx.expectProblem(await ctx.http('POST', paths.commands(show.id), { token: ctx.viewer(1), body: { type: 'show.pause' } }), 403, 'forbidden', 'a viewer token');
      assert((await ctx.snapshot(show.id)).show.status === 'live', 'the refused show.pause was applied anyway');
    },
  },
  {
    id: 'viewer.no-credentials',
    title: 'Viewer requests without credentials → 401 unauthorized',
    section: '§3.1',
    async run(ctx) {
      const show = await ctx.show();
      ctx.expectProblem(await ctx.http('POST', paths.chat(show.id), { body: { text: 'Anonymous?' } }), 401, 'unauthorized');
      ctx.expectProblem(await ctx.http('GET', paths.cart(show.id)), 401, 'unauthorized');
      ctx.expectProblem(
        await ctx.http('POST', paths.checkout(show.id), { key: newKey('anon'), body: { source: 'items', lines: [{ ...PRODUCTS.untracked, quantity: 1 }] } }),
        401,
        'unauthorized',
      );
    },
  },
  {
    id: 'request.invalid-body',
    title: 'A bad body → 400 invalid-request with errors[].path naming the field',
    section: '§4.3',
    async run(ctx) {
      const show = await ctx.show();
      const res = await ctx.http('POST', paths.checkout(show.id), {
        token: ctx.viewer(1),
        key: newKey('invalid'),
        body: { source: 'items', lines: [{ ...PRODUCTS.untracked, quantity: 0 }] },
      });
      const problem = ctx.expectProblem(res, 400, 'invalid-request', 'lines.0.quantity = 0');
      const paths0 = (problem.errors ?? []).map((e) => e.path);
      assert(paths0.includes('lines.0.quantity'), () => `${res.request}: expected errors[].path "lines.0.quantity", got ${JSON.stringify(paths0)}`);
      assert(problem.detail.includes('quantity'), () => `${res.request}: detail should name the first bad field (quantity), got ${JSON.stringify(problem.detail)}`);
      const chat = await ctx.http('POST', paths.chat(show.id), { token: ctx.viewer(1), body: { text: '   ' } });
      const p2 = ctx.expectProblem(chat, 400, 'invalid-request', 'text blank after trimming');
      assert((p2.errors ?? []).some((e) => e.path === 'text'), () => `${chat.request}: expected errors[].path "text", got ${JSON.stringify(p2.errors ?? [])}`);
      const malformed = await ctx.http('POST', paths.chat(show.id), { token: ctx.viewer(1), raw: '{"text": "unterminated' });
      const p3 = ctx.expectProblem(malformed, 400, 'invalid-request', 'malformed JSON');
      assert((p3.errors ?? []).length > 0, () => `${malformed.request}: malformed JSON: expected errors with the (root) path, got ${excerpt(malformed.text)}`);
    },
  },
  {
    id: 'request.too-large',
    title: 'A body over 64 KiB → 413 payload-too-large',
    section: '§4.3, §12',
    async run(ctx) {
      const show = await ctx.show();
      const raw = JSON.stringify({ text: 'x'.repeat(64 * 1024 + 16) });
      const res = await ctx.http('POST', paths.chat(show.id), { token: ctx.viewer(1), raw });
      ctx.expectProblem(res, 413, 'payload-too-large', `${raw.length}-byte body`);
    },
  },

  // --- idempotency --------------------------------------------------------------------------------
  {
    id: 'idempotency.replay',
    title: 'Same Idempotency-Key and body → the stored result, Idempotency-Replayed: true, no new events',
    section: '§4.2',
    async run(ctx) {
      const show = await ctx.show({}, ['checkout']);
      const key = newKey('replay');
      const body = { source: 'items', lines: [{ ...PRODUCTS.untracked, quantity: 2 }] };
      const first = await ctx.http('POST', paths.checkout(show.id), { token: ctx.viewer(1), key, body });
      ctx.expectStatus(first, 201, 'items checkout');
      const seqAfterFirst = (await ctx.snapshot(show.id)).seq;
      const second = await ctx.http('POST', paths.checkout(show.id), { token: ctx.viewer(1), key, body });
      assert(second.status === first.status, () => `${second.request} (same key, same body): expected the stored status ${first.status}, got ${describeResponse(second)}`);
      assert(
        JSON.stringify(second.json) === JSON.stringify(first.json),
        () => `${second.request} (same key, same body): expected the stored body ${excerpt(first.text)}, got ${excerpt(second.text)}`,
      );
      const replayed = second.headers.get('Idempotency-Replayed');
      assert(replayed === 'true', () => `${second.request} (same key, same body): expected header Idempotency-Replayed: true, got ${replayed === null ? 'none' : JSON.stringify(replayed)}`);
      const seqAfterReplay = (await ctx.snapshot(show.id)).seq;
      assert(seqAfterReplay === seqAfterFirst, `the replay emitted events again: seq went from ${seqAfterFirst} to ${seqAfterReplay}`);
      // A stored error is replayed too.
      const errKey = newKey('replay-error');
      const bad = { source: 'items', lines: [{ productId: 'conformance-no-such-product', variantId: 'x', quantity: 1 }] };
      const e1 = await ctx.http('POST', paths.checkout(show.id), { token: ctx.viewer(1), key: errKey, body: bad });
      ctx.expectProblem(e1, 404, 'not-found', 'unknown product');
      const e2 = await ctx.http('POST', paths.checkout(show.id), { token: ctx.viewer(1), key: errKey, body: bad });
      ctx.expectProblem(e2, 404, 'not-found', 'replay of a stored error');
      assert(e2.headers.get('Idempotency-Replayed') === 'true', `${e2.request}: a replayed error needs Idempotency-Replayed: true too`);
    },
  },
  {
    id: 'idempotency.mismatch',
    title: 'Same Idempotency-Key with a different body → 422 idempotency-mismatch',
    section: '§4.2',
    async run(ctx) {
      const show = await ctx.show({}, ['checkout']);
      const key = newKey('mismatch');
      const first = await ctx.http('POST', paths.checkout(show.id), { token: ctx.viewer(1), key, body: { source: 'items', lines: [{ ...PRODUCTS.untracked, quantity: 1 }] } });
      ctx.expectStatus(first, 201, 'items checkout');
      const second = await ctx.http('POST', paths.checkout(show.id), { token: ctx.viewer(1), key, body: { source: 'items', lines: [{ ...PRODUCTS.untracked, quantity: 3 }] } });
      ctx.expectProblem(second, 422, 'idempotency-mismatch', 'same key, different body');
      // Keys are per viewer: another viewer may use the same key.
      const other = await ctx.http('POST', paths.checkout(show.id), { token: ctx.viewer(2), key, body: { source: 'items', lines: [{ ...PRODUCTS.untracked, quantity: 3 }] } });
      ctx.expectStatus(other, 201, 'the same key from another viewer');
    },
  },
  {
    id: 'idempotency.key-required',
    title: 'Reservations, checkout and deposits without Idempotency-Key → 400 invalid-request',
    section: '§4.2',
    async run(ctx) {
      const show = await ctx.show();
      const requests: [string, unknown][] = [
        [paths.checkout(show.id), { source: 'items', lines: [{ ...PRODUCTS.untracked, quantity: 1 }] }],
        [paths.reservations(show.id), { saleId: 'any-sale', quantity: 1 }],
        [paths.deposits(show.id), { presaleId: 'any-presale', quantity: 1 }],
      ];
      for (const [path, body] of requests) {
        const res = await ctx.http('POST', path, { token: ctx.viewer(1), body });
        const problem = ctx.expectProblem(res, 400, 'invalid-request', 'no Idempotency-Key');
        const named = /idempotency-key/i.test(problem.detail) || (problem.errors ?? []).some((e) => /idempotency-key/i.test(e.path));
        assert(named, () => `${res.request}: the problem should name the Idempotency-Key header (detail or errors[].path), got ${excerpt(res.text)}`);
      }
    },
  },

  // --- cart -------------------------------------------------------------------------------------------
  {
    id: 'cart.lines',
    title: 'Cart: add (same variant adds to its line), set quantity, 0 or DELETE removes; checkout empties it',
    section: '§5.6, §9.3, §9.4',
    async run(ctx) {
      const show = await ctx.show({}, ['cart', 'checkout']);
      const token = ctx.viewer(1);
      const cartOf = (res: Awaited<ReturnType<typeof ctx.http>>, what: string): Cart => {
        const body = ctx.expectStatus(res, 200, what);
        const checked = validate(CartSchema, body);
        assert(checked.success, () => `${res.request} (${what}): the body does not validate against Cart: ${checked.success ? '' : formatIssues(checked.issues)}`);
        return checked.output as Cart;
      };
      const empty = cartOf(await ctx.http('GET', paths.cart(show.id), { token }), 'a new viewer');
      assert(empty.lines.length === 0 && empty.subtotal.amount === 0, () => `a new viewer's cart must be empty with subtotal 0, got ${JSON.stringify(empty)}`);
      assert(empty.subtotal.currency === CURRENCY, `the subtotal is in the show currency ${CURRENCY}, got ${empty.subtotal.currency}`);

      cartOf(await ctx.http('POST', paths.cartLines(show.id), { token, body: { ...PRODUCTS.untracked, quantity: 1 } }), 'add 1');
      const twice = cartOf(await ctx.http('POST', paths.cartLines(show.id), { token, body: { ...PRODUCTS.untracked, quantity: 2 } }), 'add 2 more');
      assert(twice.lines.length === 1 && twice.lines[0]!.quantity === 3, () => `adding a variant already in the cart adds to its line: expected one line of 3, got ${JSON.stringify(twice.lines)}`);
      const line = twice.lines[0]!;
      assert(twice.subtotal.amount === 3 * line.unitPrice.amount, `subtotal ${twice.subtotal.amount} is not 3 × unitPrice ${line.unitPrice.amount}`);

      const other = cartOf(await ctx.http('GET', paths.cart(show.id), { token: ctx.viewer(2) }), "another viewer's cart");
      assert(other.lines.length === 0, 'carts are per viewer: another viewer sees an empty cart');

      const set = cartOf(await ctx.http('PATCH', paths.cartLine(show.id, line.id), { token, body: { quantity: 5 } }), 'set quantity 5');
      assert(set.lines[0]?.quantity === 5 && set.subtotal.amount === 5 * line.unitPrice.amount, () => `PATCH quantity 5: expected one line of 5, got ${JSON.stringify(set)}`);
      const zero = cartOf(await ctx.http('PATCH', paths.cartLine(show.id, line.id), { token, body: { quantity: 0 } }), 'quantity 0');
      assert(zero.lines.length === 0, () => `PATCH quantity 0 removes the line, got ${JSON.stringify(zero.lines)}`);

      const again = cartOf(await ctx.http('POST', paths.cartLines(show.id), { token, body: { ...PRODUCTS.untracked, quantity: 2 } }), 'add again');
      const removed = cartOf(await ctx.http('DELETE', paths.cartLine(show.id, again.lines[0]!.id), { token }), 'DELETE the line');
      assert(removed.lines.length === 0, 'DELETE removes the line');
      ctx.expectProblem(await ctx.http('POST', paths.checkout(show.id), { token, key: newKey('cart-empty'), body: { source: 'cart' } }), 400, 'invalid-request', 'checkout of an empty cart');

      cartOf(await ctx.http('POST', paths.cartLines(show.id), { token, body: { ...PRODUCTS.untracked, quantity: 2 } }), 'add before checkout');
      const bought = await ctx.http('POST', paths.checkout(show.id), { token, key: newKey('cart'), body: { source: 'cart' } });
      const result = ctx.expectStatus(bought, 201, 'checkout of the cart') as { kind?: unknown; order?: unknown };
      if (result?.kind === 'order') {
        const order = validate(OrderSchema, result.order);
        assert(order.success, () => `${bought.request}: the order does not validate: ${order.success ? '' : formatIssues(order.issues)}`);
        assert(order.output.total.amount === 2 * line.unitPrice.amount, `the order total ${order.output.total.amount} is not 2 × unitPrice ${line.unitPrice.amount}`);
      }
      const after = cartOf(await ctx.http('GET', paths.cart(show.id), { token }), 'after checkout');
      assert(after.lines.length === 0, () => `checkout of the cart empties it, got ${JSON.stringify(after.lines)}`);
    },
  },

  // --- flash sales ----------------------------------------------------------------------------------
  {
    id: 'flash.concurrency',
    title: '50 concurrent reservations from 25 viewers for 10 units → exactly 10 held',
    section: '§9.1',
    async run(ctx) {
      const show = await ctx.show({}, ['flash-sale']);
      const saleId = await scheduleSale(ctx, show, { units: 10, limitPerBuyer: 2 });
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => reserve(ctx, show.id, (i % 25) + 1, saleId)));
      const held = results.filter((r) => r.status === 201);
      const soldOut = results.filter((r) => r.status === 409 && field(r.json, 'type') === 'urn:nightmarket:problem:sold-out');
      const other = results.filter((r) => !held.includes(r) && !soldOut.includes(r));
      assert(
        held.length === 10 && soldOut.length === 40,
        () =>
          `expected exactly 10 × 201 held and 40 × 409 sold-out, got ${held.length} held, ${soldOut.length} sold-out` +
          (other.length > 0 ? `, and ${other.length} others, e.g. ${describeResponse(other[0]!)}` : ''),
      );
      for (const r of held) assert(field(r.json, 'status') === 'held', () => `${r.request}: expected a Reservation with status "held", got ${excerpt(r.text)}`);
      const total = held.reduce((n, r) => n + Number(field(r.json, 'quantity') ?? 0), 0);
      assert(total === 10, `held reservations add up to ${total} units, expected 10`);
      ctx.expectProblem(soldOut[0]!, 409, 'sold-out');
      const sale = (await ctx.snapshot(show.id)).sales.find((s) => s.id === saleId);
      assert(sale?.unitsLeft === 0, `GET ${paths.show(show.id)}: expected the sale's unitsLeft 0, got ${String(sale?.unitsLeft)}`);
      assert(sale.status === 'live', `GET ${paths.show(show.id)}: while reservations are held the sale stays live, got status ${sale.status}`);
      return '10 held, 40 sold-out';
    },
  },
  {
    id: 'flash.limit',
    title: 'Over the per-buyer limit → 409 limit-exceeded',
    section: '§9.1',
    async run(ctx) {
      const show = await ctx.show({}, ['flash-sale']);
      const saleId = await scheduleSale(ctx, show, { units: 20, limitPerBuyer: 2 });
      ctx.expectStatus(await reserve(ctx, show.id, 1, saleId, 2), 201, 'first reservation of 2 units');
      ctx.expectProblem(await reserve(ctx, show.id, 1, saleId, 1), 409, 'limit-exceeded', 'a third unit');
      ctx.expectProblem(await reserve(ctx, show.id, 2, saleId, 3), 409, 'limit-exceeded', '3 units at once, limit 2');
      ctx.expectStatus(await reserve(ctx, show.id, 2, saleId, 2), 201, 'another viewer, within the limit');
    },
  },
  {
    id: 'flash.window',
    title: 'Before startsAt → sale-not-started; within → held; at endsAt → sale-ended (server clock)',
    section: '§9, §9.1',
    async run(ctx) {
      const show = await ctx.show({}, ['flash-sale']);
      const startsIn = 1200;
      const endsIn = 2400;
      const scheduledAt = ctx.serverNow();
      const saleId = await scheduleSale(ctx, show, { units: 10, limitPerBuyer: 5, startsIn, endsIn });
      ctx.expectProblem(await reserve(ctx, show.id, 1, saleId), 409, 'sale-not-started', 'before startsAt');
      await ctx.sleep(Math.max(0, scheduledAt + startsIn + 300 - ctx.serverNow()));
      ctx.expectStatus(await reserve(ctx, show.id, 1, saleId), 201, 'after startsAt');
      await ctx.sleep(Math.max(0, scheduledAt + endsIn + 300 - ctx.serverNow()));
      ctx.expectProblem(await reserve(ctx, show.id, 1, saleId), 409, 'sale-ended', 'after endsAt');
    },
  },
  {
    id: 'flash.host-end',
    title: 'After sale.end → sale-ended; a held reservation can still be checked out',
    section: '§9.1, §11.1',
    async run(ctx) {
      const show = await ctx.show({}, ['flash-sale']);
      const saleId = await scheduleSale(ctx, show, { units: 10, limitPerBuyer: 2 });
      const held = await reserve(ctx, show.id, 1, saleId);
      ctx.expectStatus(held, 201, 'reservation before sale.end');
      await ctx.command(show.id, { type: 'sale.end', saleId });
      ctx.expectProblem(await reserve(ctx, show.id, 2, saleId), 409, 'sale-ended', 'after sale.end');
      if (show.capabilities.has('checkout')) {
        const res = await ctx.http('POST', paths.checkout(show.id), {
          token: ctx.viewer(1),
          key: newKey('after-end'),
          body: { source: 'reservation', reservationId: field(held.json, 'id') },
        });
        ctx.expectStatus(res, 201, 'checkout of a held reservation after the sale ended');
      }
    },
  },
  {
    id: 'flash.expiry',
    title: 'A reservation expires after reservationTtlMs and returns its units',
    section: '§9.1',
    async run(ctx) {
      const show = await ctx.show({}, ['flash-sale']);
      const ttl = 1500;
      const saleId = await scheduleSale(ctx, show, { units: 5, limitPerBuyer: 3, reservationTtlMs: ttl });
      const res = await reserve(ctx, show.id, 1, saleId, 3);
      ctx.expectStatus(res, 201, 'reservation of 3 units');
      const expiresAt = Number(field(res.json, 'expiresAt'));
      const reservedAt = ctx.serverNow();
      assert(Math.abs(expiresAt - (reservedAt + ttl)) < 2000, `${res.request}: expiresAt ${expiresAt} should be about now + reservationTtlMs (${Math.round(reservedAt + ttl)})`);
      const during = (await ctx.snapshot(show.id)).sales.find((s) => s.id === saleId);
      assert(during?.unitsLeft === 2, `GET ${paths.show(show.id)}: expected unitsLeft 2 while 3 units are held, got ${String(during?.unitsLeft)}`);
      const deadline = Date.now() + ttl + 3000;
      await ctx.sleep(ttl);
      for (;;) {
        const sale = (await ctx.snapshot(show.id)).sales.find((s) => s.id === saleId);
        if (sale?.unitsLeft === 5) break;
        assert(Date.now() < deadline, `GET ${paths.show(show.id)}: ${ttl + 3000} ms after reserving with reservationTtlMs ${ttl}, unitsLeft is still ${String(sale?.unitsLeft)} (expected 5)`);
        await ctx.sleep(200);
      }
      if (show.capabilities.has('checkout')) {
        const checkout = await ctx.http('POST', paths.checkout(show.id), {
          token: ctx.viewer(1),
          key: newKey('expired'),
          body: { source: 'reservation', reservationId: field(res.json, 'id') },
        });
        ctx.expectProblem(checkout, 409, 'reservation-expired', 'checkout of an expired reservation');
      }
      // Expired units do not count against the buyer's limit.
      ctx.expectStatus(await reserve(ctx, show.id, 1, saleId, 3), 201, 'reserving again after the expiry');
    },
  },
  {
    id: 'flash.checkout',
    title: 'Checkout of a held reservation → an order at the sale price, visible to its buyer only',
    section: '§9.1, §9.4, §9.6',
    async run(ctx) {
      const show = await ctx.show({}, ['flash-sale', 'checkout']);
      const saleId = await scheduleSale(ctx, show, { units: 5, limitPerBuyer: 1 });
      const held = await reserve(ctx, show.id, 1, saleId);
      ctx.expectStatus(held, 201, 'reservation');
      const res = await ctx.http('POST', paths.checkout(show.id), {
        token: ctx.viewer(1),
        key: newKey('checkout'),
        body: { source: 'reservation', reservationId: field(held.json, 'id') },
      });
      const result = ctx.expectStatus(res, 201, 'checkout of the reservation');
      if (field(result, 'kind') === 'redirect') return 'the backend answered with a redirect: order content not checked';
      assert(field(result, 'kind') === 'order', () => `${res.request}: expected {kind: "order"} or {kind: "redirect"}, got ${excerpt(res.text)}`);
      const order = field(result, 'order') as Record<string, unknown> | undefined;
      assert(order?.['kind'] === 'purchase' && order['status'] === 'confirmed', () => `${res.request}: expected an order of kind "purchase", status "confirmed", got ${excerpt(res.text)}`);
      const total = field(order['total'], 'amount');
      assert(total === 19_900, () => `${res.request}: expected a total of the sale price 19900 ${CURRENCY}, got ${JSON.stringify(order['total'])}`);
      const line = (order['lines'] as unknown[] | undefined)?.[0];
      assert(field(line, 'saleId') === saleId, () => `${res.request}: the order line should carry saleId ${saleId}, got ${JSON.stringify(line)}`);
      const orderId = String(order['id']);
      ctx.expectStatus(await ctx.http('GET', paths.order(show.id, orderId), { token: ctx.viewer(1) }), 200, 'the buyer reads the order');
      ctx.expectProblem(await ctx.http('GET', paths.order(show.id, orderId), { token: ctx.viewer(2) }), 404, 'not-found', "another viewer's order");
      const sale = (await ctx.snapshot(show.id)).sales.find((s) => s.id === saleId);
      assert(sale?.unitsLeft === 4, `GET ${paths.show(show.id)}: expected unitsLeft 4 after one unit sold, got ${String(sale?.unitsLeft)}`);
      ctx.expectProblem(await reserve(ctx, show.id, 1, saleId), 409, 'limit-exceeded', 'bought units count against the limit');
    },
  },

  // --- presales -------------------------------------------------------------------------------------
  {
    id: 'presale.deposit',
    title: 'A deposit → 201 deposit-paid order; depositsTaken follows',
    section: '§9.5',
    async run(ctx) {
      const show = await ctx.show({}, ['presale']);
      const presaleId = await openPresale(ctx, show, { refundable: true, limitPerBuyer: 2 });
      const res = await ctx.http('POST', paths.deposits(show.id), { token: ctx.viewer(1), key: newKey('deposit'), body: { presaleId, quantity: 2 } });
      const order = ctx.expectStatus(res, 201, 'deposit of 2 units');
      assert(field(order, 'kind') === 'deposit' && field(order, 'status') === 'deposit-paid', () => `${res.request}: expected an Order of kind "deposit", status "deposit-paid", got ${excerpt(res.text)}`);
      assert(field(field(order, 'total'), 'amount') === 10_000, () => `${res.request}: expected total = deposit × 2 = 10000, got ${JSON.stringify(field(order, 'total'))}`);
      assert(field(field(field(order, 'presale'), 'balance'), 'amount') === 49_800, () => `${res.request}: expected presale.balance = balance × 2 = 49800, got ${JSON.stringify(field(order, 'presale'))}`);
      const presale = (await ctx.snapshot(show.id)).presales.find((p) => p.id === presaleId);
      assert(presale?.depositsTaken === 2, `GET ${paths.show(show.id)}: expected depositsTaken 2, got ${String(presale?.depositsTaken)}`);
    },
  },
  {
    id: 'presale.limit',
    title: 'Deposits over the per-buyer limit → 409 limit-exceeded',
    section: '§9.5',
    async run(ctx) {
      const show = await ctx.show({}, ['presale']);
      const presaleId = await openPresale(ctx, show, { refundable: true, limitPerBuyer: 1 });
      const body = { presaleId, quantity: 1 };
      ctx.expectStatus(await ctx.http('POST', paths.deposits(show.id), { token: ctx.viewer(1), key: newKey('d1'), body }), 201, 'first deposit');
      ctx.expectProblem(await ctx.http('POST', paths.deposits(show.id), { token: ctx.viewer(1), key: newKey('d2'), body }), 409, 'limit-exceeded', 'second deposit, limit 1');
    },
  },
  {
    id: 'presale.closed',
    title: 'A deposit after presale.close → 409 presale-closed',
    section: '§9.5',
    async run(ctx) {
      const show = await ctx.show({}, ['presale']);
      const presaleId = await openPresale(ctx, show, { refundable: true, limitPerBuyer: 2 });
      await ctx.command(show.id, { type: 'presale.close', presaleId });
      const res = await ctx.http('POST', paths.deposits(show.id), { token: ctx.viewer(1), key: newKey('closed'), body: { presaleId, quantity: 1 } });
      ctx.expectProblem(res, 409, 'presale-closed', 'after presale.close');
    },
  },
  {
    id: 'presale.refund',
    title: 'Refund of a refundable deposit → refunded; non-refundable → 409 not-refundable',
    section: '§9.5',
    async run(ctx) {
      const show = await ctx.show({}, ['presale']);
      const refundable = await openPresale(ctx, show, { refundable: true, limitPerBuyer: 2 });
      const fixed = await openPresale(ctx, show, { refundable: false, limitPerBuyer: 2 });
      const d1 = await ctx.http('POST', paths.deposits(show.id), { token: ctx.viewer(1), key: newKey('r1'), body: { presaleId: refundable, quantity: 1 } });
      const o1 = String(field(ctx.expectStatus(d1, 201, 'deposit'), 'id'));
      const r1 = await ctx.http('POST', paths.refund(show.id, o1), { token: ctx.viewer(1), key: newKey('refund') });
      const refunded = ctx.expectStatus(r1, 200, 'refund of a refundable deposit');
      assert(field(refunded, 'status') === 'refunded', () => `${r1.request}: expected status "refunded", got ${excerpt(r1.text)}`);
      const presale = (await ctx.snapshot(show.id)).presales.find((p) => p.id === refundable);
      assert(presale?.depositsTaken === 0, `GET ${paths.show(show.id)}: expected depositsTaken back to 0 after the refund, got ${String(presale?.depositsTaken)}`);
      ctx.expectProblem(await ctx.http('POST', paths.refund(show.id, o1), { token: ctx.viewer(1), key: newKey('refund-again') }), 409, 'not-refundable', 'already refunded');
      const d2 = await ctx.http('POST', paths.deposits(show.id), { token: ctx.viewer(1), key: newKey('r2'), body: { presaleId: fixed, quantity: 1 } });
      const o2 = String(field(ctx.expectStatus(d2, 201, 'deposit'), 'id'));
      ctx.expectProblem(await ctx.http('POST', paths.refund(show.id, o2), { token: ctx.viewer(1), key: newKey('refund-fixed') }), 409, 'not-refundable', 'non-refundable presale');
      ctx.expectProblem(await ctx.http('POST', paths.refund(show.id, o2), { token: ctx.viewer(2), key: newKey('refund-other') }), 404, 'not-found', "another viewer's order");
    },
  },

  // --- viewer actions -------------------------------------------------------------------------------
  {
    id: 'chat.rate-limit',
    title: 'Chat over the allowance → 429 rate-limited with Retry-After',
    section: '§9.7',
    async run(ctx) {
      const show = await ctx.show({}, ['chat']);
      for (let i = 1; i <= 20; i++) {
        const res = await ctx.http('POST', paths.chat(show.id), { token: ctx.viewer(1), body: { text: `  Message ${i}  ` } });
        if (res.status === 201) {
          if (i === 1) assert(field(res.json, 'text') === 'Message 1', () => `${res.request}: chat text is stored trimmed: expected "Message 1", got ${JSON.stringify(field(res.json, 'text'))}`);
          continue;
        }
        const problem = ctx.expectProblem(res, 429, 'rate-limited', `message ${i} within a second`);
        const header = res.headers.get('Retry-After');
        assert(header !== null && /^\d+$/.test(header.trim()), () => `${res.request}: 429 needs a Retry-After header in whole seconds, got ${header === null ? 'none' : JSON.stringify(header)}`);
        assert(Number.isInteger(problem.retryAfter), () => `${res.request}: the problem needs retryAfter (seconds), got ${excerpt(res.text)}`);
        assert(i > 5, `${res.request}: rate-limited at message ${i}; the default allowance is 5 messages per 10 s`);
        ctx.expectStatus(await ctx.http('POST', paths.chat(show.id), { token: ctx.viewer(2), body: { text: 'Another viewer' } }), 201, 'another viewer is not limited');
        return `limited at message ${i}, Retry-After ${header}`;
      }
      throw new CheckFailed(`POST ${paths.chat(show.id)}: 20 messages in a row from one viewer were all accepted; expected 429 rate-limited after 5`);
    },
  },
  {
    id: 'polls.vote-once',
    title: 'A second vote → 409 already-voted; unknown option → 400; closed poll → poll-closed',
    section: '§9.7',
    async run(ctx) {
      const show = await ctx.show({}, ['polls']);
      const opened = await ctx.command(show.id, { type: 'poll.open', poll: { id: `poll-${uid()}`, question: 'Which colour next?', options: ['Sage', 'Navy'] } });
      const snap = await ctx.snapshot(show.id);
      const poll = snap.polls.at(-1);
      assert(poll && (opened.id === undefined || poll.id === opened.id), `GET ${paths.show(show.id)}: the poll opened (${String(opened.id)}) is not in the snapshot`);
      const [a, b] = poll.options;
      assert(a && b, 'the poll has fewer than 2 options');
      const vote = await ctx.http('POST', paths.votes(show.id, poll.id), { token: ctx.viewer(1), body: { optionId: a.id } });
      const updated = ctx.expectStatus(vote, 200, 'first vote');
      assert(field(updated, 'totalVotes') === 1, () => `${vote.request}: expected the up-to-date poll with totalVotes 1, got ${excerpt(vote.text)}`);
      ctx.expectProblem(await ctx.http('POST', paths.votes(show.id, poll.id), { token: ctx.viewer(1), body: { optionId: b.id } }), 409, 'already-voted', 'second vote');
      ctx.expectProblem(await ctx.http('POST', paths.votes(show.id, poll.id), { token: ctx.viewer(1), body: { optionId: a.id } }), 409, 'already-voted', 'second vote, same option');
      const unknown = await ctx.http('POST', paths.votes(show.id, poll.id), { token: ctx.viewer(2), body: { optionId: 'conformance-no-such-option' } });
      const p = ctx.expectProblem(unknown, 400, 'invalid-request', 'unknown option');
      assert(p.errors?.[0]?.path === 'optionId', () => `${unknown.request}: expected errors[0].path "optionId", got ${JSON.stringify(p.errors ?? [])}`);
      await ctx.command(show.id, { type: 'poll.close', pollId: poll.id });
      ctx.expectProblem(await ctx.http('POST', paths.votes(show.id, poll.id), { token: ctx.viewer(3), body: { optionId: a.id } }), 409, 'poll-closed', 'vote in a closed poll');
    },
  },
];
