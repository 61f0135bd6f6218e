/**
 * The client's error taxonomy: every failed call throws a {@link NightmarketError} whose `type`
 * is a protocol problem type (`sold-out`, `rate-limited`, …) or one of the client's own
 * (`network`, `invalid-response`, `http`). Aborts reject with the signal's reason, as `fetch` does.
 */
import { PROBLEM_TYPE_PREFIX } from '../protocol/schemas.js';
import type { Problem, ProblemType } from '../protocol/types.js';
import type { ValidationIssue } from '../protocol/validate.js';

/**
 * Kinds of failure a client call can report.
 *
 * - a {@link ProblemType}: the backend answered with that problem.
 * - `network`: no answer (offline, DNS, connection reset, CORS).
 * - `invalid-response`: an answer that is not what the protocol allows (wrong JSON, wrong shape).
 * - `http`: an error status without a problem+json body.
 * - any other string: a problem type newer than this client.
 */
export type NightmarketErrorType = ProblemType | 'network' | 'invalid-response' | 'http' | (string & {});

/** Fields of a {@link NightmarketError}. */
export interface NightmarketErrorInit {
  /** Kind of failure. */
  type: NightmarketErrorType;
  /** HTTP status, or 0 when there was no response. */
  status: number;
  /** What went wrong, for a human; safe to show to a viewer. */
  detail: string;
  /** The problem body as received, if any. */
  problem?: Problem | undefined;
  /** Seconds to wait before retrying (rate-limited, idempotency-conflict). */
  retryAfter?: number | undefined;
  /** Field errors of an invalid request or response. */
  issues?: readonly ValidationIssue[] | undefined;
  /** The underlying error, if any. */
  cause?: unknown;
}

/** A failed Night Market call. Check `type` to decide what to tell the viewer. */
export class NightmarketError extends Error {
  /** Kind of failure: a protocol problem type or `network` / `invalid-response` / `http`. */
  readonly type: NightmarketErrorType;
  /** HTTP status, or 0 when there was no response. */
  readonly status: number;
  /** What went wrong, for a human; safe to show to a viewer. */
  readonly detail: string;
  /** The problem body as received, if any. */
  readonly problem: Problem | undefined;
  /** Seconds to wait before retrying, when the backend said so. */
  readonly retryAfter: number | undefined;
  /** Field errors of an invalid request or response. */
  readonly issues: readonly ValidationIssue[];

  constructor(init: NightmarketErrorInit) {
    super(`${init.type}: ${init.detail}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'NightmarketError';
    this.type = init.type;
    this.status = init.status;
    this.detail = init.detail;
    this.problem = init.problem;
    this.retryAfter = init.retryAfter;
    this.issues = init.issues ?? [];
  }
}

/** Short problem name from a problem `type` URI (`urn:nightmarket:problem:sold-out` → `sold-out`). */
export function problemName(type: string): string {
  return type.startsWith(PROBLEM_TYPE_PREFIX) ? type.slice(PROBLEM_TYPE_PREFIX.length) : type;
}
