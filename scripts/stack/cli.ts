#!/usr/bin/env -S npx tsx
/**
 * `npm run stack`: the scaled-out Night Market on this machine, left running — PostgreSQL
 * (orders), Redis (nchan's channels), nginx + nchan (viewers' event streams, snapshot cache, load
 * balancing) and two server instances sharing the database, all on 127.0.0.1 — with the example
 * show. Installs missing Debian packages as root. `npm run stack:stop` stops it (the database
 * stays in .stack/ for the next start).
 *
 * Ports: NIGHTMARKET_STACK_PORT (default 8400) is nginx; +1 nchan's publisher, +2 and +3 the
 * instances, +10 Redis, +11 PostgreSQL.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopNginxIn } from './nginx.js';
import { stopPostgresIn } from './postgres.js';
import { stopRedisIn } from './redis.js';
import { startStack, type StackPorts } from './stack.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIR = join(ROOT, '.stack');
const STATE = join(DIR, 'state.json');

interface State {
  ports: StackPorts;
  pids: number[];
  adminToken: string;
  databaseUrl: string;
}

function fail(message: string): never {
  console.error(`stack: ${message}`);
  process.exit(1);
}

async function start(): Promise<void> {
  if (existsSync(STATE)) fail(`a stack seems to be running already (${STATE}); run \`npm run stack:stop\` first.`);
  const raw = process.env['NIGHTMARKET_STACK_PORT'] ?? '8400';
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1024 || Number(raw) > 65_000) fail(`NIGHTMARKET_STACK_PORT must be a port from 1024 to 65000, got ${JSON.stringify(raw)}.`);
  const base = Number(raw);
  const ports: StackPorts = { http: base, publish: base + 1, instances: [base + 2, base + 3], redis: base + 10, postgres: base + 11 };
  mkdirSync(DIR, { recursive: true });
  const tokenFile = join(DIR, 'admin-token');
  const adminToken = existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : `stack-${crypto.randomUUID()}`;
  writeFileSync(tokenFile, `${adminToken}\n`, { mode: 0o600 });
  console.log('stack: starting PostgreSQL, Redis, nginx + nchan and two server instances…');
  const stack = await startStack({
    dir: DIR,
    ports,
    adminToken,
    detached: true,
    shows: join(ROOT, 'packages/server/shows.example.json'),
  }).catch((error: unknown) => fail((error as Error).message));
  const state: State = {
    ports,
    pids: stack.instances.map((i) => i.process!.pid!),
    adminToken,
    databaseUrl: stack.databaseUrl,
  };
  writeFileSync(STATE, JSON.stringify(state, null, 2), { mode: 0o600 });
  const shows = (await (await fetch(`${stack.url}api/shows`, { headers: { Authorization: `Bearer ${adminToken}` } })).json()) as { shows: { id: string }[] };
  const api = `${stack.url}api/`;
  console.log(`
Night Market stack on 127.0.0.1:
  protocol base URL   ${api}            (nginx: snapshots cached 1 s, event streams by nchan)
  example show        ${api}shows/${shows.shows[0]?.id ?? '…'}
  event stream        ${api}shows/${shows.shows[0]?.id ?? '…'}/events
  instances           ${stack.instances.map((i) => i.url).join(', ')}
  nchan publisher     http://127.0.0.1:${ports.publish}/nchan/pub/{showId}   (instances only)
  Redis               redis://127.0.0.1:${ports.redis}
  PostgreSQL          ${stack.databaseUrl.replace(/:[^:@/]+@/, ':***@')}
  admin token         in ${tokenFile}
  logs                ${join(DIR, 'logs')}/, ${join(DIR, 'nginx')}/nginx-error.log
Stop it with: npm run stack:stop`);
  process.exit(0);
}

function stop(): void {
  if (!existsSync(STATE)) {
    console.log('stack: no stack is running (no .stack/state.json); stopping any leftovers.');
  }
  const state = existsSync(STATE) ? (JSON.parse(readFileSync(STATE, 'utf8')) as State) : undefined;
  for (const pid of state?.pids ?? []) {
    try {
      process.kill(pid, 'SIGTERM');
      console.log(`stack: stopped server instance (pid ${pid})`);
    } catch {
      // Already gone.
    }
  }
  if (stopNginxIn(join(DIR, 'nginx'))) console.log('stack: stopped nginx');
  if (stopRedisIn(join(DIR, 'redis'))) console.log('stack: stopped Redis');
  try {
    if (stopPostgresIn(join(DIR, 'postgres'))) console.log('stack: stopped PostgreSQL (its data stays in .stack/postgres)');
  } catch (error) {
    console.error(`stack: ${(error as Error).message}`);
  }
  rmSync(STATE, { force: true });
}

const command = process.argv[2];
if (command === 'start') await start();
else if (command === 'stop') stop();
else fail(`usage: tsx scripts/stack/cli.ts start|stop (npm run stack, npm run stack:stop), got ${JSON.stringify(command)}`);
