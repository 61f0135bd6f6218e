/**
 * The Night Market protocol conformance suite: runs the checks of docs/protocol.md §13 against
 * a backend over HTTP and reports each one as passed, failed (with what was expected, what came
 * back and the request) or skipped (with the reason).
 */
import { CHECKS } from './checks.js';
import { CheckFailed, CheckSkipped, Harness } from './harness.js';

/** Options of {@link runConformance}. */
export interface ConformanceOptions {
  /** The protocol base URL of the backend under test, e.g. `http://127.0.0.1:8080/api/`. */
  baseUrl: string | URL;
  /**
   * Admin bearer token: the suite creates its own shows (`PUT shows/{id}`), drives them with
   * `POST shows/{id}/commands` and deletes them (`DELETE shows/{id}`) at the end.
   */
  adminToken: string;
  /**
   * Bearer token of distinct viewer `n` (1 to 25). Default `conformance-viewer-<n>`, which the
   * reference server's test-kit identity mapping accepts.
   */
  viewerToken?: ((n: number) => string) | undefined;
  /** The fetch to use (default `globalThis.fetch`). */
  fetch?: typeof globalThis.fetch | undefined;
  /**
   * Time limit of each check, in ms (default 10 000). The heartbeat check takes at least
   * 2 × `heartbeatMs` + 1 s whatever this says.
   */
  timeoutMs?: number | undefined;
  /** Ids of the checks to run (default all), e.g. `["stream.resume"]`; `nightmarket-conformance --help` lists them. */
  only?: readonly string[] | undefined;
  /** Called with each result as soon as its check finishes. */
  onResult?: ((result: ConformanceResult) => void) | undefined;
}

/** The outcome of one check. */
export interface ConformanceResult {
  /** Stable id of the check, e.g. `stream.resume`. */
  id: string;
  /** What the check verifies. */
  title: string;
  /** Section of docs/protocol.md the check verifies, e.g. `§7.3`. */
  section: string;
  /** `pass`, `fail`, or `skip` (the backend does not offer what the check needs). */
  status: 'pass' | 'fail' | 'skip';
  /** For a failure: expected versus got, and the request; for a skip: why; for a pass: a note or ''. */
  detail: string;
  /** How long the check took, in ms. */
  ms: number;
}

/** The outcome of a run of {@link runConformance}. */
export interface ConformanceReport {
  /** Number of checks that passed. */
  passed: number;
  /** Number of checks that failed. */
  failed: number;
  /** Number of checks that were skipped. */
  skipped: number;
  /** Every check's result, in the order they ran. */
  results: ConformanceResult[];
}

/** @internal Id, title and section of every check, in the order they run. */
export function conformanceChecks(): { id: string; title: string; section: string }[] {
  return CHECKS.map(({ id, title, section }) => ({ id, title, section }));
}

/**
 * Runs the protocol conformance suite against a backend and resolves with the report; it never
 * rejects because a check failed (only for invalid options). Each check is independent, creates
 * the show it needs, and is bounded in time; the shows are deleted at the end.
 *
 * @param options - where the backend is, the admin token, viewer tokens and limits
 * @returns the report: counts and one result per check
 * @throws TypeError when an option is invalid (a base URL that is not absolute http(s), an empty
 *   admin token, an unknown check id in `only`)
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const baseUrl = parseBaseUrl(options.baseUrl);
  if (typeof options.adminToken !== 'string' || options.adminToken.trim() === '') {
    throw new TypeError('runConformance: options.adminToken must be the backend\'s admin bearer token.');
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError(`runConformance: options.timeoutMs must be a positive number of ms, got ${String(options.timeoutMs)}.`);
  }
  const fetchFn = options.fetch ?? globalThis.fetch;
  const known = new Set(CHECKS.map((c) => c.id));
  for (const id of options.only ?? []) {
    if (!known.has(id)) throw new TypeError(`runConformance: unknown check id "${id}" in options.only.`);
  }
  const selected = options.only && options.only.length > 0 ? CHECKS.filter((c) => options.only!.includes(c.id)) : CHECKS;
  const harness = new Harness({
    baseUrl,
    adminToken: options.adminToken,
    viewerToken: options.viewerToken ?? ((n) => `conformance-viewer-${n}`),
    fetch: (input, init) => fetchFn(input, init),
    runId: `conformance-${globalThis.crypto.randomUUID().slice(0, 8)}`,
  });

  const results: ConformanceResult[] = [];
  try {
    for (const check of selected) {
      const started = performance.now();
      const controller = new AbortController();
      let deadline = Date.now() + timeoutMs;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let fire: (() => void) | undefined;
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => fire?.(), Math.max(0, deadline - Date.now()));
      };
      const ctx = harness.context(controller.signal, (ms) => {
        deadline = Math.max(deadline, Date.now() + ms);
        arm();
      });
      const timedOut = new Promise<never>((_, reject) => {
        fire = () => {
          const error = new CheckFailed(`timed out after ${Math.round(performance.now() - started)} ms while: ${ctx.step}`);
          controller.abort(error);
          reject(error);
        };
      });
      arm();
      let status: ConformanceResult['status'];
      let detail: string;
      try {
        const note = await Promise.race([check.run(ctx), timedOut]);
        status = 'pass';
        detail = note ?? '';
      } catch (error) {
        if (error instanceof CheckSkipped) {
          status = 'skip';
          detail = error.message;
        } else {
          status = 'fail';
          detail =
            error instanceof CheckFailed
              ? error.message
              : `unexpected error while ${ctx.step}: ${error instanceof Error ? error.message : String(error)}`;
        }
      } finally {
        clearTimeout(timer);
        ctx.dispose();
        controller.abort(new Error('check finished'));
      }
      const result: ConformanceResult = {
        id: check.id,
        title: check.title,
        section: check.section,
        status,
        detail,
        ms: Math.round(performance.now() - started),
      };
      results.push(result);
      options.onResult?.(result);
    }
  } finally {
    await harness.cleanup(timeoutMs);
  }
  return {
    passed: results.filter((r) => r.status === 'pass').length,
    failed: results.filter((r) => r.status === 'fail').length,
    skipped: results.filter((r) => r.status === 'skip').length,
    results,
  };
}

function parseBaseUrl(value: unknown): URL {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' || value instanceof URL ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new TypeError(
      `runConformance: options.baseUrl must be the backend's absolute http(s) protocol base URL, such as "http://127.0.0.1:8080/api/", got ${JSON.stringify(String(value))}.`,
    );
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.search = '';
  url.hash = '';
  return url;
}
