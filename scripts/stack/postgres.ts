/**
 * A throwaway PostgreSQL cluster for tests, benchmarks and `npm run stack`: `initdb` in a
 * directory of its own, `pg_ctl start` listening on 127.0.0.1 only (its Unix socket in that
 * directory too), one database, a superuser with a random password; `stop()` shuts it down and
 * deletes the directory (or keeps it, for the stack).
 *
 * PostgreSQL refuses to run as root: as root, the directory is handed to the `postgres` user
 * (made by Debian's package) and every command runs as that user through `runuser`.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePackages, postgresBin } from './packages.js';
import { assertPortsFree, freePort, waitForPort } from './net.js';

/** Options of {@link startPostgres}. */
export interface PostgresOptions {
  /** Port on 127.0.0.1 (default: a free one). */
  readonly port?: number | undefined;
  /**
   * Directory for the cluster (created; default a new temporary directory). An existing cluster
   * there is started as it is (its password is read from `password` beside it).
   */
  readonly dir?: string | undefined;
  /**
   * Whether commits wait for the disk (default true). Tests pass false (fsync off): a throwaway
   * cluster that no crash of the machine has to survive, several times faster to set up and use.
   */
  readonly durable?: boolean | undefined;
  /** Install Debian's `postgresql` when missing (as root; default true). */
  readonly install?: boolean | undefined;
  /** Database to create (default `nightmarket`). */
  readonly database?: string | undefined;
  /** Extra `-c name=value` server settings. */
  readonly settings?: Readonly<Record<string, string | number>> | undefined;
}

/** A running cluster. */
export interface PostgresCluster {
  /** Connection URL, e.g. `postgres://nightmarket:…@127.0.0.1:5433/nightmarket`. */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Stops the server (fast shutdown) and deletes the directory unless `keep`. Safe to call twice. */
  stop(options?: { keep?: boolean }): void;
}

const USER = 'nightmarket';

function asRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Runs a PostgreSQL binary, as the `postgres` user when we are root; throws with its output on failure. */
function run(bin: string, args: readonly string[], what: string, env: Record<string, string> = {}): string {
  const [command, argv] = asRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, [...args]];
  const result = spawnSync(command, argv, { encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    throw new Error(`${what} failed (${result.error?.message ?? `exit ${result.status}`}): ${(result.stderr || result.stdout || '').trim()}`);
  }
  return result.stdout;
}

function giveToPostgres(path: string): void {
  if (!asRoot()) return;
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || uid <= 0) {
    throw new Error('PostgreSQL refuses to run as root and there is no "postgres" user to run it as (Debian\'s postgresql package makes one).');
  }
  chownSync(path, uid, gid);
}

/**
 * Creates (if needed) and starts a cluster on 127.0.0.1; resolves once it accepts connections.
 *
 * @throws Error when PostgreSQL is missing and cannot be installed, the port is taken, or
 *   initdb / pg_ctl fail (with their output)
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresCluster> {
  if (options.install ?? true) ensurePackages(['postgresql']);
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/initdb). Run as root: apt-get install -y postgresql');
  const port = options.port ?? (await freePort());
  await assertPortsFree({ PostgreSQL: port });
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'nightmarket-pg-'));
  mkdirSync(dir, { recursive: true });
  giveToPostgres(dir);
  const data = join(dir, 'data');
  const passwordFile = join(dir, 'password');
  const database = options.database ?? 'nightmarket';
  const fresh = !existsSync(join(data, 'PG_VERSION'));
  let password: string;
  if (fresh) {
    password = randomBytes(18).toString('base64url');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    giveToPostgres(passwordFile);
    run(
      `${bin}/initdb`,
      ['-D', data, '-U', USER, `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync'],
      'initdb',
    );
  } else {
    password = readFileSync(passwordFile, 'utf8').trim();
  }
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dir,
    max_connections: 200,
    ...(options.durable ?? true ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
    ...options.settings,
  };
  const serverArgs = Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(' ');
  run(`${bin}/pg_ctl`, ['-D', data, '-l', join(dir, 'postgres.log'), '-w', '-t', '30', '-o', `-p ${port} ${serverArgs}`, 'start'], 'pg_ctl start');
  let stopped = false;
  const stop = ({ keep = false }: { keep?: boolean } = {}): void => {
    if (stopped) return;
    stopped = true;
    try {
      run(`${bin}/pg_ctl`, ['-D', data, '-m', 'fast', '-w', 'stop'], 'pg_ctl stop');
    } finally {
      if (!keep && options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    await waitForPort(port, 'PostgreSQL');
    if (fresh) {
      run(`${bin}/createdb`, ['-h', '127.0.0.1', '-p', String(port), '-U', USER, '--no-password', database], 'createdb', {
        PGPASSWORD: password,
      });
    }
  } catch (error) {
    stop();
    throw error;
  }
  return { url: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`, port, dir, stop };
}

/** Stops a cluster left running in `dir` (by `npm run stack`), if any. */
export function stopPostgresIn(dir: string): boolean {
  const bin = postgresBin();
  const data = join(dir, 'data');
  if (!bin || !existsSync(join(data, 'postmaster.pid'))) return false;
  run(`${bin}/pg_ctl`, ['-D', data, '-m', 'fast', '-w', 'stop'], 'pg_ctl stop');
  return true;
}
