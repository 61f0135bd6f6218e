/**
 * The real command, killed with SIGKILL in the middle of a flash sale and started again on the
 * same `--data` file and `--shows` file: every order confirmed before the kill is still there,
 * units sold never exceed the units offered, the show resumes (not re-seeded) in a new epoch, a
 * client that was following it recovers through a snapshot, and the sale sells out exactly.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, afterEach, expect, it } from 'vitest';
import { createClient, type Order, type Room, type ShowState } from '@nightmarket/client';
import { TempDir } from './fixtures/harness.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const ADMIN = 'resume-admin-token';
const SHOW = 'flash';
const UNITS = 100;

const dir = new TempDir();
const children: ChildProcessWithoutNullStreams[] = [];
const rooms: Room[] = [];
afterEach(() => {
  for (const room of rooms.splice(0)) room.close();
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
afterAll(() => dir.remove());

/** A port that is free now (the server is started on it twice, so clients keep their base URL). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts `nightmarket-server` as a child process; resolves with its output once it listens. */
async function startServer(port: number, data: string, shows: string): Promise<{ child: ChildProcessWithoutNullStreams; stdout: string[] }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, '--port', String(port), '--data', data, '--shows', shows, '--admin-token', ADMIN],
    { cwd: root },
  );
  children.push(child);
  const stdout: string[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 20 s; stderr: ${stderr}`)), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout.push(...chunk.toString().split('\n').filter(Boolean));
      if (stdout.some((line) => line.includes('listening on'))) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}); stderr: ${stderr}`));
    });
  });
  return { child, stdout };
}

function until(room: Room, predicate: (s: ShowState) => boolean, what: string, ms = 20_000): Promise<ShowState> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      if (room.state && predicate(room.state)) {
        clearTimeout(timer);
        off();
        resolve(room.state);
        return true;
      }
      return false;
    };
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}: seq ${room.state?.seq}, epoch ${room.state?.epoch}, status ${room.status}`));
    }, ms);
    const off = room.subscribe(() => void check());
    check();
  });
}

/** One buyer: reserve one unit, then check it out. Resolves with the order, or undefined if refused or cut off. */
async function buy(base: string, buyer: string, saleId: string): Promise<Order | undefined> {
  // No retries: a request cut off by the kill counts as not confirmed.
  const client = createClient({ baseUrl: base, getToken: () => buyer, retries: 0 });
  try {
    const reservation = await client.reserve(SHOW, { saleId, quantity: 1 });
    const result = await client.checkout(SHOW, { source: 'reservation', reservationId: reservation.id });
    return result.kind === 'order' ? result.order : undefined;
  } catch {
    return undefined;
  }
}

it('kill -9 during a flash sale, then restart: confirmed orders kept, never oversold, the sale resumes and sells out exactly', async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/api/`;
  const data = dir.file('resume.db');
  const shows = dir.file('shows.json');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(
    shows,
    JSON.stringify([
      {
        show: {
          id: SHOW,
          title: 'Robot vacuum flash sale',
          status: 'live',
          startsAt: Date.now(),
          host: { name: 'Lin' },
          stream: { hls: 'https://video.example/live.m3u8' },
          locale: 'en',
          currency: 'USD',
        },
        products: [
          {
            id: 'vacuum',
            title: 'Robot vacuum X2',
            images: [],
            price: { amount: 29_900, currency: 'USD' },
            variants: [{ id: 'white', title: 'White', available: true, stock: 1000 }],
          },
        ],
      },
    ]),
  );

  // --- First run: a sale of 100 units, 400 buyers racing, killed once some orders are confirmed.
  const first = await startServer(port, data, shows);
  const admin = (body: unknown) =>
    fetch(`${base}shows/${SHOW}/commands`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (r) => {
      if (!r.ok) throw new Error(`command failed: ${r.status} ${await r.text()}`);
      return (await r.json()) as { id?: string };
    });
  const now = Date.now();
  const { id: saleId } = await admin({
    type: 'sale.schedule',
    sale: {
      productId: 'vacuum',
      variantId: 'white',
      price: { amount: 19_900, currency: 'USD' },
      units: UNITS,
      limitPerBuyer: 1,
      startsAt: now,
      endsAt: now + 10 * 60_000,
      reservationTtlMs: 2000,
    },
  });
  const viewer = createClient({ baseUrl: base, getToken: () => 'watcher' });
  const room = viewer.join(SHOW);
  rooms.push(room);
  const before = await until(room, (s) => s.sales.some((sale) => sale.status === 'live'), 'the sale to go live');

  const confirmed: { buyer: string; order: Order }[] = [];
  const killed = new Promise<void>((resolve) => first.child.once('exit', () => resolve()));
  const racing = Array.from({ length: 400 }, (_, i) =>
    buy(base, `early-${i}`, saleId!).then((order) => {
      // An order counts as confirmed only if its response arrived before the kill.
      if (order && first.child.signalCode === null) confirmed.push({ buyer: `early-${i}`, order });
      if (confirmed.length >= 25 && first.child.signalCode === null) first.child.kill('SIGKILL');
    }),
  );
  await Promise.all(racing);
  await killed;
  expect(first.child.signalCode).toBe('SIGKILL');
  expect(confirmed.length).toBeGreaterThanOrEqual(25);

  // What the file holds right after the crash: consistent counters, never more sold than offered.
  const raw = new Database(data, { readonly: true });
  const sale = raw.prepare('SELECT units, units_left, held, sold FROM sales WHERE show_id = ? AND sale_id = ?').get(SHOW, saleId) as {
    units: number;
    units_left: number;
    held: number;
    sold: number;
  };
  const orderRows = (raw.prepare('SELECT COUNT(*) AS n FROM orders WHERE show_id = ?').get(SHOW) as { n: number }).n;
  raw.close();
  expect(sale.units_left + sale.held + sale.sold).toBe(UNITS);
  expect(sale.sold).toBeLessThanOrEqual(UNITS);
  expect(sale.sold).toBeGreaterThanOrEqual(confirmed.length);
  expect(orderRows).toBe(sale.sold);

  // --- Second run on the same files: the show resumes.
  const second = await startServer(port, data, shows);
  expect(second.stdout.join('\n')).toContain(`resumed 1 show(s) from ${data}: ${SHOW}`);
  for (const { buyer, order } of confirmed) {
    const client = createClient({ baseUrl: base, getToken: () => buyer });
    await expect(client.getOrder(SHOW, order.id)).resolves.toEqual(order);
  }
  const snapshot = await viewer.getShow(SHOW);
  expect(snapshot.epoch).not.toBe(before.epoch);
  const resumedSale = snapshot.sales.find((s) => s.id === saleId)!;
  expect(resumedSale.status).toBe('live');
  expect(resumedSale.unitsLeft).toBe(sale.units_left);
  expect(snapshot.products[0]!.variants[0]!.stock).toBe(1000 - sale.sold);

  // The client that was watching recovers into the new epoch by itself.
  await until(room, (s) => s.epoch === snapshot.epoch, 'the watching client to reach the new epoch');

  // Reservations held at the kill expire (2 s) and their units return; late buyers sell out the rest.
  const late: (Order | undefined)[] = [];
  for (let round = 0; round < 10 && late.filter(Boolean).length < UNITS - sale.sold; round++) {
    await new Promise((resolve) => setTimeout(resolve, round === 0 ? 0 : 1000));
    late.push(...(await Promise.all(Array.from({ length: 100 }, (_, i) => buy(base, `late-${round}-${i}`, saleId!)))));
  }
  expect(late.filter(Boolean)).toHaveLength(UNITS - sale.sold);
  const final = await until(room, (s) => s.sales.some((x) => x.id === saleId && x.status === 'ended'), 'the sale to sell out');
  expect(final.sales.find((x) => x.id === saleId)).toMatchObject({ unitsLeft: 0, endReason: 'sold-out' });

  second.child.kill('SIGTERM');
  await new Promise<void>((resolve) => second.child.once('exit', () => resolve()));
  const after = new Database(data, { readonly: true });
  expect(after.prepare('SELECT units_left, held, sold FROM sales WHERE show_id = ? AND sale_id = ?').get(SHOW, saleId)).toEqual({
    units_left: 0,
    held: 0,
    sold: UNITS,
  });
  expect((after.prepare('SELECT COUNT(*) AS n FROM orders WHERE show_id = ?').get(SHOW) as { n: number }).n).toBe(UNITS);
  expect((after.prepare('SELECT stock FROM stock WHERE show_id = ? AND variant_id = ?').get(SHOW, 'white') as { stock: number }).stock).toBe(
    1000 - UNITS,
  );
  after.close();
}, 90_000);
