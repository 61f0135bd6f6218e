/**
 * Redis for nchan, on 127.0.0.1: started from deploy/redis/redis.conf (rendered with the port and a
 * directory of its own), stopped with SHUTDOWN NOSAVE; `restart()` for the tests of Redis loss.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePackages } from './packages.js';
import { assertPortsFree, isListening, waitForPort } from './net.js';

const TEMPLATE = fileURLToPath(new URL('../../deploy/redis/redis.conf', import.meta.url));

/** A running Redis. */
export interface RedisServer {
  readonly port: number;
  readonly dir: string;
  /** Stops it (its data is not saved). Safe to call twice. */
  stop(): Promise<void>;
  /** Stops and starts it again on the same port: every channel is gone. */
  restart(): Promise<void>;
}

/** Starts Redis on 127.0.0.1:`port` with its files in `dir`. */
export async function startRedis(port: number, dir: string, options: { install?: boolean } = {}): Promise<RedisServer> {
  if (options.install ?? true) ensurePackages(['redis']);
  await assertPortsFree({ Redis: port });
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'redis.conf');
  writeFileSync(conf, readFileSync(TEMPLATE, 'utf8').replaceAll('{{PORT}}', String(port)).replaceAll('{{DIR}}', dir));
  const start = async (): Promise<void> => {
    const result = spawnSync('redis-server', [conf], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`redis-server failed to start (exit ${result.status}): ${result.stderr || result.stdout}`);
    await waitForPort(port, 'Redis');
  };
  const stop = async (): Promise<void> => {
    if (!(await isListening(port))) return;
    spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'shutdown', 'nosave'], { encoding: 'utf8' });
    const deadline = Date.now() + 5000;
    while ((await isListening(port)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  };
  await start();
  return {
    port,
    dir,
    stop,
    async restart() {
      await stop();
      await start();
    },
  };
}

/** Stops a Redis left running by `npm run stack` in `dir`, if any. */
export function stopRedisIn(dir: string): boolean {
  const pidFile = join(dir, 'redis.pid');
  if (!existsSync(pidFile)) return false;
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGTERM');
    return true;
  } catch {
    return false;
  }
}
