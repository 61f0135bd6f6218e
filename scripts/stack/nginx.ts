/**
 * nginx with nchan in front of the server instances: deploy/nginx/nightmarket.conf.template
 * rendered with the ports and a run directory, checked with `nginx -t`, started as a daemon.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePackages } from './packages.js';
import { assertPortsFree, waitForPort } from './net.js';

const TEMPLATE = fileURLToPath(new URL('../../deploy/nginx/nightmarket.conf.template', import.meta.url));

/** Ports and settings of the nginx configuration. */
export interface NginxSettings {
  /** Public port: viewers and the admin API. */
  readonly httpPort: number;
  /** Internal port of nchan's publisher location. */
  readonly publishPort: number;
  readonly redisPort: number;
  /** Ports of the Night Market instances behind it. */
  readonly instancePorts: readonly number[];
  /** Heartbeat of the event streams, in seconds (the engine's heartbeatMs / 1000). */
  readonly heartbeatS?: number | undefined;
  readonly snapshotMaxAgeS?: number | undefined;
  /** Worker processes (default `auto`: one per core). */
  readonly workers?: number | undefined;
}

/** A running nginx. */
export interface Nginx {
  readonly conf: string;
  /** Stops it (graceful quit: open streams are closed). Safe to call twice. */
  stop(): void;
}

/** Renders the configuration into `dir`/nginx.conf. */
export function renderNginxConf(settings: NginxSettings, dir: string): string {
  for (const sub of ['tmp/body', 'tmp/proxy', 'tmp/fastcgi', 'tmp/uwsgi', 'tmp/scgi', 'cache']) mkdirSync(join(dir, sub), { recursive: true });
  // As many descriptors per worker as this machine lets a process have (262144 at most).
  const hard = Number(spawnSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim());
  const nofile = Number.isInteger(hard) && hard > 1024 ? Math.min(262_144, hard) : 262_144;
  const servers = settings.instancePorts.map((port) => `server 127.0.0.1:${port} max_fails=1 fail_timeout=2s;`).join('\n    ');
  const conf = readFileSync(TEMPLATE, 'utf8')
    .replaceAll('{{RUN}}', dir)
    .replaceAll('{{SERVERS}}', servers)
    .replaceAll('{{REDIS_PORT}}', String(settings.redisPort))
    .replaceAll('{{HTTP_PORT}}', String(settings.httpPort))
    .replaceAll('{{PUBLISH_PORT}}', String(settings.publishPort))
    .replaceAll('{{HEARTBEAT_S}}', String(settings.heartbeatS ?? 15))
    .replaceAll('{{WORKERS}}', String(settings.workers ?? 'auto'))
    .replaceAll('{{NOFILE}}', String(nofile))
    .replaceAll('{{WORKER_CONNECTIONS}}', String(nofile - 100))
    .replaceAll('{{SNAPSHOT_MAX_AGE}}', String(settings.snapshotMaxAgeS ?? 1));
  const path = join(dir, 'nginx.conf');
  writeFileSync(path, conf);
  return path;
}

function nginx(args: string[], what: string): void {
  const result = spawnSync('/usr/sbin/nginx', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}): ${(result.stderr || result.stdout).trim()}`);
}

/** Renders, checks and starts nginx; resolves once both its ports accept connections. */
export async function startNginx(settings: NginxSettings, dir: string, options: { install?: boolean } = {}): Promise<Nginx> {
  if (options.install ?? true) ensurePackages(['nginx', 'nchan']);
  await assertPortsFree({ 'nginx (public)': settings.httpPort, 'nginx (nchan publisher)': settings.publishPort });
  const conf = renderNginxConf(settings, dir);
  nginx(['-t', '-q', '-c', conf, '-p', dir], 'nginx -t (checking the configuration)');
  nginx(['-c', conf, '-p', dir], 'nginx');
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    stopNginxIn(dir);
  };
  try {
    await waitForPort(settings.httpPort, 'nginx');
    await waitForPort(settings.publishPort, 'nginx (nchan publisher)');
  } catch (error) {
    stop();
    throw error;
  }
  return { conf, stop };
}

/** Stops an nginx running with its files in `dir`, if any (waits for it to exit). */
export function stopNginxIn(dir: string): boolean {
  const pidFile = join(dir, 'nginx.pid');
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  try {
    process.kill(pid, 'SIGQUIT');
  } catch {
    return false;
  }
  // Graceful quit waits for open streams: give it a moment, then insist.
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    spawnSync('sleep', ['0.05']);
  }
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // gone
  }
  return true;
}
