/**
 * Idempotency keys: the same key with the same request gives the stored result instead of a
 * second order; a different request with a used key is a client bug (422); a repeat while the
 * first is still running is told to wait (409, Retry-After 1).
 */
import { ProblemError } from './problem.js';
import type { CommerceStore, IdempotencyOutcome, IdempotencyScope } from './store.js';

/** What {@link ShowEngine.idempotent} resolves with: the operation's outcome, and whether it was replayed. */
export type IdempotentResult<T> =
  | {
      /** The operation succeeded (now, or the first time). */
      readonly ok: true;
      /** What it returned. A replay returns the stored copy. */
      readonly value: T;
      /** Whether this is the stored outcome of an earlier request with the same key. */
      readonly replayed: boolean;
    }
  | {
      /** The operation failed with a problem (now, or the first time). */
      readonly ok: false;
      /** The problem. */
      readonly error: ProblemError;
      /** Whether this is the stored outcome of an earlier request with the same key. */
      readonly replayed: boolean;
    };

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Whether `key` is a valid `Idempotency-Key`: 1–255 visible ASCII characters. */
export function isIdempotencyKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/**
 * A fingerprint of a request for idempotency: method, path and body. The body is compared as
 * JSON with sorted keys, so a client that re-serializes the same body differently still matches.
 *
 * @param method - HTTP method (or any name of the operation, for direct callers)
 * @param path - path of the request relative to the base URL (or any name of the target)
 * @param body - the parsed body, or undefined when there is none
 */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return `${method.toUpperCase()} ${path}\n${body === undefined ? '' : canonicalJson(body)}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Runs `operation` at most once per key (see {@link ShowEngine.idempotent}). */
export async function runIdempotent<T>(
  store: CommerceStore,
  scope: IdempotencyScope,
  fingerprint: string,
  now: () => number,
  operation: () => Promise<T>,
): Promise<IdempotentResult<T>> {
  if (!isIdempotencyKey(scope.key)) {
    const message = 'must be 1–255 visible ASCII characters';
    return {
      ok: false,
      replayed: false,
      error: new ProblemError('invalid-request', `Idempotency-Key: ${message}`, { errors: [{ path: 'Idempotency-Key', message }] }),
    };
  }
  const begin = await store.beginIdempotent(scope, fingerprint, now());
  switch (begin.state) {
    case 'mismatch':
      return {
        ok: false,
        replayed: false,
        error: new ProblemError('idempotency-mismatch', `Idempotency-Key "${scope.key}" was already used for a different request.`),
      };
    case 'in-flight':
      return {
        ok: false,
        replayed: false,
        error: new ProblemError('idempotency-conflict', `A request with Idempotency-Key "${scope.key}" is still being processed.`, {
          retryAfter: 1,
        }),
      };
    case 'done':
      return begin.outcome.ok
        ? { ok: true, value: begin.outcome.value as T, replayed: true }
        : { ok: false, error: ProblemError.fromProblem(begin.outcome.problem), replayed: true };
    case 'new':
      break;
  }
  let outcome: IdempotencyOutcome;
  let result: IdempotentResult<T>;
  try {
    const value = await operation();
    outcome = { ok: true, value };
    result = { ok: true, value, replayed: false };
  } catch (error) {
    // Server failures are not the answer to the request: free the key so a retry runs again.
    if (!(error instanceof ProblemError) || error.status >= 500) {
      await store.abandonIdempotent(scope, fingerprint).catch(() => undefined);
      if (error instanceof ProblemError) return { ok: false, error, replayed: false };
      throw error;
    }
    outcome = { ok: false, problem: error.toProblem() };
    result = { ok: false, error, replayed: false };
  }
  await store.completeIdempotent(scope, fingerprint, outcome, now());
  return result;
}
