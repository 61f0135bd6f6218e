/**
 * `npm run bench:server`: the reference server under load, in two parts.
 *
 * 1. Fan-out: N viewers hold SSE connections to one live show while chat is posted at a fixed
 *    total rate; publish→receive latency is measured for every (message, sampled receiver) pair
 *    and every other receiver's chat messages are counted. Baseline in the same run: the same
 *    measurement with few viewers. The ratio of the p99s is what the viewer count costs.
 * 2. Flash sale: buyers reserve and check out over HTTP against a sale with fewer units than
 *    buyers, first with the in-memory store, then with the SQLite store on a temporary file
 *    (synchronous=FULL). orders/s is confirmed orders over the time from the first request to the
 *    last confirmed order (how fast the sale sold out); order latency is per buyer who got one,
 *    from sending the reservation to reading the confirmed order. The ratio SQLite / memory is
 *    what durable storage costs.
 *
 * The server runs in a child process (this file with `--server-child`), so the load generator
 * does not share its event loop; a fresh child serves each scenario. Load clients use raw
 * sockets and a minimal SSE line reader, not the SDK client, to keep their own cost low.
 *
 * A benchmark prints figures; it asserts nothing about time. Loss, disconnects and overselling
 * are printed loudly, and the exit code is 1 unless each sale sold exactly its units. Compare
 * ratios across runs, not raw numbers across machines.
 *
 * Flags (or env): --viewers N (NM_BENCH_VIEWERS, default 5000), --baseline N (100), --rate R
 * messages/s (200), --seconds S (10), --drain S (10), --sample N (200), --buyers N (1000),
 * --units N (100), --concurrency N (100), --only fanout|sale (both). NM_BENCH_SERVER_NODE_ARGS
 * adds node flags to the server child, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const SELF = fileURLToPath(import.meta.url);
const ADMIN = 'bench-admin-token';
const SHOW_ID = 'bench';
const CHAT_LIMIT = { messages: 5, perMs: 10_000 }; // the engine's default per-viewer token bucket

// =================================================================================================
// Server child: one reference server, driven over IPC.
// =================================================================================================

type ToChild =
  | { op: 'start'; store: 'memory' | 'sqlite'; dbPath?: string }
  | { op: 'sale'; saleId: string }
  | { op: 'mark' }
  | { op: 'loop' }
  | { op: 'stop' };
type FromChild =
  | { op: 'ready'; url: string }
  | { op: 'sale'; units: { units: number; unitsLeft: number; held: number; sold: number } | null }
  | { op: 'stopped'; errors: number }
  | { op: 'marked' }
  | { op: 'loop'; p99: number; max: number }
  | { op: 'failed'; message: string };

async function serverChild(): Promise<void> {
  const { createNightmarketServer, SqliteStore } = await import('@nightmarket/server');
  const { MemoryStore } = await import('@nightmarket/engine');
  type Store = InstanceType<typeof MemoryStore> | InstanceType<typeof SqliteStore>;
  let server: Awaited<ReturnType<typeof createNightmarketServer>> | undefined;
  let store: Store | undefined;
  let errors = 0;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const send = (message: FromChild): Promise<void> => new Promise((resolve) => process.send!(message, () => resolve()));
  const stop = async (): Promise<void> => {
    await server?.close();
    server = undefined;
  };
  process.on('disconnect', () => {
    // The parent went away (crash, Ctrl-C): close and leave, never linger.
    void stop().finally(() => process.exit(0));
    setTimeout(() => process.exit(1), 5000).unref();
  });
  process.on('message', (message: ToChild) => {
    void (async () => {
      try {
        if (message.op === 'start') {
          store = message.store === 'sqlite' ? new SqliteStore({ path: message.dbPath! }) : new MemoryStore();
          server = await createNightmarketServer({
            adminToken: ADMIN,
            port: 0,
            store,
            simulatedStreams: false,
            shows: [{ show: benchShow(), products: benchProducts() }],
            onError: (error) => {
              if (++errors <= 3) console.error('[server child] error:', error);
            },
          });
          await send({ op: 'ready', url: server.url });
        } else if (message.op === 'sale') {
          const units = (await store?.closeSale(SHOW_ID, message.saleId)) ?? null;
          await send({ op: 'sale', units });
        } else if (message.op === 'mark') {
          loop.reset();
          await send({ op: 'marked' });
        } else if (message.op === 'loop') {
          await send({ op: 'loop', p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 });
        } else if (message.op === 'stop') {
          await stop();
          await send({ op: 'stopped', errors });
          process.exit(0);
        }
      } catch (error) {
        await send({ op: 'failed', message: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
}

function benchShow() {
  return {
    id: SHOW_ID,
    title: 'Benchmark show',
    status: 'live' as const,
    startsAt: Date.now(),
    host: { name: 'Host' },
    stream: { hls: 'https://video.example/live.m3u8' },
    locale: 'en-US',
    currency: 'USD',
  };
}

function benchProducts() {
  const product = (id: string) => ({
    id,
    title: `Product ${id}`,
    images: [],
    price: { amount: 9_900, currency: 'USD' },
    variants: [{ id: 'one', title: 'One size', available: true, stock: 100_000 }],
  });
  return [product('flash'), product('warm')];
}

// =================================================================================================
// Parent: load generator and report.
// =================================================================================================

interface ServerHandle {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  request(message: ToChild, reply: FromChild['op'], timeoutMs?: number): Promise<FromChild>;
  stop(): Promise<{ errors: number }>;
}

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

function cleanupSync(): void {
  for (const child of children) if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
  children.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

async function startServer(store: 'memory' | 'sqlite', dbPath?: string): Promise<ServerHandle> {
  // Same loader flags as this process (tsx), so the child runs this TypeScript file too.
  // NM_BENCH_SERVER_NODE_ARGS adds node flags to the server only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const extra = (process.env['NM_BENCH_SERVER_NODE_ARGS'] ?? '').split(/\s+/).filter(Boolean);
  const child = fork(SELF, ['--server-child'], { execArgv: [...process.execArgv, ...extra], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(child);
  const waiters = new Map<string, (m: FromChild) => void>();
  let exited = false;
  child.on('message', (m: FromChild) => {
    const waiter = waiters.get(m.op) ?? waiters.get('*');
    waiters.delete(m.op);
    waiter?.(m);
  });
  child.on('exit', () => {
    exited = true;
    children.delete(child);
    for (const waiter of waiters.values()) waiter({ op: 'failed', message: 'server child exited' });
    waiters.clear();
  });
  const request = (message: ToChild, reply: FromChild['op'], timeoutMs = 30_000): Promise<FromChild> =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error('server child is gone'));
      const timer = setTimeout(() => reject(new Error(`server child: no "${reply}" within ${timeoutMs} ms`)), timeoutMs);
      const done = (m: FromChild) => {
        clearTimeout(timer);
        waiters.delete('failed');
        if (m.op === 'failed') reject(new Error(`server child: ${m.message}`));
        else resolve(m);
      };
      waiters.set(reply, done);
      waiters.set('failed', done);
      child.send(message);
    });
  const ready = await request({ op: 'start', store, dbPath }, 'ready');
  if (ready.op !== 'ready') throw new Error('server child did not start');
  const port = Number(new URL(ready.url).port);
  return {
    url: ready.url,
    port,
    pid: child.pid!,
    request,
    async stop() {
      if (exited) return { errors: 0 };
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      let errors = 0;
      try {
        const m = await request({ op: 'stop' }, 'stopped', 15_000);
        if (m.op === 'stopped') errors = m.errors;
      } catch {
        // Fall through to the kill below.
      }
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(killer);
      return { errors };
    },
  };
}

/** Resident set size and CPU time of a process, from /proc (Linux); undefined elsewhere. */
function procStats(pid: number): { rssMb: number; hwmMb: number; cpuMs: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14 and 15)
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024, cpuMs: (ticks * 1000) / 100 };
  } catch {
    return undefined;
  }
}

// --- options ----------------------------------------------------------------------------------

function option(name: string, fallback: number): number {
  const i = process.argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  let raw: string | undefined;
  if (i !== -1) raw = process.argv[i]!.includes('=') ? process.argv[i]!.split('=')[1] : process.argv[i + 1];
  raw ??= process.env[`NM_BENCH_${name.toUpperCase()}`];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`bench:server: --${name} must be a positive number, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return value;
}

/** A flag (or env) that takes one of `choices`; undefined when absent. */
function textOption<T extends string>(name: string, choices: readonly T[]): T | undefined {
  const i = process.argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  let raw: string | undefined;
  if (i !== -1) raw = process.argv[i]!.includes('=') ? process.argv[i]!.split('=')[1] : process.argv[i + 1];
  raw ??= process.env[`NM_BENCH_${name.toUpperCase()}`];
  if (raw === undefined) return undefined;
  if (!(choices as readonly string[]).includes(raw)) {
    console.error(`bench:server: --${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return raw as T;
}

/** Soft and hard limits of open files, from /proc/self/limits (undefined if unknown). */
function fileLimits(): { soft: number; hard: number } | undefined {
  try {
    const line = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (!line) return undefined;
    const n = (s: string) => (s === 'unlimited' ? Number.POSITIVE_INFINITY : Number(s));
    return { soft: n(line[1]!), hard: n(line[2]!) };
  } catch {
    return undefined;
  }
}

// --- small helpers ------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—';
const ms = (n: number, never = 'not received'): string =>
  Number.isNaN(n) ? '—' : Number.isFinite(n) ? `${n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : fmt(n)} ms` : never;

/** Nearest-rank percentile of an ascending array (Infinity entries: never received). */
function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function table(title: string, headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${title}`);
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

function loud(message: string): void {
  console.log(`\n!!!!!!!! ${message} !!!!!!!!`);
}

/** A small HTTP client over a keep-alive agent; resolves status and body, never rejects. */
function post(agent: http.Agent, port: number, pathname: string, token: string, body: unknown, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve) => {
    const payload = JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: pathname,
        method: 'POST',
        agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), Authorization: `Bearer ${token}`, ...headers },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', () => resolve({ status: 0, body: '' }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end(payload);
  });
}

// --- fan-out ----------------------------------------------------------------------------------

const CHAT_MARK = Buffer.from('data: {"type":"chat.message"');
const TEXT_RE = /"text":"bench (\d+)"/;

interface Viewer {
  socket: net.Socket;
  sampled: boolean;
  open: boolean;
  closed: boolean;
  head: string;
  tail: Buffer; // last bytes of the previous read, for a marker split across reads
  partial: string; // sampled: unfinished line
  chat: number; // chat messages received
  seen?: Uint8Array; // sampled: which messages arrived
}

interface FanoutResult {
  viewers: number;
  connected: number;
  connectFailures: number;
  connectMs: number;
  sampled: number;
  sent: number;
  accepted: number;
  notRefused: number;
  rejected: Map<number, number>;
  unanswered: number;
  viaViewer: number;
  viaAdmin: number;
  postP99: number;
  expected: number;
  delivered: number;
  disconnects: number;
  drainMs: number;
  drained: boolean;
  received: { p50: number; p99: number };
  lat: { p50: number; p95: number; p99: number; max: number; missing: number; duplicates: number };
  rssIdleMb: number;
  rssConnectedMb: number;
  rssPeakMb: number;
  serverCpu: number; // share of one core while sending and draining
  loadCpu: number;
  serverErrors: number;
  serverLoopP99: number;
  serverLoopMax: number;
  genLoopMax: number;
}

function countMarks(v: Viewer, buf: Buffer): number {
  let n = 0;
  // A marker split across two reads: search the seam only (last bytes before + first bytes after).
  if (v.tail.length > 0) {
    const seam = Buffer.concat([v.tail, buf.subarray(0, CHAT_MARK.length - 1)]);
    if (seam.indexOf(CHAT_MARK) !== -1) n++;
  }
  for (let i = buf.indexOf(CHAT_MARK); i !== -1; i = buf.indexOf(CHAT_MARK, i + CHAT_MARK.length)) n++;
  v.tail = buf.length >= CHAT_MARK.length - 1 ? Buffer.from(buf.subarray(buf.length - (CHAT_MARK.length - 1))) : Buffer.concat([v.tail, buf]).subarray(-(CHAT_MARK.length - 1));
  return n;
}

async function fanout(label: string, n: number, opts: { rate: number; seconds: number; drainS: number; sample: number }): Promise<FanoutResult> {
  const total = Math.round(opts.rate * opts.seconds);
  const server = await startServer('memory');
  console.log(`[${label}] server child pid ${server.pid} at ${server.url}; connecting ${fmt(n)} SSE viewers…`);
  const viewers: Viewer[] = [];
  const sampledCount = Math.min(n, opts.sample);
  const sentAt = new Float64Array(total).fill(NaN);
  const accepted = new Uint8Array(total);
  const answered = new Uint8Array(total);
  const latencies: number[] = [];
  let duplicates = 0;
  let disconnects = 0;
  let receivingStarted = false;

  const onLine = (v: Viewer, line: string, now: number) => {
    if (!line.startsWith('data: {"type":"chat.message"')) return;
    const m = TEXT_RE.exec(line);
    if (!m) return;
    const k = Number(m[1]);
    v.chat++;
    if (v.seen![k]) duplicates++;
    else {
      v.seen![k] = 1;
      latencies.push(now - sentAt[k]!);
    }
  };

  const connect = (sampled: boolean): Promise<Viewer> =>
    new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port: server.port });
      const v: Viewer = { socket, sampled, open: false, closed: false, head: '', tail: Buffer.alloc(0), partial: '', chat: 0, seen: sampled ? new Uint8Array(total) : undefined };
      const timer = setTimeout(() => socket.destroy(new Error('connect timeout')), 15_000);
      socket.setNoDelay(true);
      socket.on('connect', () => {
        socket.write(`GET /api/shows/${SHOW_ID}/events HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAccept: text/event-stream\r\n\r\n`);
      });
      socket.on('data', (buf: Buffer) => {
        const now = performance.now();
        if (!v.open) {
          v.head += buf.toString('latin1');
          const end = v.head.indexOf('\r\n\r\n');
          if (end === -1) return;
          clearTimeout(timer);
          if (!v.head.startsWith('HTTP/1.1 200')) {
            socket.destroy();
            return reject(new Error(`status line ${JSON.stringify(v.head.slice(0, v.head.indexOf('\r\n')))}`));
          }
          v.open = true;
          resolve(v);
          buf = Buffer.from(v.head.slice(end + 4), 'latin1');
          v.head = '';
        }
        if (!receivingStarted || buf.length === 0) return;
        if (v.sampled) {
          const lines = (v.partial + buf.toString('latin1')).split('\n');
          v.partial = lines.pop()!;
          for (const line of lines) onLine(v, line, now);
        } else {
          v.chat += countMarks(v, buf);
        }
      });
      socket.on('error', (error) => {
        clearTimeout(timer);
        if (!v.open) reject(error);
      });
      socket.on('close', () => {
        if (v.open && !v.closed && receivingStarted) disconnects++;
        v.closed = true;
      });
    });

  // Warm-up (not measured), before any viewer connects so it leaves nothing in their streams: one
  // second of host chat at the same rate, so every run measures a warm JIT on both sides.
  const warmAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const warmups: Promise<unknown>[] = [];
  for (let i = 0; i < Math.ceil(opts.rate); i++) {
    warmups.push(post(warmAgent, server.port, `/api/shows/${SHOW_ID}/commands`, ADMIN, { type: 'chat.post', text: `warm-up ${i}` }));
    await sleep(1000 / opts.rate);
  }
  await Promise.race([Promise.all(warmups), sleep(10_000)]);
  warmAgent.destroy();

  let connectFailures = 0;
  const rssIdleMb = procStats(server.pid)?.rssMb ?? NaN;
  const connectStart = performance.now();
  // Sampled viewers first, then the rest, 100 connection attempts in flight at a time.
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(100, n) }, async () => {
      while (next < n) {
        const i = next++;
        try {
          viewers.push(await connect(i < sampledCount));
        } catch (error) {
          if (++connectFailures <= 3) console.log(`[${label}] viewer ${i} failed to connect: ${(error as Error).message}`);
        }
      }
    }),
  );
  const connectMs = performance.now() - connectStart;
  await sleep(1500); // let the viewer-count events of the join settle
  receivingStarted = true;
  const rssConnectedMb = procStats(server.pid)?.rssMb ?? NaN;
  console.log(`[${label}] ${fmt(viewers.length)} connected in ${fmt(connectMs)} ms; posting ${fmt(total)} messages at ${opts.rate}/s for ${opts.seconds} s…`);

  // --- send: viewer chat as fast as the per-viewer bucket allows, the rest as host chat.post ---
  const chatters = 100;
  const perViewer = (CHAT_LIMIT.messages / CHAT_LIMIT.perMs) * 1000; // 0.5 messages/s sustained
  const viewerRate = Math.min(opts.rate, chatters * perViewer);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const rejected = new Map<number, number>();
  const postLatencies: number[] = [];
  let viaViewer = 0;
  let viaAdmin = 0;
  let responses = 0;
  let chatter = 0;
  const send = (k: number) => {
    const byViewer = Math.floor(((k + 1) * viewerRate) / opts.rate) > Math.floor((k * viewerRate) / opts.rate);
    const text = `bench ${k}`;
    const started = performance.now();
    sentAt[k] = started;
    const request = byViewer
      ? post(agent, server.port, `/api/shows/${SHOW_ID}/chat`, `chatter-${chatter++ % chatters}`, { text })
      : post(agent, server.port, `/api/shows/${SHOW_ID}/commands`, ADMIN, { type: 'chat.post', text, role: 'moderator', name: 'Moderator' });
    if (byViewer) viaViewer++;
    else viaAdmin++;
    void request.then(({ status }) => {
      responses++;
      answered[k] = 1;
      postLatencies.push(performance.now() - started);
      if (status >= 200 && status < 300) accepted[k] = 1;
      else rejected.set(status, (rejected.get(status) ?? 0) + 1);
    });
  };
  await server.request({ op: 'mark' }, 'marked');
  const genLoop = monitorEventLoopDelay({ resolution: 10 });
  genLoop.enable();
  const cpuBefore = procStats(server.pid)?.cpuMs ?? NaN;
  const loadBefore = process.cpuUsage();
  const sendStart = performance.now();
  let rssPeakMb = rssConnectedMb;
  const rssTimer = setInterval(() => (rssPeakMb = Math.max(rssPeakMb, procStats(server.pid)?.rssMb ?? NaN)), 250);
  await new Promise<void>((resolve) => {
    let k = 0;
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - sendStart) / 1000) * opts.rate));
      while (k < due) send(k++);
      if (k >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });

  // --- drain: wait (bounded) for the answers and for every accepted message at every viewer ---
  const drainStart = performance.now();
  const counts = () => {
    // Messages not refused: accepted, or still unanswered (they may have been published).
    let acceptedCount = 0;
    for (let k = 0; k < total; k++) acceptedCount += accepted[k]! === 1 || !answered[k] ? 1 : 0;
    const alive = viewers.filter((v) => !v.closed).length;
    let delivered = 0;
    for (const v of viewers) delivered += v.chat;
    return { acceptedCount, expected: acceptedCount * alive, delivered };
  };
  let drained = false;
  while (performance.now() - drainStart < opts.drainS * 1000) {
    const c = counts();
    if (responses >= total && c.delivered >= c.expected) {
      drained = true;
      break;
    }
    await sleep(50);
  }
  const drainMs = performance.now() - drainStart;
  const window = performance.now() - sendStart;
  clearInterval(rssTimer);
  const cpuAfter = procStats(server.pid)?.cpuMs ?? NaN;
  const load = process.cpuUsage(loadBefore);
  const final = counts();
  const unanswered = total - responses;
  const rejectedAtClose = new Map(rejected);
  const acceptedAtClose = accepted.reduce((a, b) => a + b, 0);
  const disconnected = disconnects;
  receivingStarted = false; // closing the sockets below is not a disconnect
  const stats = procStats(server.pid);
  genLoop.disable();
  // The server's own event-loop delay while sending and draining (its answer may itself wait).
  const serverLoop = await server.request({ op: 'loop' }, 'loop', 5000).catch(() => undefined);
  rssPeakMb = Math.max(rssPeakMb, stats?.rssMb ?? NaN);

  // Latency over every (accepted message, sampled viewer still connected) pair; pairs never
  // received count as Infinity, so a lossy run cannot show a flattering p99.
  const sampledAlive = viewers.filter((v) => v.sampled && !v.closed).length;
  const all = Float64Array.from(latencies).sort();
  const missing = Math.max(0, final.acceptedCount * sampledAlive - all.length);
  const lat = new Float64Array(all.length + missing).fill(Number.POSITIVE_INFINITY);
  lat.set(all);
  lat.sort();
  // POSTs still unanswered when the window closed count as Infinity too.
  const postSorted = new Float64Array(total).fill(Number.POSITIVE_INFINITY);
  postSorted.set(postLatencies.slice(0, total));
  postSorted.sort();

  for (const v of viewers) v.socket.destroy();
  agent.destroy();
  const { errors } = await server.stop();
  return {
    viewers: n,
    connected: viewers.length,
    connectFailures,
    connectMs,
    sampled: viewers.filter((v) => v.sampled).length,
    sent: total,
    accepted: acceptedAtClose,
    notRefused: final.acceptedCount,
    viaViewer,
    viaAdmin,
    postP99: percentile(postSorted, 99),
    expected: final.expected,
    delivered: final.delivered,
    disconnects: disconnected,
    unanswered,
    rejected: rejectedAtClose,
    drainMs,
    drained,
    received: { p50: percentile(all, 50), p99: percentile(all, 99) },
    lat: { p50: percentile(lat, 50), p95: percentile(lat, 95), p99: percentile(lat, 99), max: lat.length ? lat[lat.length - 1]! : NaN, missing, duplicates },
    rssIdleMb,
    rssConnectedMb,
    rssPeakMb: Math.max(rssPeakMb, stats?.hwmMb ?? NaN),
    serverCpu: (cpuAfter - cpuBefore) / window,
    loadCpu: (load.user + load.system) / 1000 / window,
    serverErrors: errors,
    serverLoopP99: serverLoop?.op === 'loop' ? serverLoop.p99 : NaN,
    serverLoopMax: serverLoop?.op === 'loop' ? serverLoop.max : NaN,
    genLoopMax: genLoop.max / 1e6,
  };
}

// --- flash sale -------------------------------------------------------------------------------

interface SaleResult {
  store: string;
  buyers: number;
  wallMs: number;
  /** From the first request to the last confirmed order: how long the sale took to sell. */
  sellMs: number;
  orders: number;
  soldOut: number;
  otherErrors: Map<string, number>;
  requestP99: number;
  /** Per buyer who got an order: from sending the reservation to reading the confirmed order. */
  orderP50: number;
  orderP99: number;
  sold: number;
  held: number;
  unitsLeft: number;
  /** CPU while the buyers ran, as a share of one core: the server child, and this process (the load). */
  serverCpu: number;
  loadCpu: number;
}

async function flashSale(store: 'memory' | 'sqlite', opts: { buyers: number; units: number; concurrency: number }): Promise<SaleResult> {
  let dir: string | undefined;
  let dbPath: string | undefined;
  if (store === 'sqlite') {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nm-bench-'));
    tempDirs.add(dir);
    dbPath = path.join(dir, 'bench.db');
  }
  const server = await startServer(store, dbPath);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  try {
    console.log(`[flash sale/${store}] server child pid ${server.pid}${dbPath ? `, database ${dbPath} (WAL, synchronous=FULL)` : ''}`);
    const schedule = async (id: string, productId: string, units: number) => {
      const now = Date.now();
      const res = await post(agent, server.port, `/api/shows/${SHOW_ID}/commands`, ADMIN, {
        type: 'sale.schedule',
        sale: { id, productId, variantId: 'one', price: { amount: 4_900, currency: 'USD' }, units, limitPerBuyer: 1, startsAt: now - 1000, endsAt: now + 600_000 },
      });
      if (res.status !== 200) throw new Error(`sale.schedule answered ${res.status}: ${res.body}`);
    };
    // Warm-up on its own sale (not measured), so both stores are measured with a warm JIT.
    await schedule('warm', 'warm', Math.ceil(opts.units / 10));
    await sleep(300); // the engine's tick starts the sale
    await runBuyers(server.port, agent, 'warm', 'warmup', Math.ceil(opts.buyers / 10), opts.concurrency);

    await schedule('flash', 'flash', opts.units);
    await sleep(300);
    const cpuBefore = procStats(server.pid)?.cpuMs ?? NaN;
    const loadBefore = process.cpuUsage();
    const run = await runBuyers(server.port, agent, 'flash', 'buyer', opts.buyers, opts.concurrency);
    const serverCpu = ((procStats(server.pid)?.cpuMs ?? NaN) - cpuBefore) / run.wallMs;
    const load = process.cpuUsage(loadBefore);
    const loadCpu = (load.user + load.system) / 1000 / run.wallMs;
    const reply = await server.request({ op: 'sale', saleId: 'flash' }, 'sale');
    const units = reply.op === 'sale' ? reply.units : null;
    return { store, buyers: opts.buyers, ...run, serverCpu, loadCpu, sold: units?.sold ?? NaN, held: units?.held ?? NaN, unitsLeft: units?.unitsLeft ?? NaN };
  } finally {
    agent.destroy();
    await server.stop();
    if (dir) {
      rmSync(dir, { recursive: true, force: true });
      tempDirs.delete(dir);
    }
  }
}

async function runBuyers(port: number, agent: http.Agent, saleId: string, prefix: string, buyers: number, concurrency: number) {
  const reserveLat: number[] = [];
  const checkoutLat: number[] = [];
  const orderLat: number[] = [];
  let lastOrderAt = NaN;
  const otherErrors = new Map<string, number>();
  const other = (what: string, status: number, body: string) => {
    let type = '';
    try {
      type = String((JSON.parse(body) as { type?: string }).type ?? '').split('/').pop() ?? '';
    } catch {
      // not JSON
    }
    const key = `${what} ${status}${type ? ` ${type}` : ''}`;
    otherErrors.set(key, (otherErrors.get(key) ?? 0) + 1);
  };
  let orders = 0;
  let soldOut = 0;
  let next = 0;
  const base = `/api/shows/${SHOW_ID}`;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, buyers) }, async () => {
      while (next < buyers) {
        const i = next++;
        const token = `${prefix}-${i}`;
        const begun = performance.now();
        let t = begun;
        const reserved = await post(agent, port, `${base}/reservations`, token, { saleId, quantity: 1 }, { 'Idempotency-Key': `r-${prefix}-${i}` });
        reserveLat.push(performance.now() - t);
        // Turned away: sold out, or the sale already closed because it sold out.
        if (reserved.status === 409 && /sold-out|sale-ended/.test(reserved.body)) {
          soldOut++;
          continue;
        }
        if (reserved.status !== 201) {
          other('reserve', reserved.status, reserved.body);
          continue;
        }
        const reservationId = (JSON.parse(reserved.body) as { id: string }).id;
        t = performance.now();
        const bought = await post(agent, port, `${base}/checkout`, token, { source: 'reservation', reservationId }, { 'Idempotency-Key': `c-${prefix}-${i}` });
        checkoutLat.push(performance.now() - t);
        if (bought.status === 201 && bought.body.includes('"confirmed"')) {
          orders++;
          lastOrderAt = performance.now();
          orderLat.push(lastOrderAt - begun);
        }
        else other('checkout', bought.status, bought.body);
      }
    }),
  );
  const wallMs = performance.now() - started;
  const sellMs = lastOrderAt - started;
  const sort = (xs: number[]) => Float64Array.from(xs).sort();
  return {
    wallMs,
    sellMs,
    orders,
    soldOut,
    otherErrors,
    requestP99: percentile(sort([...reserveLat, ...checkoutLat]), 99),
    orderP50: percentile(sort(orderLat), 50),
    orderP99: percentile(sort(orderLat), 99),
  };
}

// --- main -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const began = performance.now();
  let viewers = Math.round(option('viewers', 5000));
  const baseline = Math.round(option('baseline', 100));
  const rate = option('rate', 200);
  const seconds = option('seconds', 10);
  const drainS = option('drain', 10);
  const sample = Math.round(option('sample', 200));
  const buyers = Math.round(option('buyers', 1000));
  const units = Math.round(option('units', 100));
  const concurrency = Math.round(option('concurrency', 100));
  const only = textOption('only', ['fanout', 'sale']);

  // File descriptors: this process holds one socket per viewer, the server child one more each.
  // Node already raises its soft limit to the hard one at startup, so there is nothing left to
  // raise from here: if even the hard limit is too small, run fewer viewers and say so.
  const needed = viewers + 500;
  const limits = fileLimits();
  const notes: string[] = [];
  if (limits && limits.soft < needed) {
    const lowered = Math.max(baseline, limits.soft - 500);
    notes.push(`NOTE: open-file limit is ${limits.soft} (hard ${limits.hard}): viewers lowered from ${viewers} to ${lowered}. Raise it with \`ulimit -n ${needed}\`.`);
    viewers = lowered;
  }

  const onSignal = (signal: NodeJS.Signals) => {
    console.log(`\nbench:server: ${signal}, cleaning up`);
    cleanupSync();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', cleanupSync);
  // Every phase is bounded on its own; this is the backstop.
  const hardStop = setTimeout(() => {
    console.log('\nbench:server: hard time limit (240 s) reached, stopping');
    cleanupSync();
    process.exit(1);
  }, 240_000);
  hardStop.unref();

  const cpus = os.cpus();
  console.log(`server benchmark: node ${process.version}, ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}), ${os.platform()} ${os.arch()}`);
  console.log(`server: a child process per scenario (reference server, MemoryStore unless noted); load generator: this process, raw sockets`);
  console.log(`open files: soft ${limits?.soft ?? '?'}, hard ${limits?.hard ?? '?'}; load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(
    `fan-out: ${fmt(viewers)} viewers (baseline ${fmt(baseline)}), chat ${rate}/s for ${seconds} s, ${sample} sampled receivers, drain ≤ ${drainS} s`,
  );
  console.log(`flash sale: ${fmt(buyers)} buyers × reserve+checkout, ${fmt(units)} units, limit 1 per buyer, ${concurrency} requests in flight`);
  for (const note of notes) loud(note);

  const fanOpts = { rate, seconds, drainS, sample };
  const results: FanoutResult[] = [];
  const sales: SaleResult[] = [];
  try {
    // A short unmeasured run first: the first scenario of a process measured consistently slower
    // (a cold load generator), which would flatter the ratio.
    if (only !== 'sale') {
      await fanout('warm-up, not measured', baseline, { ...fanOpts, seconds: Math.min(seconds, 2), drainS: Math.min(drainS, 2) });
      results.push(await fanout('baseline', baseline, fanOpts));
      results.push(await fanout('fan-out', viewers, fanOpts));
    }
    if (only !== 'fanout') {
      sales.push(await flashSale('memory', { buyers, units, concurrency }));
      sales.push(await flashSale('sqlite', { buyers, units, concurrency }));
    }
  } catch (error) {
    loud(`benchmark failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exitCode = 1;
  } finally {
    cleanupSync();
  }

  if (results.length > 0) {
    const first = results[0]!;
    console.log(
      `\nchat mix per run: ${fmt(first.viaViewer)} viewer POST /chat from 100 viewers (0.5/s each, the ${CHAT_LIMIT.messages} per ${CHAT_LIMIT.perMs / 1000} s limit) + ${fmt(first.viaAdmin)} admin chat.post`,
    );
    const runName = (r: FanoutResult) => (r === first ? 'baseline' : 'fan-out');
    table(
      'Fan-out: publish→receive latency, every (message, sampled viewer) pair; from sending the POST to reading the event',
      ['run', 'viewers', 'connect all', 'p50', 'p95', 'p99', 'max', 'p99 of received', 'delivered / expected', 'POST p99'],
      results.map((r) => [
        runName(r),
        `${fmt(r.connected)}/${fmt(r.viewers)}`,
        `${fmt(r.connectMs)} ms`,
        ms(r.lat.p50),
        ms(r.lat.p95),
        ms(r.lat.p99),
        ms(r.lat.max),
        ms(r.received.p99),
        `${fmt(r.delivered)} / ${fmt(r.expected)}`,
        ms(r.postP99, 'no answer'),
      ]),
    );
    table(
      'Fan-out: resources (server = child process; CPU as a share of one core while sending and draining)',
      ['run', 'srv RSS idle → connected → peak', 'srv CPU', 'srv loop delay p99 / max', 'gen CPU', 'gen loop max', 'drain', 'deliveries/s'],
      results.map((r) => [
        runName(r),
        `${fmt(r.rssIdleMb)} → ${fmt(r.rssConnectedMb)} → ${fmt(r.rssPeakMb)} MB`,
        `${fmt(r.serverCpu * 100)}%`,
        `${ms(r.serverLoopP99)} / ${ms(r.serverLoopMax)}`,
        `${fmt(r.loadCpu * 100)}%`,
        ms(r.genLoopMax),
        `${(r.drainMs / 1000).toFixed(1)} s`,
        fmt(r.delivered / ((seconds * 1000 + r.drainMs) / 1000)),
      ]),
    );
    console.log(
      'expected = messages not refused (accepted, or unanswered when the drain window closed) × viewers still connected; pairs not received count as "not received" in the percentiles',
    );
    for (const r of results) {
      const label = `${fmt(r.viewers)} viewers`;
      if (r.connectFailures > 0) loud(`${label}: ${r.connectFailures} viewers FAILED TO CONNECT`);
      if (r.accepted < r.sent) {
        const why = [...r.rejected].map(([s, c]) => `${c}× ${s === 0 ? 'connection error' : `HTTP ${s}`}`);
        if (r.unanswered > 0) why.push(`${r.unanswered} still unanswered when the drain window closed`);
        loud(`${label}: ${r.sent - r.accepted} of ${r.sent} chat posts NOT ACCEPTED in time (${why.join(', ')})`);
      }
      if (r.disconnects > 0) loud(`${label}: ${r.disconnects} viewers DISCONNECTED during the run (too slow, or cut off by the server)`);
      if (r.delivered < r.expected) {
        loud(
          `${label}: NOT DELIVERED — ${fmt(r.expected - r.delivered)} of ${fmt(r.expected)} deliveries (${((1 - r.delivered / r.expected) * 100).toFixed(2)}%) not received by the end of the ${drainS} s drain window (server backlog or loss); ${fmt(r.lat.missing)} sampled pairs missing (counted as "not received" in the percentiles)`,
        );
      }
      if (r.delivered > r.expected || r.lat.duplicates > 0) loud(`${label}: DUPLICATES — delivered ${fmt(r.delivered)} > expected ${fmt(r.expected)}, ${r.lat.duplicates} duplicate sampled deliveries`);
      if (r.serverErrors > 0) loud(`${label}: the server reported ${r.serverErrors} unexpected errors`);
    }
    if (results.length === 2) {
      const [b, f] = results as [FanoutResult, FanoutResult];
      const ratio = f.lat.p99 / b.lat.p99;
      console.log(
        `ratio p99 ${fmt(f.viewers)} viewers / ${fmt(b.viewers)} viewers: ${Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : 'n/a (messages not received)'}` +
          ` (p99 of received only: ${(f.received.p99 / b.received.p99).toFixed(2)}×)`,
      );
      const perSecond = f.delivered / ((seconds * 1000 + f.drainMs) / 1000);
      console.log(
        `at ${fmt(f.viewers)} viewers the server delivered ~${fmt(perSecond)} events/s, i.e. it could fan out ~${fmt(perSecond / f.viewers, 1)} chat messages/s to everyone (asked: ${rate}/s)`,
      );
    }
  }

  if (sales.length > 0) {
    table(
      'Flash sale: reserve + checkout over HTTP (orders/s = confirmed orders / time from the first request to the last order; order = reserve sent → order read)',
      ['store', 'buyers', 'orders', 'turned away', 'sold out in', 'orders/s', 'order p50', 'order p99', 'all buyers', 'requests/s', 'request p99', 'srv CPU', 'gen CPU', 'store: sold/held/left'],
      sales.map((s) => [
        s.store === 'sqlite' ? 'SqliteStore (file, FULL)' : 'MemoryStore',
        fmt(s.buyers),
        fmt(s.orders),
        fmt(s.soldOut),
        `${fmt(s.sellMs)} ms`,
        fmt((s.orders / s.sellMs) * 1000),
        ms(s.orderP50),
        ms(s.orderP99),
        `${fmt(s.wallMs)} ms`,
        fmt(((s.buyers + s.orders) / s.wallMs) * 1000),
        ms(s.requestP99),
        `${fmt(s.serverCpu * 100)}%`,
        `${fmt(s.loadCpu * 100)}%`,
        `${s.sold}/${s.held}/${s.unitsLeft}`,
      ]),
    );
    for (const s of sales) {
      // The one thing this benchmark asserts: exactly the units offered are sold (the exit code says so).
      if (s.sold > units || s.orders > units) loud(`${s.store}: OVERSOLD — ${s.sold} units sold by the store, ${s.orders} orders confirmed, for a ${units}-unit sale`);
      else if (s.sold !== units || s.orders !== units) loud(`${s.store}: NOT EXACTLY ${units} SOLD — store sold ${s.sold}, ${s.orders} orders confirmed`);
      if (s.sold !== units || s.orders !== units) process.exitCode = 1;
      if (s.otherErrors.size > 0) loud(`${s.store}: unexpected answers: ${[...s.otherErrors].map(([k, c]) => `${c}× ${k}`).join(', ')}`);
    }
    if (sales.length === 2) {
      const [m, q] = sales as [SaleResult, SaleResult];
      const rm = m.orders / m.sellMs;
      const rq = q.orders / q.sellMs;
      console.log(
        `ratio SQLite / memory: orders/s ${(rq / rm).toFixed(2)}× (memory is ${(rm / rq).toFixed(1)}× faster), request p99 ${(q.requestP99 / m.requestP99).toFixed(2)}×`,
      );
    }
  }
  console.log(`\ntotal runtime ${((performance.now() - began) / 1000).toFixed(1)} s; load average at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  clearTimeout(hardStop);
}

// Last, so every module-level constant above is initialized before either side runs.
if (process.argv.includes('--server-child')) {
  await serverChild();
} else {
  await main();
}
