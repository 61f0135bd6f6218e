/**
 * `npm run bench:stack`: the scaled-out stack (nginx + nchan + Redis, two server instances,
 * PostgreSQL with fsync) on this machine.
 *
 * 1. Fan-out, same load both ways: N viewers hold SSE streams of one show, first through nginx +
 *    nchan, then straight from one Node server (the reference server alone, in its own process);
 *    the host posts K chat messages, each carrying its send time, and every viewer measures
 *    publish→receive latency for every message. Prints p50/p99 and the ratio Node / nchan.
 * 2. Fan-out, as many as the machine holds: as many SSE viewers through nchan as connect within
 *    the time box (aim: 50,000), then the same latency measurement.
 * 3. Flash sale: buyers reserve and check out through nginx against two instances on PostgreSQL
 *    (synchronous_commit on); orders/s is confirmed orders over the time until the last one.
 *
 * Viewers are raw sockets in child processes (this file with `--viewers-child`): one process
 * holds at most ~19,000 descriptors here (`ulimit -Hn` is 20,000), and one source address at most
 * ~28,000 connections to one port, so each child connects from its own 127.0.0.x address.
 * nginx runs 4 workers for the same reason. A benchmark prints figures; it asserts nothing.
 *
 * Flags (or env): --same N (NM_BENCH_SAME, default 10000), --max N (NM_BENCH_MAX, 50000),
 * --messages K (20), --buyers N (3000), --units N (1000), --concurrency N (64),
 * --connect-seconds S (200), --only same|max|sale.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const SELF = fileURLToPath(import.meta.url);

// =================================================================================================
// Viewers child: `count` raw SSE connections from one local address, reporting latencies.
// =================================================================================================

type ToViewers = { op: 'hold' } | { op: 'report' } | { op: 'close' };
type FromViewers =
  | { op: 'progress'; connected: number; failed: number }
  | { op: 'held'; connected: number }
  | { op: 'report'; latencies: number[]; received: number; connected: number; failed: number; closed: number };

async function viewersChild(): Promise<void> {
  const [port, path, countText, localAddress] = process.argv.slice(3);
  const count = Number(countText);
  const request = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`;
  const latencies: number[] = [];
  let connected = 0;
  let failed = 0;
  let closed = 0;
  let received = 0;
  const sockets: net.Socket[] = [];
  const send = (message: FromViewers): void => void process.send!(message);
  const open = (): Promise<void> =>
    new Promise((resolve) => {
      const socket = net.connect({ port: Number(port), host: '127.0.0.1', localAddress });
      let headers = false;
      let done = false;
      const settle = (ok: boolean): void => {
        if (done) return;
        done = true;
        if (ok) connected++;
        else failed++;
        resolve();
      };
      socket.setNoDelay(true);
      // A connection that has not been answered in 20 s counts as failed (and is dropped).
      const timer = setTimeout(() => {
        if (!headers) {
          socket.destroy();
          settle(false);
        }
      }, 20_000);
      socket.on('connect', () => socket.write(request));
      socket.on('data', (chunk: Buffer) => {
        const now = performance.timeOrigin + performance.now();
        const text = chunk.toString('latin1');
        if (!headers) {
          if (!text.startsWith('HTTP/1.1 200')) {
            socket.destroy();
            return settle(false);
          }
          headers = true;
          clearTimeout(timer);
          settle(true);
        }
        for (const match of text.matchAll(/bench-(\d+)-([\d.]+)/g)) {
          received++;
          latencies.push(now - Number(match[2]));
        }
      });
      socket.on('error', () => settle(false));
      socket.on('close', () => {
        if (headers) closed++;
        settle(false);
      });
      sockets.push(socket);
    });
  let stopped = false;
  process.on('message', (message: ToViewers) => {
    stopped = true; // the time box is over: no more connections
    if (message.op === 'hold') return void connecting.then(() => send({ op: 'held', connected }));
    if (message.op === 'report') send({ op: 'report', latencies, received, connected, failed, closed });
    else {
      for (const socket of sockets) socket.destroy();
      process.exit(0);
    }
  });
  // Connect in waves so the listen backlog never overflows.
  const wave = 256;
  const connecting = (async () => {
    for (let i = 0; i < count && !stopped; i += wave) {
      await Promise.all(Array.from({ length: Math.min(wave, count - i) }, open));
      send({ op: 'progress', connected, failed });
    }
  })();
  await connecting;
  send({ op: 'progress', connected, failed });
}

// =================================================================================================
// Parent
// =================================================================================================

interface Viewers {
  children: ChildProcess[];
  connected(): number;
  report(): Promise<{ latencies: number[]; received: number; connected: number; failed: number; closed: number }>;
  close(): void;
}

/** Opens `total` SSE viewers of `path` on 127.0.0.1:`port`, in children of ≤ `perChild` each. */
async function openViewers(port: number, path: string, total: number, perChild: number, timeoutMs: number): Promise<Viewers> {
  const children: ChildProcess[] = [];
  const progress = new Map<ChildProcess, { connected: number; failed: number; done: boolean }>();
  const counts: number[] = [];
  for (let left = total; left > 0; left -= perChild) counts.push(Math.min(perChild, left));
  await Promise.all(
    counts.map(
      (count, i) =>
        new Promise<void>((resolve) => {
          const child = fork(SELF, ['--viewers-child', String(port), path, String(count), `127.0.0.${i + 2}`], {
            execArgv: ['--import', 'tsx', '--max-old-space-size=2048'],
          });
          children.push(child);
          progress.set(child, { connected: 0, failed: 0, done: false });
          const timer = setTimeout(resolve, timeoutMs);
          child.on('message', (m: FromViewers) => {
            if (m.op !== 'progress') return;
            const p = progress.get(child)!;
            p.connected = m.connected;
            p.failed = m.failed;
            if (m.connected + m.failed >= count) {
              p.done = true;
              clearTimeout(timer);
              resolve();
            }
          });
          child.on('exit', () => {
            clearTimeout(timer);
            resolve();
          });
        }),
    ),
  );
  // Time is up: the children stop opening connections (finishing the wave under way), and what
  // they hold is measured.
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (!child.connected) return resolve();
          const onMessage = (m: FromViewers): void => {
            if (m.op !== 'held') return;
            const p = progress.get(child)!;
            p.connected = m.connected;
            child.off('message', onMessage);
            resolve();
          };
          child.on('message', onMessage);
          child.send({ op: 'hold' } satisfies ToViewers);
        }),
    ),
  );
  const connected = (): number => [...progress.values()].reduce((n, p) => n + p.connected, 0);
  return {
    children,
    connected,
    async report() {
      const reports = await Promise.all(
        children.map(
          (child) =>
            new Promise<Extract<FromViewers, { op: 'report' }>>((resolve) => {
              child.once('message', (m: FromViewers) => m.op === 'report' && resolve(m));
              child.send({ op: 'report' } satisfies ToViewers);
            }),
        ),
      );
      return {
        latencies: reports.flatMap((r) => r.latencies),
        received: reports.reduce((n, r) => n + r.received, 0),
        connected: reports.reduce((n, r) => n + r.connected, 0),
        failed: reports.reduce((n, r) => n + r.failed, 0),
        closed: reports.reduce((n, r) => n + r.closed, 0),
      };
    },
    close() {
      for (const child of children) if (child.connected) child.send({ op: 'close' } satisfies ToViewers);
    },
  };
}

/** Resident memory of nginx's workers and of Redis, in MB (from ps). */
function residentMemory(stack: { dir: string; redis: { dir: string } }): { nginxMb: number; redisMb: number } {
  const rss = (args: string[]): number =>
    spawnSync('ps', args, { encoding: 'utf8' })
      .stdout.split('\n')
      .map((l) => Number(l.trim()))
      .filter((n) => n > 0)
      .reduce((a, b) => a + b, 0) / 1024;
  const pidOf = (file: string): string => spawnSync('cat', [file], { encoding: 'utf8' }).stdout.trim();
  return {
    nginxMb: rss(['--ppid', pidOf(`${stack.dir}/nginx/nginx.pid`), '-o', 'rss=']),
    redisMb: rss(['-p', pidOf(`${stack.redis.dir}/redis.pid`), '-o', 'rss=']),
  };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface FanoutResult {
  viewers: number;
  connected: number;
  messages: number;
  expected: number;
  received: number;
  closed: number;
  p50: number;
  p99: number;
  max: number;
}

/** Posts `messages` host chat messages (each with its send time) and collects every viewer's latencies. */
async function measure(viewers: Viewers, post: (text: string) => Promise<void>, messages: number, requested: number): Promise<FanoutResult> {
  await sleep(1000);
  const connected = viewers.connected();
  for (let k = 0; k < messages; k++) {
    await post(`bench-${k}-${(performance.timeOrigin + performance.now()).toFixed(3)}`);
    await sleep(250);
  }
  // Let the last message reach everyone.
  await sleep(Math.max(3000, connected / 5000 * 1000));
  const report = await viewers.report();
  const sorted = Float64Array.from(report.latencies).sort();
  return {
    viewers: requested,
    connected: report.connected,
    messages,
    expected: report.connected * messages,
    received: report.received,
    closed: report.closed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
  };
}

function line(label: string, r: FanoutResult): string {
  const loss = r.expected - r.received;
  return (
    `  ${label.padEnd(26)} ${String(r.connected).padStart(6)}/${r.viewers} viewers  ${r.received}/${r.expected} deliveries` +
    `${loss !== 0 ? ` (${loss} missing)` : ''}${r.closed ? ` ${r.closed} streams closed` : ''}  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  max ${r.max.toFixed(1)} ms`
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      same: { type: 'string' },
      max: { type: 'string' },
      messages: { type: 'string' },
      buyers: { type: 'string' },
      units: { type: 'string' },
      concurrency: { type: 'string' },
      'connect-seconds': { type: 'string' },
      only: { type: 'string' },
    },
  });
  const num = (flag: string | undefined, env: string, fallback: number): number => Number(flag ?? process.env[env] ?? fallback);
  const same = num(values.same, 'NM_BENCH_SAME', 10_000);
  const max = num(values.max, 'NM_BENCH_MAX', 50_000);
  const messages = num(values.messages, 'NM_BENCH_MESSAGES', 20);
  const buyers = num(values.buyers, 'NM_BENCH_BUYERS', 3000);
  const units = num(values.units, 'NM_BENCH_UNITS', 1000);
  const concurrency = num(values.concurrency, 'NM_BENCH_CONCURRENCY', 64);
  const connectMs = num(values['connect-seconds'], 'NM_BENCH_CONNECT_SECONDS', 200) * 1000;
  const only = values.only;
  const hardLimit = Number(spawnSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim()) || 20_000;
  const perChild = Math.max(1000, Math.min(25_000, hardLimit - 1000));

  const { startStack } = await import('../scripts/stack/stack.js');
  const { sampleProducts, sampleShow } = await import('@nightmarket/testing');
  const { createNightmarketServer } = await import('@nightmarket/server');
  const { loadavg, cpus } = await import('node:os');
  const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(
    `bench:stack — ${new Date().toISOString()}, node ${process.version}, ${cpus().length} cores, load average ${load()}, ` +
      `fd limit ${hardLimit} per process (${perChild} viewers per load process)`,
  );
  const stack = await startStack({ nginxWorkers: 4 });
  const adminHeaders = { Authorization: `Bearer ${stack.adminToken}`, 'Content-Type': 'application/json' };
  const api = `${stack.url}api/`;
  const putShow = async (base: string, id: string, extra: Record<string, unknown> = {}): Promise<void> => {
    const show = sampleShow({ id, status: 'live', startsAt: Date.now() });
    const response = await fetch(`${base}shows/${id}`, { method: 'PUT', headers: adminHeaders, body: JSON.stringify({ show, products: sampleProducts, ...extra }) });
    if (!response.ok) throw new Error(`PUT show ${id}: ${response.status} ${await response.text()}`);
  };
  const hostPost = (base: string, id: string) => async (text: string): Promise<void> => {
    const response = await fetch(`${base}shows/${id}/commands`, { method: 'POST', headers: adminHeaders, body: JSON.stringify({ type: 'chat.post', text }) });
    if (!response.ok) throw new Error(`chat.post: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  };
  try {
    if (!only || only === 'same') {
      console.log(`\n1. Fan-out, same load: ${same} SSE viewers of one show, ${messages} messages`);
      await putShow(api, 'fan-same');
      let viewers = await openViewers(stack.ports.http, '/api/shows/fan-same/events', same, perChild, connectMs);
      const nchan = await measure(viewers, hostPost(api, 'fan-same'), messages, same);
      viewers.close();
      console.log(line('nginx + nchan + Redis', nchan));
      await sleep(1000);
      // The reference server alone, in its own process (a child running the CLI would do the same).
      const alone = await createNightmarketServer({ port: 0, adminToken: stack.adminToken, simulatedStreams: false, engine: { countViewers: false } });
      try {
        await putShow(`${alone.url}api/`, 'fan-same');
        viewers = await openViewers(alone.port, '/api/shows/fan-same/events', same, perChild, connectMs);
        const node = await measure(viewers, hostPost(`${alone.url}api/`, 'fan-same'), messages, same);
        viewers.close();
        console.log(line('Node server alone', node));
        console.log(`  ratio Node alone / nchan: p50 ${(node.p50 / nchan.p50).toFixed(2)}x, p99 ${(node.p99 / nchan.p99).toFixed(2)}x`);
      } finally {
        await alone.close();
      }
    }
    if (!only || only === 'max') {
      console.log(`\n2. Fan-out through nchan, as many as the machine holds: aiming for ${max} viewers within ${connectMs / 1000} s`);
      await putShow(api, 'fan-max');
      const started = performance.now();
      const viewers = await openViewers(stack.ports.http, '/api/shows/fan-max/events', max, perChild, connectMs);
      const connectS = (performance.now() - started) / 1000;
      console.log(`  connected ${viewers.connected()} viewers in ${connectS.toFixed(1)} s (${Math.round(viewers.connected() / connectS)}/s, each through the instance's X-Accel-Redirect)`);
      const memory = residentMemory(stack);
      const result = await measure(viewers, hostPost(api, 'fan-max'), messages, max);
      viewers.close();
      console.log(line('nginx + nchan + Redis', result));
      console.log(
        `  memory while holding them: nginx workers ${memory.nginxMb.toFixed(0)} MB (${((memory.nginxMb * 1024) / Math.max(1, result.connected)).toFixed(1)} KB per viewer), ` +
          `Redis ${memory.redisMb.toFixed(1)} MB`,
      );
    }
    if (!only || only === 'sale') {
      console.log(`\n3. Flash sale on PostgreSQL (fsync on), two instances behind nginx: ${units} units, ${buyers} buyers, ${concurrency} at a time`);
      const products = sampleProducts.map((p, i) => (i === 0 ? { ...p, variants: p.variants.map((v) => ({ ...v, stock: units * 2 })) } : p));
      await putShow(api, 'sale', { products });
      const now = Date.now();
      const vacuum = products[0]!;
      const schedule = await fetch(`${api}shows/sale/commands`, {
        method: 'POST',
        headers: adminHeaders,
        body: JSON.stringify({ type: 'sale.schedule', sale: { productId: vacuum.id, variantId: vacuum.variants[0]!.id, price: { amount: 100, currency: 'CNY' }, units, limitPerBuyer: 1, startsAt: now, endsAt: now + 600_000 } }),
      });
      const { id: saleId } = (await schedule.json()) as { id: string };
      for (let i = 0; i < 50; i++) {
        const snap = (await (await fetch(`${stack.instances[0]!.url}api/shows/sale`)).json()) as { sales: { status: string }[] };
        if (snap.sales[0]?.status === 'live') break;
        await sleep(100);
      }
      const post = async (viewer: string, path: string, body: unknown, key: string): Promise<Response> =>
        fetch(`${api}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${viewer}`, 'Content-Type': 'application/json', 'Idempotency-Key': key }, body: JSON.stringify(body) });
      let next = 0;
      let confirmed = 0;
      let soldOut = 0;
      let errors = 0;
      let lastOrderAt = 0;
      const latencies: number[] = [];
      const problems = new Map<string, number>();
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < buyers) {
            const i = next++;
            const start = performance.now();
            const reserved = await post(`b${i}`, 'shows/sale/reservations', { saleId, quantity: 1 }, `r${i}`);
            const r = (await reserved.json()) as { id?: string; type?: string };
            if (reserved.status !== 201) {
              // Sold out, or ended because it sold out: a refusal, not an error.
              if (String(r.type).endsWith('sold-out') || String(r.type).endsWith('sale-ended')) soldOut++;
              else {
                errors++;
                problems.set(`reserve ${reserved.status} ${r.type}`, (problems.get(`reserve ${reserved.status} ${r.type}`) ?? 0) + 1);
              }
              continue;
            }
            const paid = await post(`b${i}`, 'shows/sale/checkout', { source: 'reservation', reservationId: r.id }, `c${i}`);
            const paidBody = (await paid.json()) as { type?: string };
            if (paid.status !== 201) problems.set(`checkout ${paid.status} ${paidBody.type}`, (problems.get(`checkout ${paid.status} ${paidBody.type}`) ?? 0) + 1);
            if (paid.status === 201) {
              confirmed++;
              lastOrderAt = performance.now();
              latencies.push(lastOrderAt - start);
            } else errors++;
          }
        }),
      );
      const seconds = (lastOrderAt - t0) / 1000;
      const sorted = Float64Array.from(latencies).sort();
      console.log(
        `  ${confirmed} orders confirmed (${soldOut} refused: sold out, ${errors} errors) in ${seconds.toFixed(2)} s: ${(confirmed / seconds).toFixed(0)} orders/s; ` +
          `order latency p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms`,
      );
      for (const [problem, n] of problems) console.log(`  ${n} × ${problem}`);
    }
  } finally {
    console.log(`\nload average at the end: ${load()} (the machine is shared: compare ratios, not absolute figures)`);
    await stack.stop();
  }
}

if (process.argv[2] === '--viewers-child') void viewersChild();
else
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
