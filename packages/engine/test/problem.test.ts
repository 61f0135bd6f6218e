import { describe, expect, it } from 'vitest';
import { PROBLEM_TYPES } from '@nightmarket/client';
import { PROBLEM_TITLES, ProblemError } from '@nightmarket/engine';

describe('ProblemError', () => {
  it('carries the status of its type and turns into an RFC 9457 body', () => {
    const error = new ProblemError('rate-limited', 'Slow down.', { retryAfter: 3 });
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.type, error.status, error.message]).toEqual(['ProblemError', 'rate-limited', 429, 'rate-limited: Slow down.']);
    expect(error.toProblem()).toEqual({
      type: 'urn:nightmarket:problem:rate-limited',
      title: 'Too many requests',
      status: 429,
      detail: 'Slow down.',
      retryAfter: 3,
    });
    const invalid = new ProblemError('invalid-request', 'quantity: must be at least 1', { errors: [{ path: 'quantity', message: 'must be at least 1' }] });
    expect(invalid.toProblem().errors).toEqual([{ path: 'quantity', message: 'must be at least 1' }]);
  });

  it('round-trips through a problem body, and maps unknown types to internal', () => {
    const original = new ProblemError('sold-out', 'Gone.');
    expect(ProblemError.fromProblem(original.toProblem()).toProblem()).toEqual(original.toProblem());
    expect(ProblemError.fromProblem({ type: 'about:blank', title: 'x', status: 418, detail: 'teapot' }).type).toBe('internal');
  });

  it('has a title for every problem type', () => {
    expect(Object.keys(PROBLEM_TITLES).sort()).toEqual(Object.keys(PROBLEM_TYPES).sort());
  });
});
