#!/usr/bin/env node
/**
 * `nightmarket-conformance`: runs the Night Market protocol conformance suite against a backend.
 *
 * ```sh
 * NIGHTMARKET_ADMIN_TOKEN=… nightmarket-conformance --base-url http://127.0.0.1:8080/api/
 * ```
 *
 * {@link main} runs the whole command in-process and resolves with its exit code, so tests drive
 * it without spawning a process.
 */
import { parseArgs } from 'node:util';
import { isEntryPoint, parseArgsMessage } from './cli-support.js';
import { conformanceChecks, runConformance, type ConformanceReport, type ConformanceResult } from './conformance/index.js';

/** Where {@link main} writes, and what it may replace. */
export interface ConformanceCliIo {
  /** Writes one line of normal output (no trailing newline needed). */
  stdout(line: string): void;
  /** Writes one line of error output. */
  stderr(line: string): void;
  /** The fetch the suite uses (default `globalThis.fetch`); tests pass a wrapped one. */
  fetch?: typeof globalThis.fetch | undefined;
}

const NAME = 'nightmarket-conformance';

/** Exit code of a usage error (bad or missing flag). */
const USAGE = 2;

function help(): string {
  const ids = conformanceChecks()
    .map((c) => `  ${c.id.padEnd(30)} ${c.section.padEnd(14)} ${c.title}`)
    .join('\n');
  return `Usage: ${NAME} --base-url <url> --admin-token <token> [--only <id,id>] [--json]

Checks that a backend implements Night Market protocol v1 (docs/protocol.md). The suite creates
its own shows through the admin API (PUT {base}shows/{id}), drives them with admin commands and
viewer requests, and deletes them at the end. Checks that need what the backend does not offer
(a capability, the show-management routes) are skipped with the reason.

Options:
  --base-url <url>       the protocol base URL, e.g. http://127.0.0.1:8080/api/   env NIGHTMARKET_BASE_URL
  --admin-token <token>  the admin bearer token                                  env NIGHTMARKET_ADMIN_TOKEN
  --only <id,id>         run only these checks (ids below)
  --timeout <ms>         time limit of each check (default 10000)
  --json                 print the report as JSON instead of one line per check
  -h, --help             show this help and exit

Viewers are identified as "Authorization: Bearer conformance-viewer-<n>" (n = 1 to 25).
Exit code: 0 when no check failed, 1 when any failed, 2 for bad usage.

Checks:
${ids}
`;
}

/** A problem with the command line or the environment: one line, exit code 2. */
class UsageError extends Error {}

interface Settings {
  baseUrl: string;
  adminToken: string;
  only: string[] | undefined;
  json: boolean;
  timeoutMs: number | undefined;
}

/**
 * Runs `nightmarket-conformance`: parses flags and environment, runs the suite and prints the
 * report (one line per check, failures' details indented, then `N passed, N failed, N skipped`;
 * or the report as JSON with `--json`).
 *
 * @param argv - the arguments after the command name (`process.argv.slice(2)`)
 * @param env - the environment (`process.env`)
 * @param io - output, and optionally the fetch to use
 * @returns the exit code: 0 when no check failed (and after `--help`), 1 when any failed, 2 for
 *   a usage error
 */
export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: ConformanceCliIo,
): Promise<number> {
  let settings: Settings | 'help';
  try {
    settings = parseSettings(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`${NAME}: ${error.message}`);
    io.stderr(`Run "${NAME} --help" for the options.`);
    return USAGE;
  }
  if (settings === 'help') {
    for (const line of help().trimEnd().split('\n')) io.stdout(line);
    return 0;
  }

  const started = performance.now();
  const json = settings.json;
  if (!json) io.stdout(`${NAME}: checking ${settings.baseUrl}`);
  const report: ConformanceReport = await runConformance({
    baseUrl: settings.baseUrl,
    adminToken: settings.adminToken,
    fetch: io.fetch,
    timeoutMs: settings.timeoutMs,
    only: settings.only,
    onResult: json ? undefined : (result) => printResult(io, result),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (json) io.stdout(JSON.stringify(report, null, 2));
  else io.stdout(`${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped (${seconds} s)`);
  return report.failed > 0 ? 1 : 0;
}

function printResult(io: ConformanceCliIo, result: ConformanceResult): void {
  const mark = result.status === 'pass' ? '✔' : result.status === 'fail' ? '✘' : '–';
  io.stdout(`${mark} ${result.id} — ${result.title} (${result.section}) ${result.ms} ms`);
  if (result.status !== 'pass' && result.detail !== '') {
    for (const line of result.detail.split('\n')) io.stdout(`    ${result.status === 'skip' ? 'skipped: ' : ''}${line}`);
  }
}

function parseSettings(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Settings | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'base-url': { type: 'string' },
        'admin-token': { type: 'string' },
        only: { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(parseArgsMessage(error));
  }
  if (values['help']) return 'help';

  const pick = (flag: string, variable: string): { value: string | undefined; from: string } => {
    const value = values[flag];
    if (typeof value === 'string') return { value, from: `--${flag}` };
    const fromEnv = env[variable];
    return { value: fromEnv === '' ? undefined : fromEnv, from: variable };
  };

  const base = pick('base-url', 'NIGHTMARKET_BASE_URL');
  if (base.value === undefined || base.value.trim() === '') {
    throw new UsageError('--base-url is required: the protocol base URL, e.g. --base-url http://127.0.0.1:8080/api/ (or set NIGHTMARKET_BASE_URL)');
  }
  let url: URL | undefined;
  try {
    url = new URL(base.value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`${base.from} must be an absolute http(s) URL such as http://127.0.0.1:8080/api/, got ${JSON.stringify(base.value)}`);
  }

  const token = pick('admin-token', 'NIGHTMARKET_ADMIN_TOKEN');
  if (token.value === undefined || token.value.trim() === '') {
    throw new UsageError('--admin-token is required: the backend\'s admin bearer token (or set NIGHTMARKET_ADMIN_TOKEN)');
  }
  if (!/^[\x21-\x7e]+$/.test(token.value)) {
    throw new UsageError(`${token.from} must be visible ASCII characters without spaces (it is sent as a bearer token)`);
  }

  let only: string[] | undefined;
  const onlyValue = values['only'];
  if (typeof onlyValue === 'string') {
    only = onlyValue.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (only.length === 0) throw new UsageError('--only needs check ids separated by commas, e.g. --only stream.resume,flash.limit');
    const known = new Set(conformanceChecks().map((c) => c.id));
    const unknown = only.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new UsageError(`--only: unknown check id ${unknown.map((id) => JSON.stringify(id)).join(', ')} (see --help for the ids)`);
  }

  let timeoutMs: number | undefined;
  const timeout = values['timeout'];
  if (typeof timeout === 'string') {
    if (!/^\d{1,7}$/.test(timeout) || Number(timeout) < 100) {
      throw new UsageError(`--timeout must be a number of ms of at least 100, got ${JSON.stringify(timeout)}`);
    }
    timeoutMs = Number(timeout);
  }

  return { baseUrl: url.href, adminToken: token.value, only, json: values['json'] === true, timeoutMs };
}



if (isEntryPoint(import.meta.url)) {
  main(process.argv.slice(2), process.env, {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${NAME}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
