/**
 * Problems: the engine's only kind of expected failure. Every rule the engine enforces fails with a
 * {@link ProblemError} carrying a protocol problem type, so the HTTP binding can answer with
 * RFC 9457 problem details and direct callers (the test kit, a server) get the same taxonomy.
 */
import {
  formatIssues,
  PROBLEM_TYPE_PREFIX,
  PROBLEM_TYPES,
  validate,
  type Problem,
  type ProblemType,
  type ValidationIssue,
} from '@nightmarket/client';

/** The fixed short title of each problem type (RFC 9457 `title`: the same for every occurrence). */
export const PROBLEM_TITLES: { readonly [T in ProblemType]: string } = {
  'invalid-request': 'Invalid request',
  'unsupported-version': 'Unsupported protocol version',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  'not-found': 'Not found',
  'already-voted': 'Already voted',
  'idempotency-conflict': 'Request still in progress',
  'show-not-live': 'Show not live',
  'payload-too-large': 'Payload too large',
  'idempotency-mismatch': 'Idempotency key reused',
  'sold-out': 'Sold out',
  'limit-exceeded': 'Limit exceeded',
  'sale-not-started': 'Sale not started',
  'sale-ended': 'Sale ended',
  'reservation-expired': 'Reservation expired',
  'presale-closed': 'Presale closed',
  'balance-not-due': 'Balance not due yet',
  'not-refundable': 'Not refundable',
  'poll-closed': 'Poll closed',
  'out-of-stock': 'Out of stock',
  'rate-limited': 'Too many requests',
  internal: 'Internal error',
};

/** Extra fields of a {@link ProblemError}. */
export interface ProblemErrorOptions {
  /** Seconds the caller should wait before retrying (`rate-limited`, `idempotency-conflict`). */
  retryAfter?: number | undefined;
  /** For `invalid-request`: every invalid field. */
  errors?: readonly ValidationIssue[] | undefined;
  /** The underlying error, kept for logs; never sent to clients. */
  cause?: unknown;
}

/**
 * A rule of the protocol said no. `type` is the problem name, `status` its HTTP status from the
 * protocol's fixed list, `detail` a sentence safe to show to a viewer.
 */
export class ProblemError extends Error {
  /** Problem name, e.g. `sold-out`. */
  readonly type: ProblemType;
  /** HTTP status of the problem type. */
  readonly status: number;
  /** What went wrong in this case, for a human. */
  readonly detail: string;
  /** Seconds to wait before retrying, when the problem says so. */
  readonly retryAfter: number | undefined;
  /** For `invalid-request`: every invalid field. */
  readonly errors: readonly ValidationIssue[] | undefined;

  constructor(type: ProblemType, detail: string, options: ProblemErrorOptions = {}) {
    super(`${type}: ${detail}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProblemError';
    this.type = type;
    this.status = PROBLEM_TYPES[type];
    this.detail = detail;
    this.retryAfter = options.retryAfter;
    this.errors = options.errors;
  }

  /** The RFC 9457 body: `type` is the full URN, `title` the fixed title of the type. */
  toProblem(): Problem {
    return {
      type: PROBLEM_TYPE_PREFIX + this.type,
      title: PROBLEM_TITLES[this.type],
      status: this.status,
      detail: this.detail,
      ...(this.retryAfter === undefined ? {} : { retryAfter: this.retryAfter }),
      ...(this.errors === undefined ? {} : { errors: this.errors.map((e) => ({ path: e.path, message: e.message })) }),
    };
  }

  /**
   * Rebuilds the error from a problem body (an idempotent replay of a stored failure). A type
   * outside the protocol's list becomes `internal`.
   */
  static fromProblem(problem: Problem): ProblemError {
    const name = problem.type.startsWith(PROBLEM_TYPE_PREFIX) ? problem.type.slice(PROBLEM_TYPE_PREFIX.length) : '';
    const type: ProblemType = Object.hasOwn(PROBLEM_TYPES, name) ? (name as ProblemType) : 'internal';
    return new ProblemError(type, problem.detail, { retryAfter: problem.retryAfter, errors: problem.errors });
  }
}

/**
 * An `invalid-request` problem for validation issues. The detail names the first bad field
 * (`quantity: must be at least 1`), which is what a person fixing the request needs first.
 */
export function invalidRequest(issues: readonly ValidationIssue[]): ProblemError {
  const first = issues[0] ?? { path: '(root)', message: 'is invalid' };
  return new ProblemError('invalid-request', formatIssues([first]), { errors: issues });
}

type Schema = Parameters<typeof validate>[0];
type Output<S extends Schema> = Extract<ReturnType<typeof validate<S>>, { success: true }>['output'];

/**
 * Validates `value` with one of the protocol's schemas, or throws {@link ProblemError}
 * `invalid-request` listing every invalid field.
 *
 * @param schema - a schema exported by `@nightmarket/client`
 * @param value - the untrusted body
 */
export function parseBody<S extends Schema>(schema: S, value: unknown): Output<S> {
  const result = validate(schema, value);
  if (!result.success) throw invalidRequest(result.issues);
  return result.output as Output<S>;
}
