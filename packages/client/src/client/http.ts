/**
 * One HTTP exchange with a Night Market backend: headers, auth with one token refresh on 401,
 * problem+json decoding, response validation, and safe retries of idempotent requests.
 */
import type * as v from 'valibot';
import { IDEMPOTENCY_HEADER, PROBLEM_MEDIA_TYPE, PROTOCOL_HEADER } from '../protocol/http.js';
import { PROTOCOL_VERSION, ProblemSchema } from '../protocol/schemas.js';
import { formatIssues, validate } from '../protocol/validate.js';
import { NightmarketError, problemName } from './errors.js';

/**
 * Supplies the viewer's bearer token. Called before requests; called again with
 * `{ refresh: true }` once after a 401, so the integrator can renew an expired token.
 * Return `null` or `undefined` for an anonymous viewer.
 */
export type TokenProvider = (options: { refresh: boolean }) => string | null | undefined | Promise<string | null | undefined>;

/** Options every client call accepts. */
export interface CallOptions {
  /** Aborts the call; the promise rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

/** Options of calls that change commerce state and are safe to retry. */
export interface IdempotentCallOptions extends CallOptions {
  /**
   * Key that makes the call safe to repeat: the same key with the same request returns the same
   * result instead of, say, a second order. Default: a new random key per call. Pass your own to
   * tie retries of one user intent (a double-tapped "buy") to one key.
   */
  idempotencyKey?: string | undefined;
}

/** @internal Transport settings shared by the client and its rooms. */
export interface HttpContext {
  readonly baseUrl: URL;
  readonly fetch: typeof globalThis.fetch;
  readonly getToken: TokenProvider | undefined;
  /** Extra attempts for idempotent calls after a network failure or 5xx. */
  readonly retries: number;
  readonly now: () => number;
}

/** @internal */
export interface RequestSpec<S extends v.GenericSchema | undefined> {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
  /** Schema of a successful response body; undefined when the body is ignored. */
  readonly schema: S;
  readonly signal?: AbortSignal | undefined;
  readonly idempotencyKey?: string | undefined;
  /** Whether to send the viewer's token. */
  readonly auth?: boolean;
}

/** @internal Result of {@link request}: the validated body and timing for clock sampling. */
export interface HttpResult<T> {
  readonly body: T;
  readonly sentAt: number;
  readonly receivedAt: number;
  readonly response: Response;
}

/** @internal Resolves a protocol path against the base URL. */
export function resolveUrl(ctx: HttpContext, path: string): URL {
  return new URL(path, ctx.baseUrl);
}

/** @internal Builds request headers, asking the token provider when `auth` is set. */
export async function buildHeaders(
  ctx: HttpContext,
  init: { auth: boolean; refresh: boolean; accept: string; idempotencyKey?: string | undefined; json?: boolean },
): Promise<Headers> {
  const headers = new Headers({ Accept: init.accept, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) });
  if (init.json) headers.set('Content-Type', 'application/json');
  if (init.idempotencyKey) headers.set(IDEMPOTENCY_HEADER, init.idempotencyKey);
  if (init.auth && ctx.getToken) {
    const token = await ctx.getToken({ refresh: init.refresh });
    if (token) headers.set('Authorization', `Bearer ${token}`);
  }
  return headers;
}

/** @internal Performs a protocol request; throws {@link NightmarketError} or the abort reason. */
export async function request<S extends v.GenericSchema | undefined>(
  ctx: HttpContext,
  spec: RequestSpec<S>,
): Promise<HttpResult<S extends v.GenericSchema ? v.InferOutput<S> : undefined>> {
  const retryable = spec.method === 'GET' || spec.idempotencyKey !== undefined;
  const attempts = retryable ? 1 + ctx.retries : 1;
  let lastError: unknown;
  let wait = 0;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await sleep(wait, spec.signal);
    try {
      return await exchange(ctx, spec);
    } catch (error) {
      lastError = error;
      // The server's Retry-After wins (capped so a UI never hangs on it); else 200 ms, 400 ms, …
      const hinted = error instanceof NightmarketError ? error.retryAfter : undefined;
      wait = hinted === undefined ? 200 * 2 ** attempt : Math.min(hinted * 1000, 5000);
      const transient =
        error instanceof NightmarketError &&
        (error.type === 'network' || error.status >= 500 || error.type === 'idempotency-conflict');
      if (!transient || spec.signal?.aborted) throw error;
    }
  }
  throw lastError;
}

async function exchange<S extends v.GenericSchema | undefined>(
  ctx: HttpContext,
  spec: RequestSpec<S>,
): Promise<HttpResult<S extends v.GenericSchema ? v.InferOutput<S> : undefined>> {
  const url = resolveUrl(ctx, spec.path);
  let response: Response | undefined;
  let sentAt = 0;
  for (const refresh of [false, true]) {
    const headers = await buildHeaders(ctx, {
      auth: spec.auth ?? true,
      refresh,
      accept: 'application/json',
      idempotencyKey: spec.idempotencyKey,
      json: spec.body !== undefined,
    });
    sentAt = ctx.now();
    try {
      response = await ctx.fetch(url, {
        method: spec.method,
        headers,
        body: spec.body === undefined ? null : JSON.stringify(spec.body),
        signal: spec.signal ?? null,
      });
    } catch (cause) {
      if (spec.signal?.aborted) throw spec.signal.reason;
      throw new NightmarketError({
        type: 'network',
        status: 0,
        detail: `Could not reach the Night Market backend at ${url.origin}.`,
        cause,
      });
    }
    // One refresh on 401, and only when there is a token provider to ask.
    if (response.status !== 401 || refresh || !ctx.getToken || spec.auth === false) break;
    discard(response);
  }
  const res = response!;
  const receivedAt = ctx.now();
  if (!res.ok) throw await toError(res, url);
  if (spec.schema === undefined) {
    discard(res);
    return { body: undefined as never, sentAt, receivedAt, response: res };
  }
  const json = await readJson(res, url);
  const checked = validate(spec.schema, json);
  if (!checked.success) {
    throw new NightmarketError({
      type: 'invalid-response',
      status: res.status,
      detail: `The backend's response to ${spec.method} ${url.pathname} does not follow the protocol: ${formatIssues(checked.issues)}`,
      issues: checked.issues,
    });
  }
  return { body: checked.output as never, sentAt, receivedAt, response: res };
}

async function readJson(res: Response, url: URL): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new NightmarketError({
      type: 'invalid-response',
      status: res.status,
      detail: `The backend's response from ${url.pathname} is not JSON.`,
      cause,
    });
  }
}

/** @internal Turns an error response into a {@link NightmarketError}. */
export async function toError(res: Response, url: URL): Promise<NightmarketError> {
  const retryAfterHeader = Number(res.headers.get('Retry-After'));
  const headerRetry = Number.isFinite(retryAfterHeader) && retryAfterHeader >= 0 ? retryAfterHeader : undefined;
  const type = res.headers.get('Content-Type') ?? '';
  if (type.includes(PROBLEM_MEDIA_TYPE) || type.includes('json')) {
    const body = await res.json().catch(() => undefined);
    const problem = validate(ProblemSchema, body);
    if (problem.success) {
      return new NightmarketError({
        type: problemName(problem.output.type),
        status: res.status,
        detail: problem.output.detail,
        problem: problem.output,
        retryAfter: problem.output.retryAfter ?? headerRetry,
        issues: problem.output.errors,
      });
    }
  } else {
    discard(res);
  }
  return new NightmarketError({
    type: 'http',
    status: res.status,
    detail: `The backend answered ${res.status} ${res.statusText} to ${url.pathname}.`,
    retryAfter: headerRetry,
  });
}

/** @internal Resolves after `ms`, or rejects with the signal's reason when it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as unknown);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason as unknown);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * @internal Lets go of a response body we will not read. Not awaited: some fetch implementations
 * (and interceptors) never settle `cancel()` on a body that is already complete.
 */
export function discard(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}
