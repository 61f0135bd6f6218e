/**
 * The conformance suite's test harness: raw HTTP exchanges with a backend (every request
 * described in failure details), problem+json assertions, a small Server-Sent Events reader, and
 * the per-run shows the checks create through the reference server's admin API.
 *
 * Nothing here is part of the protocol client: the suite talks to the backend with plain `fetch`
 * so that it sees exactly what the backend sends (headers, framing, status codes).
 */
import {
  PROBLEM_MEDIA_TYPE,
  PROBLEM_TYPE_PREFIX,
  PROTOCOL_HEADER,
  ProblemSchema,
  SnapshotSchema,
  formatIssues,
  paths,
  validate,
  type Capability,
  type Problem,
  type Product,
  type Show,
  type Snapshot,
} from '@nightmarket/client';

/** A check failed: `message` says what was expected, what came back, and for which request. */
export class CheckFailed extends Error {}

/** A check cannot run against this backend (a capability or an admin route is missing). */
export class CheckSkipped extends Error {}

/** Throws {@link CheckFailed} with `message` unless `condition` holds. */
export function assert(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new CheckFailed(typeof message === 'function' ? message() : message);
}

/** Options of {@link Harness.http}. */
export interface HttpInit {
  /** Bearer token (viewer or admin). */
  token?: string | undefined;
  /** JSON body (serialised with `JSON.stringify`). */
  body?: unknown;
  /** Raw body text, sent as is with `Content-Type: application/json`. */
  raw?: string | undefined;
  /** `Idempotency-Key` to send. */
  key?: string | undefined;
  /** Value of `Nightmarket-Protocol` (default `1`; `null` leaves the header out). */
  protocol?: string | null | undefined;
  /** Extra request headers. */
  headers?: Record<string, string> | undefined;
}

/** A response read in full, with the request that produced it (for failure details). */
export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON, or `undefined` when it is empty or not JSON. */
  readonly json: unknown;
  /** `METHOD path` of the request, relative to the base URL. */
  readonly request: string;
}

/** One thing read from an event stream. */
export type StreamItem =
  | { readonly kind: 'retry'; readonly value: string; readonly at: number }
  | { readonly kind: 'comment'; readonly text: string; readonly at: number }
  | {
      readonly kind: 'message';
      readonly id: string | undefined;
      readonly event: string | undefined;
      readonly data: string;
      readonly at: number;
    }
  | { readonly kind: 'end'; readonly at: number };

/** An open event stream. */
export interface EventStream {
  readonly status: number;
  readonly headers: Headers;
  readonly request: string;
  /** Next item, or a {@link CheckFailed} after `timeoutMs` without one. */
  next(timeoutMs: number, waitingFor: string): Promise<StreamItem>;
  /** Next SSE message (skipping comments and `retry:`), parsed; fails on end of stream. */
  nextMessage(timeoutMs: number, waitingFor: string): Promise<StreamMessage>;
  close(): void;
}

/** An SSE message with its data parsed as JSON (when it is JSON). */
export interface StreamMessage {
  readonly id: string | undefined;
  readonly event: string | undefined;
  readonly data: string;
  /** Parsed data, or `undefined` when it is not JSON. */
  readonly json: unknown;
  readonly seq: number | undefined;
  readonly type: string | undefined;
}

/** A show created for this run, with its first snapshot. */
export interface ConformanceShow {
  readonly id: string;
  readonly snapshot: Snapshot;
  readonly capabilities: ReadonlySet<string>;
}

/** Ids of the products every conformance show carries. */
export const PRODUCTS = {
  /** Tracked stock (100 units): flash sales and presales use it. */
  tracked: { productId: 'conformance-speaker', variantId: 'black' },
  /** Untracked stock: buying it never runs out. */
  untracked: { productId: 'conformance-tea', variantId: 'default' },
} as const;

/** Currency of the conformance shows. */
export const CURRENCY = 'CNY';

const CONTEXT_CHARS = 300;

/** Shortens a body for a failure detail. */
export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty body)';
  return flat.length > CONTEXT_CHARS ? `${flat.slice(0, CONTEXT_CHARS)}…` : flat;
}

/** `201 {"id":…}` for a failure detail. */
export function describeResponse(res: HttpResult): string {
  return `${res.status} ${excerpt(res.text)}`;
}

/** Settings shared by the checks of one run. */
export interface HarnessOptions {
  readonly baseUrl: URL;
  readonly adminToken: string;
  readonly viewerToken: (n: number) => string;
  readonly fetch: typeof globalThis.fetch;
  /** Prefix of the ids of the shows this run creates. */
  readonly runId: string;
}

/** Why shows cannot be created on this backend (decided once per run). */
type SetupState = { ok: true } | { ok: false; skip: boolean; reason: string };

/**
 * Per-run state: the shows created (deleted at the end) and whether the admin show API exists.
 * Each check gets a {@link CheckContext} bound to its own abort signal.
 */
export class Harness {
  readonly options: HarnessOptions;
  readonly #created = new Set<string>();
  #setup: SetupState | undefined;
  #counter = 0;

  constructor(options: HarnessOptions) {
    this.options = options;
  }

  /**
   * A context for one check, whose requests abort with `signal`; `extend(ms)` asks for at least
   * `ms` more before the check times out.
   */
  context(signal: AbortSignal, extend: (ms: number) => void): CheckContext {
    return new CheckContext(this, signal, extend);
  }

  /** Next unique show id of this run. */
  nextShowId(): string {
    this.#counter += 1;
    return `${this.options.runId}-${this.#counter}`;
  }

  get setup(): SetupState | undefined {
    return this.#setup;
  }

  set setup(state: SetupState) {
    this.#setup ??= state;
  }

  track(showId: string): void {
    this.#created.add(showId);
  }

  /** Deletes every show this run created (best effort; errors are returned, not thrown). */
  async cleanup(timeoutMs: number): Promise<string[]> {
    const problems: string[] = [];
    await Promise.all(
      [...this.#created].map(async (id) => {
        try {
          const response = await this.options.fetch(new URL(paths.show(id), this.options.baseUrl), {
            method: 'DELETE',
            headers: { Authorization: `Bearer ${this.options.adminToken}`, [PROTOCOL_HEADER]: '1' },
            signal: AbortSignal.timeout(timeoutMs),
          });
          await response.body?.cancel().catch(() => undefined);
          if (response.status >= 300 && response.status !== 404) problems.push(`DELETE ${paths.show(id)} → ${response.status}`);
          this.#created.delete(id);
        } catch (error) {
          problems.push(`DELETE ${paths.show(id)} → ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    );
    return problems;
  }
}

/** What a check uses to talk to the backend. */
export class CheckContext {
  readonly #harness: Harness;
  readonly signal: AbortSignal;
  readonly #streams = new Set<EventStream>();
  /** Server clock minus local clock, ms, from the last snapshot with the lowest round trip. */
  #offset = 0;
  #bestRtt = Number.POSITIVE_INFINITY;
  /** What the check is doing now; reported if it times out. */
  step = 'starting';

  readonly #extend: (ms: number) => void;

  constructor(harness: Harness, signal: AbortSignal, extend: (ms: number) => void) {
    this.#harness = harness;
    this.signal = signal;
    this.#extend = extend;
  }

  /** Gives the check at least `ms` more before it times out (for bounds set by the backend). */
  extendDeadline(ms: number): void {
    this.#extend(ms);
  }

  /** Bearer token of viewer `n` (1-based). */
  viewer(n: number): string {
    return this.#harness.options.viewerToken(n);
  }

  get adminToken(): string {
    return this.#harness.options.adminToken;
  }

  /** Server time now, estimated from the snapshots this check fetched. */
  serverNow(): number {
    return Date.now() + this.#offset;
  }

  /** One HTTP exchange; the body is read in full. */
  async http(method: string, path: string, init: HttpInit = {}): Promise<HttpResult> {
    const request = `${method} ${path}`;
    this.step = request;
    const headers = new Headers(init.headers);
    if (!headers.has('Accept')) headers.set('Accept', 'application/json');
    if (init.protocol !== null) headers.set(PROTOCOL_HEADER, init.protocol ?? '1');
    if (init.token !== undefined) headers.set('Authorization', `Bearer ${init.token}`);
    if (init.key !== undefined) headers.set('Idempotency-Key', init.key);
    const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
    if (body !== undefined) headers.set('Content-Type', 'application/json');
    let response: Response;
    try {
      response = await this.#harness.options.fetch(new URL(path, this.#harness.options.baseUrl), {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: this.signal,
      });
    } catch (error) {
      if (this.signal.aborted) throw this.signal.reason;
      throw new CheckFailed(`${request}: request failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      if (this.signal.aborted) throw this.signal.reason;
      throw new CheckFailed(`${request}: reading the response failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    let json: unknown;
    try {
      json = text === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json, request };
  }

  /** Fails unless `res` has `status`; returns its JSON body. */
  expectStatus(res: HttpResult, status: number, what = ''): unknown {
    assert(res.status === status, () => `${res.request}${what ? ` (${what})` : ''}: expected ${status}, got ${describeResponse(res)}`);
    return res.json;
  }

  /**
   * Fails unless `res` is the problem `name` with `status`: content type problem+json, a body
   * that validates against `Problem`, the right `type` and `status`. Returns the problem.
   */
  expectProblem(res: HttpResult, status: number, name: string, what = ''): Problem {
    const label = `${res.request}${what ? ` (${what})` : ''}`;
    assert(res.status === status, () => `${label}: expected ${status} ${name}, got ${describeResponse(res)}`);
    const type = res.headers.get('Content-Type') ?? '';
    assert(
      type.split(';')[0]!.trim().toLowerCase() === PROBLEM_MEDIA_TYPE,
      () => `${label}: expected Content-Type ${PROBLEM_MEDIA_TYPE}, got ${type === '' ? '(none)' : JSON.stringify(type)}`,
    );
    const problem = validate(ProblemSchema, res.json);
    assert(problem.success, () => `${label}: body does not validate against Problem: ${problem.success ? '' : formatIssues(problem.issues)}; body ${excerpt(res.text)}`);
    assert(
      problem.output.type === `${PROBLEM_TYPE_PREFIX}${name}`,
      () => `${label}: expected type ${PROBLEM_TYPE_PREFIX}${name}, got ${JSON.stringify(problem.output.type)} (${excerpt(res.text)})`,
    );
    assert(problem.output.status === status, () => `${label}: problem status ${problem.output.status} differs from the HTTP status ${status}`);
    return problem.output;
  }

  /** Fails unless `res` carries `Nightmarket-Protocol: 1`. */
  expectProtocolHeader(res: { headers: Headers; request: string; status: number }): void {
    const value = res.headers.get(PROTOCOL_HEADER);
    assert(value?.trim() === '1', () => `${res.request} (${res.status}): expected header ${PROTOCOL_HEADER}: 1, got ${value === null ? 'no such header' : JSON.stringify(value)}`);
  }

  /** Fetches and validates a snapshot (and samples the server clock from it). */
  async snapshot(showId: string): Promise<Snapshot> {
    const sentAt = Date.now();
    const res = await this.http('GET', paths.show(showId));
    const receivedAt = Date.now();
    this.expectStatus(res, 200);
    const snapshot = validate(SnapshotSchema, res.json);
    assert(snapshot.success, () => `${res.request}: the snapshot does not validate against Snapshot: ${snapshot.success ? '' : formatIssues(snapshot.issues)}`);
    const rtt = Math.max(0, receivedAt - sentAt);
    if (rtt <= this.#bestRtt) {
      this.#bestRtt = rtt;
      this.#offset = snapshot.output.serverTime + rtt / 2 - receivedAt;
    }
    return snapshot.output;
  }

  /** Sends an admin command; fails unless it is accepted (200). Returns the CommandResult. */
  async command(showId: string, command: Record<string, unknown>): Promise<{ seq: number; id?: string }> {
    const res = await this.http('POST', paths.commands(showId), { token: this.adminToken, body: command });
    const body = this.expectStatus(res, 200, `command ${String(command['type'])}`) as { seq?: unknown; id?: unknown } | undefined;
    assert(
      typeof body === 'object' && body !== null && Number.isInteger(body.seq),
      () => `${res.request} (command ${String(command['type'])}): expected a CommandResult {seq, id?}, got ${excerpt(res.text)}`,
    );
    return { seq: body.seq as number, ...(typeof body.id === 'string' ? { id: body.id } : {}) };
  }

  /**
   * Creates a fresh live show for this check through the admin API (`PUT shows/{id}`), with a
   * tracked and an untracked product. Skips the check when the backend has no such route.
   */
  async show(overrides: Partial<Show> = {}, needs: readonly Capability[] = []): Promise<ConformanceShow> {
    const setup = this.#harness.setup;
    if (setup && !setup.ok) throw setup.skip ? new CheckSkipped(setup.reason) : new CheckFailed(setup.reason);
    const id = this.#harness.nextShowId();
    const now = this.serverNow();
    const show: Show = {
      id,
      title: `Conformance run ${id}`,
      status: 'live',
      startsAt: now - 60_000,
      host: { name: 'Conformance Host' },
      stream: { hls: 'https://video.example/conformance/live.m3u8' },
      locale: 'zh-CN',
      currency: CURRENCY,
      ...overrides,
    };
    const res = await this.http('PUT', paths.show(id), { token: this.adminToken, body: { show, products: conformanceProducts() } });
    if (res.status === 404 || res.status === 405 || res.status === 501) {
      const reason = `needs a fresh show, but ${res.request} (the reference server's admin API for creating shows) answered ${res.status}: this backend does not offer it`;
      this.#harness.setup = { ok: false, skip: true, reason };
      throw new CheckSkipped(reason);
    }
    if (res.status !== 200 && res.status !== 201) {
      const reason = `could not create a show: ${res.request} answered ${describeResponse(res)}${res.status === 401 || res.status === 403 ? ' (is the admin token right?)' : ''}`;
      if (res.status === 401 || res.status === 403) this.#harness.setup = { ok: false, skip: false, reason };
      throw new CheckFailed(reason);
    }
    this.#harness.setup = { ok: true };
    this.#harness.track(id);
    const snapshot = await this.snapshot(id);
    const capabilities = new Set(snapshot.capabilities);
    for (const capability of needs) {
      if (!capabilities.has(capability)) {
        throw new CheckSkipped(`the backend does not announce the "${capability}" capability for the show`);
      }
    }
    return { id, snapshot, capabilities };
  }

  /** Opens the event stream of a show (the response status is checked by the caller). */
  async stream(showId: string, init: { lastEventId?: string; query?: string } = {}): Promise<EventStream> {
    const path = `${paths.events(showId)}${init.query ? `?${init.query}` : ''}`;
    const request = `GET ${path}${init.lastEventId !== undefined ? ` (Last-Event-ID: ${init.lastEventId})` : ''}`;
    this.step = request;
    const controller = new AbortController();
    const abort = (): void => controller.abort(this.signal.reason);
    this.signal.addEventListener('abort', abort, { once: true });
    const headers = new Headers({ Accept: 'text/event-stream', [PROTOCOL_HEADER]: '1' });
    if (init.lastEventId !== undefined) headers.set('Last-Event-ID', init.lastEventId);
    let response: Response;
    try {
      response = await this.#harness.options.fetch(new URL(path, this.#harness.options.baseUrl), { headers, signal: controller.signal });
    } catch (error) {
      this.signal.removeEventListener('abort', abort);
      if (this.signal.aborted) throw this.signal.reason;
      throw new CheckFailed(`${request}: request failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const stream = openEventStream(response, request, () => {
      this.signal.removeEventListener('abort', abort);
      controller.abort();
    });
    this.#streams.add(stream);
    return stream;
  }

  /** Closes every stream this check opened. */
  dispose(): void {
    for (const stream of this.#streams) stream.close();
    this.#streams.clear();
  }

  /** Waits `ms`, aborting with the check. */
  async sleep(ms: number): Promise<void> {
    if (this.signal.aborted) throw this.signal.reason;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(this.signal.reason as Error);
      };
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** The products of every conformance show: one with tracked stock, one untracked. */
export function conformanceProducts(): Product[] {
  return [
    {
      id: PRODUCTS.tracked.productId,
      sku: 'CONF-SPK-BLK',
      title: 'Bluetooth speaker S1 — 20 W',
      description: 'Portable speaker with 12 hours of battery. Created by the Night Market conformance suite.',
      images: [{ url: 'https://images.example/conformance/speaker.jpg', alt: 'Black cylindrical speaker on a desk' }],
      price: { amount: 29_900, currency: CURRENCY },
      compareAtPrice: { amount: 39_900, currency: CURRENCY },
      variants: [{ id: PRODUCTS.tracked.variantId, title: 'Black', options: { Colour: 'Black' }, available: true, stock: 100 }],
    },
    {
      id: PRODUCTS.untracked.productId,
      title: 'Celadon tea set',
      images: [{ url: 'https://images.example/conformance/tea.jpg', alt: 'Pale green tea pot with four cups' }],
      price: { amount: 18_800, currency: CURRENCY },
      variants: [{ id: PRODUCTS.untracked.variantId, title: 'Celadon tea set', available: true, stock: null }],
    },
  ];
}

/**
 * Reads an SSE body line by line (WHATWG "Server-sent events" field parsing, enough for a test
 * harness: `data`, `id`, `event`, `retry` fields and comments). Kept here rather than importing a
 * parser so the suite sees comments and `retry:` lines exactly as sent, and depends on nothing
 * the server package does not declare.
 */
function openEventStream(response: Response, request: string, abort: () => void): EventStream {
  const items: StreamItem[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  const push = (item: StreamItem): void => {
    items.push(item);
    wake?.();
  };

  const body = response.body;
  const reader = response.ok && body ? body.getReader() : undefined;
  if (!reader) {
    void body?.cancel().catch(() => undefined);
    items.push({ kind: 'end', at: Date.now() });
  } else {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      let data: string[] = [];
      let id: string | undefined;
      let event: string | undefined;
      let hasData = false;
      const line = (text: string): void => {
        const now = Date.now();
        if (text === '') {
          if (hasData) push({ kind: 'message', id, event, data: data.join('\n'), at: now });
          data = [];
          event = undefined;
          id = undefined;
          hasData = false;
          return;
        }
        if (text.startsWith(':')) return push({ kind: 'comment', text: text.slice(1).trim(), at: now });
        const colon = text.indexOf(':');
        const field = colon === -1 ? text : text.slice(0, colon);
        let value = colon === -1 ? '' : text.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'data') {
          data.push(value);
          hasData = true;
        } else if (field === 'id') id = value;
        else if (field === 'event') event = value;
        else if (field === 'retry') push({ kind: 'retry', value, at: now });
      };
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          for (;;) {
            const match = /\r\n|\r|\n/.exec(buffer);
            // A lone \r at the end may be the first half of \r\n.
            if (!match || (match[0] === '\r' && match.index === buffer.length - 1)) break;
            line(buffer.slice(0, match.index));
            buffer = buffer.slice(match.index + match[0].length);
          }
        }
      } catch {
        // Aborted or cut: reported as the end of the stream.
      }
      push({ kind: 'end', at: Date.now() });
    })();
  }

  const next = async (timeoutMs: number, waitingFor: string): Promise<StreamItem> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const item = items.shift();
      if (item) {
        if (item.kind === 'end') items.unshift(item); // stays at the end
        return item;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new CheckFailed(`${request}: waited ${timeoutMs} ms for ${waitingFor}, got nothing`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        };
      });
    }
  };

  return {
    status: response.status,
    headers: response.headers,
    request,
    next,
    async nextMessage(timeoutMs, waitingFor) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const item = await next(Math.max(1, deadline - Date.now()), waitingFor);
        if (item.kind === 'end') throw new CheckFailed(`${request}: the stream ended while waiting for ${waitingFor}`);
        if (item.kind !== 'message') continue;
        let json: unknown;
        try {
          json = JSON.parse(item.data) as unknown;
        } catch {
          json = undefined;
        }
        const record = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
        return {
          id: item.id,
          event: item.event,
          data: item.data,
          json,
          seq: typeof record['seq'] === 'number' ? record['seq'] : undefined,
          type: typeof record['type'] === 'string' ? record['type'] : undefined,
        };
      }
    },
    close() {
      if (closed) return;
      closed = true;
      void reader?.cancel().catch(() => undefined);
      abort();
    },
  };
}
