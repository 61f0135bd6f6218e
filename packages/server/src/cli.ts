#!/usr/bin/env node
/**
 * `nightmarket-server`: the reference backend from the command line.
 *
 * ```sh
 * nightmarket-server --port 8080 --data ./nightmarket.db --shows ./shows.json --admin-token "$TOKEN"
 * nightmarket-server --port 8081 --database postgres://nightmarket:…@127.0.0.1:5432/nightmarket
 * ```
 *
 * Every flag has an environment variable (a flag wins over its variable). {@link main} runs the
 * whole command in-process and resolves with its exit code, so tests drive it without spawning.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CommerceStore, ShowInit } from '@nightmarket/engine';
import { isEntryPoint, parseArgsMessage } from './cli-support.js';
import { createNightmarketServer, isOrigin, type NightmarketServer } from './server.js';
import { PostgresStore } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';
import { loadShowsFile, ShowsFileError } from './shows-file.js';

/** Where {@link main} writes and how it learns that it should stop. */
export interface CliIo {
  /** Writes one line of normal output (no trailing newline needed). */
  stdout(line: string): void;
  /** Writes one line of error output. */
  stderr(line: string): void;
  /**
   * Calls `stop` when the process is asked to stop (SIGTERM, SIGINT); returns a function that
   * stops listening. Default: the process's signals. Tests pass their own trigger.
   */
  onStopSignal?(stop: (signal: string) => void): () => void;
  /** Called once the server listens (tests read its URL here). */
  onListening?(server: NightmarketServer): void;
}

/** Dependencies of {@link main} that the caller may replace. */
export interface CliDeps {
  /** Opens the store for `--data <file>`. */
  createStore?: ((path: string) => CommerceStore) | undefined;
  /** Opens the store for `--database <url>` (default: a `PostgresStore`). */
  openDatabase?: ((url: string) => Promise<CommerceStore>) | undefined;
}

const NAME = 'nightmarket-server';

/** Exit code of a usage error (bad flag, missing admin token), as most commands use it. */
const USAGE = 2;

const HELP = `Usage: ${NAME} [options]

Serves Night Market protocol v1 (live shows, flash sales, carts, chat) over HTTP.
The protocol's base URL is http://<host>:<port>/api/.

Options:
  --port <number>        TCP port to listen on (default 8080)             env NIGHTMARKET_PORT
  --host <address>       interface to listen on (default 127.0.0.1)       env NIGHTMARKET_HOST
  --data <file>          SQLite file for orders and stock (default: memory) env NIGHTMARKET_DATA
  --database <url>       PostgreSQL instead, shared by several instances   env NIGHTMARKET_DATABASE_URL
                         (postgres://user:password@host:port/database)
  --nchan <url>          fan events out through nginx + nchan: its         env NIGHTMARKET_NCHAN_PUBLISH_URL
                         publisher URL, e.g. http://127.0.0.1:8090/nchan/pub/
  --nchan-subscribe <path> nchan's internal subscriber location             env NIGHTMARKET_NCHAN_SUBSCRIBE_PATH
                         (default /nchan/sub/)
  --cluster-self <origin> one of several instances on --database: this     env NIGHTMARKET_CLUSTER_SELF
                         instance's origin as the others reach it
                         (NIGHTMARKET_CLUSTER_LEASE_MS: how long a show waits
                         for a silent instance before another takes it, default 3000)
  --snapshot-max-age <s> let nginx/CDN cache snapshots this long (0-60)     env NIGHTMARKET_SNAPSHOT_MAX_AGE
  --shows <file>         JSON file of shows to create at start            env NIGHTMARKET_SHOWS
  --admin-token <token>  bearer token of the admin API (required)         env NIGHTMARKET_ADMIN_TOKEN
  --cors <origins>       comma-separated origins allowed to call the API  env NIGHTMARKET_CORS
                         from a browser, e.g. https://shop.example
  -h, --help             show this help and exit
  -v, --version          show the version and exit

Admin API (Authorization: Bearer <admin token>):
  GET    /api/shows                  list the shows
  PUT    /api/shows/{id}             create or replace a show: { "show": …, "products": […] }
  DELETE /api/shows/{id}             delete a show
  POST   /api/shows/{id}/commands    host commands: show.start, show.pause, show.end, sale.schedule, …

Prefer the environment variable for the admin token: command lines are visible to other users.
SIGTERM or SIGINT ends every event stream, finishes requests in progress and exits 0.
`;

/** A problem with the command line or the environment: one line, exit code 2. */
class UsageError extends Error {}

/**
 * Runs `nightmarket-server`: parses flags and environment, loads the shows file, starts the
 * server and waits for a stop signal, then shuts down gracefully.
 *
 * @param argv - the arguments after the command name (`process.argv.slice(2)`)
 * @param env - the environment (`process.env`)
 * @param io - output and the stop signal
 * @param deps - replaceable dependencies (the store for `--data`)
 * @returns the exit code: 0 after `--help`, `--version` or a graceful stop; 2 for a usage error;
 *   1 when the shows file is bad or the server cannot start
 */
export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo,
  deps: CliDeps = {},
): Promise<number> {
  let settings: Settings | 'help' | 'version';
  try {
    settings = parseSettings(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`${NAME}: ${error.message}`);
    io.stderr(`Run "${NAME} --help" for the options.`);
    return USAGE;
  }
  if (settings === 'help') {
    for (const line of HELP.trimEnd().split('\n')) io.stdout(line);
    return 0;
  }
  if (settings === 'version') {
    io.stdout(`${NAME} ${version()}`);
    return 0;
  }

  let shows: ShowInit[] = [];
  if (settings.shows !== undefined) {
    try {
      shows = await loadShowsFile(settings.shows);
    } catch (error) {
      if (!(error instanceof ShowsFileError)) throw error;
      for (const line of `${NAME}: shows file ${error.message}`.split('\n')) io.stderr(line);
      return 1;
    }
  }

  let store: CommerceStore | undefined;
  let server: NightmarketServer;
  try {
    if (settings.data !== undefined) {
      store = (deps.createStore ?? openDataStore)(settings.data);
    } else if (settings.database !== undefined) {
      store = await (deps.openDatabase ?? ((url: string) => PostgresStore.connect({ url })))(settings.database);
    }
    server = await createNightmarketServer({
      port: settings.port,
      host: settings.host,
      adminToken: settings.adminToken,
      cors: settings.cors,
      shows,
      store,
      nchan: settings.nchan,
      cluster: settings.clusterSelf === undefined ? undefined : { self: settings.clusterSelf, leaseMs: settings.leaseMs },
      snapshotMaxAgeS: settings.snapshotMaxAgeS,
      // Server-side log: the stack helps whoever runs the server, and never reaches a response.
      onError: (error) => {
        const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
        for (const line of `${NAME}: unexpected error: ${text}`.split('\n')) io.stderr(line);
      },
    });
  } catch (error) {
    await (store as { close?: () => unknown } | undefined)?.close?.();
    io.stderr(`${NAME}: cannot start: ${describe(error)}`);
    return 1;
  }

  const where =
    settings.data !== undefined ? `data in ${settings.data}` : settings.database !== undefined ? `data in PostgreSQL at ${redactUrl(settings.database)}` : 'orders kept in memory';
  if (server.resumed.length > 0) {
    const fromFile = new Set(shows.map((s) => s.show.id));
    const kept = server.resumed.filter((id) => fromFile.has(id));
    io.stdout(
      `${NAME}: resumed ${server.resumed.length} show(s) from ${settings.data ?? (settings.database === undefined ? 'the store' : 'PostgreSQL')}: ${server.resumed.join(', ')}` +
        (kept.length > 0 ? ` (their saved state wins over --shows; DELETE /api/shows/{id} to start one over)` : ''),
    );
  }
  io.stdout(
    `${NAME}: listening on ${server.url} (protocol base URL ${server.url}api/; ${server.registry.list().length} show(s); ${where})`,
  );
  io.onListening?.(server);

  const signal = await new Promise<string>((resolve) => {
    const off = (io.onStopSignal ?? processSignals)((name) => {
      off();
      resolve(name);
    });
  });
  io.stdout(`${NAME}: ${signal}: closing event streams and finishing requests…`);
  await server.close();
  io.stdout(`${NAME}: stopped`);
  return 0;
}

// --- settings ---------------------------------------------------------------------------------

interface Settings {
  port: number;
  host: string;
  data: string | undefined;
  database: string | undefined;
  nchan: { publishUrl: string; subscribePath: string } | undefined;
  clusterSelf: string | undefined;
  leaseMs: number | undefined;
  snapshotMaxAgeS: number | undefined;
  shows: string | undefined;
  adminToken: string;
  cors: string[];
}

function parseSettings(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Settings | 'help' | 'version' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        database: { type: 'string' },
        nchan: { type: 'string' },
        'nchan-subscribe': { type: 'string' },
        'cluster-self': { type: 'string' },
        'snapshot-max-age': { type: 'string' },
        shows: { type: 'string' },
        'admin-token': { type: 'string' },
        cors: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    }));
  } catch (error) {
    throw new UsageError(parseArgsMessage(error));
  }
  if (values['help']) return 'help';
  if (values['version']) return 'version';

  /** The flag's value, else the variable's; with the name to use in messages. */
  const pick = (flag: string, variable: string): { value: string | undefined; from: string } => {
    const value = values[flag];
    if (typeof value === 'string') return { value, from: `--${flag}` };
    const fromEnv = env[variable];
    return { value: fromEnv === '' ? undefined : fromEnv, from: variable };
  };
  const nonEmpty = (option: { value: string | undefined; from: string }, what: string): string | undefined => {
    if (option.value !== undefined && option.value.trim() === '') throw new UsageError(`${option.from} must be ${what}, got an empty value`);
    return option.value;
  };

  const portOption = pick('port', 'NIGHTMARKET_PORT');
  let port = 8080;
  if (portOption.value !== undefined) {
    if (!/^\d{1,5}$/.test(portOption.value) || Number(portOption.value) > 65_535) {
      throw new UsageError(`${portOption.from} must be a port number from 0 to 65535, got ${JSON.stringify(portOption.value)}`);
    }
    port = Number(portOption.value);
  }

  const host = nonEmpty(pick('host', 'NIGHTMARKET_HOST'), 'an address such as 127.0.0.1 or 0.0.0.0') ?? '127.0.0.1';
  const data = nonEmpty(pick('data', 'NIGHTMARKET_DATA'), 'the path of a SQLite file');
  const databaseOption = pick('database', 'NIGHTMARKET_DATABASE_URL');
  const database = nonEmpty(databaseOption, 'a postgres:// URL');
  if (database !== undefined) {
    if (!/^postgres(ql)?:\/\/[^/]/.test(database)) {
      throw new UsageError(`${databaseOption.from} must be a postgres:// URL such as postgres://user:password@127.0.0.1:5432/nightmarket, got ${JSON.stringify(redactUrl(database))}`);
    }
    if (data !== undefined) throw new UsageError(`--data and --database both name a store: give one (SQLite file or PostgreSQL URL)`);
  }
  const nchanOption = pick('nchan', 'NIGHTMARKET_NCHAN_PUBLISH_URL');
  const publishUrl = nonEmpty(nchanOption, 'the URL of nchan\'s publisher location');
  if (publishUrl !== undefined && !/^https?:\/\/[^/]+\/(.*\/)?$/.test(publishUrl)) {
    throw new UsageError(`${nchanOption.from} must be the http URL of nchan's publisher location, ending in "/", such as http://127.0.0.1:8090/nchan/pub/, got ${JSON.stringify(publishUrl)}`);
  }
  const subscribeOption = pick('nchan-subscribe', 'NIGHTMARKET_NCHAN_SUBSCRIBE_PATH');
  const subscribePath = nonEmpty(subscribeOption, 'a path such as /nchan/sub/') ?? '/nchan/sub/';
  if (!/^\/[\w\-/]*\/$/.test(subscribePath)) {
    throw new UsageError(`${subscribeOption.from} must be a path such as /nchan/sub/ (ending in "/"), got ${JSON.stringify(subscribePath)}`);
  }
  const nchan = publishUrl === undefined ? undefined : { publishUrl, subscribePath };
  const selfOption = pick('cluster-self', 'NIGHTMARKET_CLUSTER_SELF');
  const clusterSelf = nonEmpty(selfOption, "this instance's origin, such as http://127.0.0.1:8081");
  if (clusterSelf !== undefined) {
    if (!isOrigin(clusterSelf)) throw new UsageError(`${selfOption.from} must be this instance's origin, such as http://127.0.0.1:8081, got ${JSON.stringify(clusterSelf)}`);
    if (database === undefined) throw new UsageError(`${selfOption.from} needs --database: instances share their shows through PostgreSQL`);
  }
  const leaseValue = env['NIGHTMARKET_CLUSTER_LEASE_MS'];
  let leaseMs: number | undefined;
  if (leaseValue !== undefined && leaseValue !== '') {
    if (!/^\d{3,6}$/.test(leaseValue) || Number(leaseValue) < 300) {
      throw new UsageError(`NIGHTMARKET_CLUSTER_LEASE_MS must be a number of milliseconds from 300 to 999999, got ${JSON.stringify(leaseValue)}`);
    }
    leaseMs = Number(leaseValue);
  }
  const ageOption = pick('snapshot-max-age', 'NIGHTMARKET_SNAPSHOT_MAX_AGE');
  let snapshotMaxAgeS: number | undefined;
  if (ageOption.value !== undefined) {
    if (!/^\d{1,2}$/.test(ageOption.value) || Number(ageOption.value) > 60) {
      throw new UsageError(`${ageOption.from} must be a number of seconds from 0 to 60, got ${JSON.stringify(ageOption.value)}`);
    }
    snapshotMaxAgeS = Number(ageOption.value);
  }
  const shows = nonEmpty(pick('shows', 'NIGHTMARKET_SHOWS'), 'the path of a JSON shows file');

  const corsOption = pick('cors', 'NIGHTMARKET_CORS');
  const cors: string[] = [];
  for (const item of (corsOption.value ?? '').split(',')) {
    const origin = item.trim();
    if (origin === '') continue;
    if (origin === '*') throw new UsageError(`${corsOption.from} must list origins explicitly; "*" is not allowed (the API accepts credentials)`);
    if (!isOrigin(origin)) {
      throw new UsageError(`${corsOption.from} must be comma-separated origins such as https://shop.example (no path), got ${JSON.stringify(origin)}`);
    }
    cors.push(origin.replace(/\/$/, ''));
  }

  const tokenOption = pick('admin-token', 'NIGHTMARKET_ADMIN_TOKEN');
  const adminToken = tokenOption.value;
  if (adminToken === undefined || adminToken.trim() === '') {
    throw new UsageError('an admin token is required: set NIGHTMARKET_ADMIN_TOKEN (or pass --admin-token); it protects the admin API');
  }
  if (!/^[\x21-\x7e]+$/.test(adminToken)) {
    throw new UsageError(`${tokenOption.from} must be visible ASCII characters without spaces (it is sent as a bearer token)`);
  }

  return { port, host, data, database, nchan, clusterSelf, leaseMs, snapshotMaxAgeS, shows, adminToken, cors };
}


// --- runtime ----------------------------------------------------------------------------------

/** Opens the store behind `--data`: orders, stock and idempotency keys in a SQLite file. */
function openDataStore(path: string): CommerceStore {
  return new SqliteStore({ path });
}

function processSignals(stop: (signal: string) => void): () => void {
  const handler = (signal: NodeJS.Signals): void => stop(signal);
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return manifest.version ?? 'unknown';
}

/** A database URL with its password hidden, for messages and logs. */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/** A message without stack trace: what an operator needs on one line. */
function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}


if (isEntryPoint(import.meta.url)) {
  const io: CliIo = {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    onStopSignal: (stop) => {
      const off = processSignals((signal) => {
        // A second signal while closing means "now".
        process.once('SIGINT', () => process.exit(130));
        process.once('SIGTERM', () => process.exit(143));
        stop(signal);
      });
      return off;
    },
  };
  main(process.argv.slice(2), process.env, io).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${NAME}: ${describe(error)}\n`);
      process.exit(1);
    },
  );
}
