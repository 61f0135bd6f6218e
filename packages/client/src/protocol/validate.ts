/**
 * Runtime validation of protocol payloads with the schemas of `schemas.ts`, reporting every
 * problem as a path into the payload and a message a person can act on.
 */
import * as v from 'valibot';
import { EventEnvelopeSchema, ShowEventSchema } from './schemas.js';
import type { EventEnvelope, ShowEvent } from './types.js';

/** One thing wrong with a payload: where (`lines.0.quantity`, or `(root)`) and what. */
export interface ValidationIssue {
  /** Dotted path into the payload, `(root)` for the payload itself. */
  readonly path: string;
  /** What is wrong there. */
  readonly message: string;
}

/** Result of {@link validate}. */
export type ValidationResult<T> =
  | { readonly success: true; readonly output: T }
  | { readonly success: false; readonly issues: readonly ValidationIssue[] };

/** Validates a value against one of the protocol's schemas. Never throws for bad input. */
export function validate<S extends v.GenericSchema>(schema: S, value: unknown): ValidationResult<v.InferOutput<S>> {
  const result = v.safeParse(schema, value);
  if (result.success) return { success: true, output: result.output };
  return { success: false, issues: toIssues(result.issues) };
}

/** Formats issues as one line: `quantity: must be at least 1; lines.0.productId: …`. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}

/**
 * Result of {@link parseEvent}: a known event, a well-formed event of a type this client does
 * not know (to be skipped), or an invalid payload.
 */
export type ParsedEvent =
  | { readonly kind: 'event'; readonly event: ShowEvent }
  | { readonly kind: 'unknown'; readonly event: EventEnvelope }
  | { readonly kind: 'invalid'; readonly issues: readonly ValidationIssue[] };

const KNOWN_TYPES: ReadonlySet<string> = new Set(ShowEventSchema.options.map((o) => o.pipe[0].entries.type.literal));

/** Validates an event payload (already parsed from JSON). */
export function parseEvent(value: unknown): ParsedEvent {
  const envelope = validate(EventEnvelopeSchema, value);
  if (!envelope.success) return { kind: 'invalid', issues: envelope.issues };
  if (!KNOWN_TYPES.has(envelope.output.type)) return { kind: 'unknown', event: envelope.output };
  const known = validate(ShowEventSchema, value);
  return known.success ? { kind: 'event', event: known.output } : { kind: 'invalid', issues: known.issues };
}

function toIssues(issues: readonly v.BaseIssue<unknown>[]): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of issues) {
    // A variant (discriminated union) reports why each option failed; the nested issues of the
    // matching option are the useful ones.
    if (issue.issues?.length && issue.type !== 'variant') {
      out.push(...toIssues(issue.issues));
      continue;
    }
    const path = v.getDotPath(issue) ?? '(root)';
    out.push({ path, message: describe(issue) });
  }
  return out;
}

function describe(issue: v.BaseIssue<unknown>): string {
  // Our schemas give their own messages; valibot's defaults ("Invalid type: Expected …") are
  // kept for type errors, which they describe well.
  // valibot reports a missing object key as "Invalid key"; unknown keys are stripped, not errors.
  if (issue.message.startsWith('Invalid key') || (issue.kind === 'schema' && issue.received === 'undefined')) {
    return 'is required';
  }
  return issue.message.replace(/^Invalid type: /, 'wrong type: ');
}
