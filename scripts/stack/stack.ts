/**
 * The whole scaled-out stack on 127.0.0.1: PostgreSQL (orders), Redis (nchan's channels), nginx
 * with nchan (viewers' event streams, snapshot cache, load balancing) and several Night Market
 * server instances sharing the database, each publishing its shows' events to nchan.
 *
 * Used by `npm run stack` (which leaves it running, see scripts/stack/cli.ts), the stack tests and
 * `npm run bench:stack`. Missing Debian packages are installed as root (see packages.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, createWriteStream, mkdirSync, openSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePackages } from './packages.js';
import { assertPortsFree, freePort, isListening, waitForPort } from './net.js';
import { startNginx, type Nginx } from './nginx.js';
import { startPostgres, type PostgresCluster } from './postgres.js';
import { startRedis, type RedisServer } from './redis.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Ports of the stack's services on 127.0.0.1. */
export interface StackPorts {
  /** nginx: viewers, snapshots, the admin API. */
  readonly http: number;
  /** nginx: nchan's publisher (the instances only). */
  readonly publish: number;
  readonly redis: number;
  readonly postgres: number;
  /** One per server instance. */
  readonly instances: readonly number[];
}

/** Options of {@link startStack}. */
export interface StackOptions {
  /** Directory for every service's files (default: a new temporary directory, deleted by `stop()`). */
  readonly dir?: string | undefined;
  /** Fixed ports (default: free ones). */
  readonly ports?: StackPorts | undefined;
  /** Number of server instances (default 2; ignored when `ports` are given). */
  readonly instances?: number | undefined;
  /** Admin token of the instances (default: random). */
  readonly adminToken?: string | undefined;
  /** A shows file every instance is started with. */
  readonly shows?: string | undefined;
  /** PostgreSQL commits wait for the disk (default true; tests pass false). */
  readonly durable?: boolean | undefined;
  /** Lease of a show on its instance, ms (default 3000): how soon a dead instance's shows move. */
  readonly leaseMs?: number | undefined;
  /**
   * Use this PostgreSQL database instead of starting a cluster (its URL; the tests give each
   * stack a database of its own on one cluster). `ports.postgres` is then ignored.
   */
  readonly database?: string | undefined;
  /** Where the instances' output goes (default: a log file per instance in `dir`). */
  readonly instanceOutput?: 'inherit' | 'log' | undefined;
  /**
   * Leave the instances running when this process exits (`npm run stack`): they are detached,
   * their output goes to their log files, and `stop()` is not expected (see stopStackIn).
   */
  readonly detached?: boolean | undefined;
  /** nginx worker processes (default: one per core). */
  readonly nginxWorkers?: number | undefined;
}

/** One server instance of a running stack. */
export interface StackInstance {
  readonly port: number;
  readonly url: string;
  /** The process, while it runs. */
  readonly process: ChildProcess | undefined;
}

/** A running stack. */
export interface Stack {
  /** Public origin (nginx), with a trailing slash: the protocol base URL is `url + 'api/'`. */
  readonly url: string;
  readonly ports: StackPorts;
  readonly dir: string;
  readonly databaseUrl: string;
  readonly adminToken: string;
  readonly instances: readonly StackInstance[];
  readonly redis: RedisServer;
  /** Kills instance `i` (SIGKILL by default: a crash, nothing saved or handed over). */
  killInstance(i: number, signal?: NodeJS.Signals): Promise<void>;
  /** Starts instance `i` again. */
  startInstance(i: number): Promise<void>;
  /** Stops everything (instances, nginx, Redis, PostgreSQL) and deletes the directory unless `keep`. */
  stop(options?: { keep?: boolean }): Promise<void>;
}

/** Starts the stack; on failure stops whatever it had started and rethrows. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  ensurePackages(['postgresql', 'nginx', 'nchan', 'redis']);
  const count = options.ports?.instances.length ?? options.instances ?? 2;
  const ports: StackPorts = options.ports ?? {
    http: await freePort(),
    publish: await freePort(),
    redis: await freePort(),
    postgres: await freePort(),
    instances: await Promise.all(Array.from({ length: count }, () => freePort())),
  };
  await assertPortsFree({
    'nginx (public)': ports.http,
    'nginx (nchan publisher)': ports.publish,
    Redis: ports.redis,
    ...(options.database === undefined ? { PostgreSQL: ports.postgres } : {}),
    ...Object.fromEntries(ports.instances.map((p, i) => [`server instance ${i + 1}`, p])),
  });
  const temporary = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'nightmarket-stack-'));
  mkdirSync(dir, { recursive: true });
  // PostgreSQL runs as its own user (we may be root): it must be able to reach its directory.
  chmodSync(dir, 0o711);
  const adminToken = options.adminToken ?? `stack-${crypto.randomUUID()}`;
  const cleanups: (() => unknown)[] = [];
  const instances: { port: number; url: string; process: ChildProcess | undefined }[] = [];
  let postgres: PostgresCluster | undefined;
  try {
    if (options.database === undefined) {
      const cluster = await startPostgres({ port: ports.postgres, dir: join(dir, 'postgres'), durable: options.durable ?? true, install: false });
      cleanups.push(() => cluster.stop({ keep: !temporary }));
      postgres = cluster;
    }
    const pg = { url: options.database ?? postgres!.url };
    const redis = await startRedis(ports.redis, join(dir, 'redis'), { install: false });
    cleanups.push(() => redis.stop());
    const nginx: Nginx = await startNginx(
      { httpPort: ports.http, publishPort: ports.publish, redisPort: ports.redis, instancePorts: ports.instances, heartbeatS: 15, workers: options.nginxWorkers },
      join(dir, 'nginx'),
      { install: false },
    );
    cleanups.push(() => nginx.stop());
    const logs = join(dir, 'logs');
    mkdirSync(logs, { recursive: true });

    const startInstance = async (i: number): Promise<void> => {
      const port = ports.instances[i]!;
      const self = `http://127.0.0.1:${port}`;
      const args = [
        '--import',
        'tsx',
        join(ROOT, 'packages/server/src/cli.ts'),
        '--port',
        String(port),
        '--database',
        pg.url,
        '--cluster-self',
        self,
        '--nchan',
        `http://127.0.0.1:${ports.publish}/nchan/pub/`,
        '--nchan-subscribe',
        '/nchan/sub/',
        '--snapshot-max-age',
        '1',
        ...(options.shows === undefined ? [] : ['--shows', options.shows]),
      ];
      const env = { ...process.env, NIGHTMARKET_ADMIN_TOKEN: adminToken, NIGHTMARKET_CLUSTER_LEASE_MS: String(options.leaseMs ?? 3000) };
      const inherit = options.instanceOutput === 'inherit';
      const logFile = join(logs, `instance-${i + 1}.log`);
      const out = options.detached ? openSync(logFile, 'a') : inherit ? 'inherit' : 'pipe';
      const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', out, out], detached: options.detached ?? false });
      if (options.detached) {
        child.unref();
        closeSync(out as number);
      } else if (!inherit) {
        const log = createWriteStream(join(logs, `instance-${i + 1}.log`), { flags: 'a' });
        child.stdout!.pipe(log);
        child.stderr!.pipe(log);
      }
      const exited = new Promise<never>((_, reject) =>
        child.once('exit', (code, signal) =>
          reject(new Error(`server instance ${i + 1} exited (${signal ?? `code ${code}`}) while starting; see ${join(logs, `instance-${i + 1}.log`)}`)),
        ),
      );
      exited.catch(() => undefined);
      instances[i] = { port, url: `${self}/`, process: child };
      child.once('exit', () => {
        if (instances[i]?.process === child) instances[i] = { port, url: `${self}/`, process: undefined };
      });
      await Promise.race([waitForPort(port, `server instance ${i + 1}`, 30_000), exited]);
    };
    const killInstance = async (i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
      const child = instances[i]?.process;
      if (!child || child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await gone;
    };
    cleanups.push(async () => {
      await Promise.all(instances.map((_, i) => killInstance(i, 'SIGTERM')));
    });
    // One after the other: the first creates the schema and claims the shows of --shows.
    for (let i = 0; i < ports.instances.length; i++) await startInstance(i);

    let stopped = false;
    return {
      url: `http://127.0.0.1:${ports.http}/`,
      ports,
      dir,
      databaseUrl: pg.url,
      adminToken,
      instances,
      redis,
      killInstance,
      startInstance,
      async stop({ keep = false } = {}) {
        if (stopped) return;
        stopped = true;
        for (const cleanup of cleanups.reverse()) {
          try {
            await cleanup();
          } catch {
            // Stop the rest regardless.
          }
        }
        if (temporary && !keep) rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch {
        // Already failing: report the first error.
      }
    }
    if (temporary) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Whether something answers on each of `ports` (for `npm run stack` status). */
export async function listening(ports: StackPorts): Promise<Record<string, boolean>> {
  return {
    nginx: await isListening(ports.http),
    redis: await isListening(ports.redis),
    postgres: await isListening(ports.postgres),
    ...Object.fromEntries(await Promise.all(ports.instances.map(async (p, i) => [`instance ${i + 1}`, await isListening(p)] as const))),
  };
}

export { waitForPort };
