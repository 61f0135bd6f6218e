/**
 * SqliteStore across processes: a flash sale killed with SIGKILL mid-run loses no confirmed
 * order and leaves consistent counters; two processes selling from one file never oversell.
 * The children are real Node processes (fixtures/flash-sale-child.ts, run through tsx).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/sqlite-store.js';
import { CHILD_SALE, CHILD_SCRIPT, CHILD_SHOW, CHILD_STOCK, CHILD_UNITS } from './fixtures/flash-sale.js';
import { TempDir } from './fixtures/harness.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = new TempDir();
const children: ChildProcessWithoutNullStreams[] = [];

afterEach(() => {
  // A failed test must not leave a child running.
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
afterAll(() => dir.remove());

/** A child process and the complete lines it printed so far. */
interface Child {
  process: ChildProcessWithoutNullStreams;
  lines: string[];
  /** Resolves when some printed line satisfies `test`; rejects after `ms` or if the child exits first. */
  waitFor(test: (lines: readonly string[]) => boolean, ms: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(mode: 'crash' | 'race', path: string, tag: string): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT, mode, path, tag], { cwd: root });
  children.push(child);
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let buffered = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    // Only complete lines count: a line is printed only after its operation committed.
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      for (const wake of waiters) wake();
      resolve({ code, signal });
    }),
  );
  const waitFor = (test: (lines: readonly string[]) => boolean, ms: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`child ${tag}: timed out after ${ms} ms; printed ${lines.length} lines; stderr: ${stderr}`)), ms);
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        waiters.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const check = (): void => {
        if (test(lines)) finish();
        else if (child.exitCode !== null || child.signalCode !== null) finish(new Error(`child ${tag} exited (${child.exitCode ?? child.signalCode}); stderr: ${stderr}`));
      };
      waiters.add(check);
      check();
    });
  return { process: child, lines, waitFor, exited };
}

/** A database file with the children's sale (100 units, one per buyer) and the variant's stock. */
async function setUp(name: string): Promise<string> {
  const path = dir.file(name);
  const store = new SqliteStore({ path });
  const now = Date.now();
  await store.setStock(CHILD_SHOW, 'vacuum', 'white', CHILD_STOCK);
  await store.putSale(CHILD_SHOW, {
    id: CHILD_SALE,
    productId: 'vacuum',
    variantId: 'white',
    units: CHILD_UNITS,
    limitPerBuyer: 1,
    startsAt: now - 1000,
    endsAt: now + 600_000,
  });
  store.close();
  return path;
}

const printed = (lines: readonly string[], word: string): string[] => lines.filter((l) => l.startsWith(`${word} `)).map((l) => l.slice(word.length + 1));

describe('SqliteStore across processes', () => {
  it('keeps every confirmed order of a flash sale killed with SIGKILL, with consistent counters', async () => {
    const path = await setUp('crash');
    const child = start('crash', path, 'k');
    // tsx needs a moment to start; then orders come every few ms. Kill once 20 are confirmed.
    await child.waitFor((lines) => printed(lines, 'order').length >= 20 || lines.includes('done'), 15_000);
    child.process.kill('SIGKILL');
    const { signal } = await child.exited;
    expect(signal).toBe('SIGKILL');
    const confirmed = printed(child.lines, 'order');
    expect(confirmed.length).toBeGreaterThanOrEqual(20);

    const store = new SqliteStore({ path });
    try {
      for (const id of confirmed) {
        await expect(store.getOrder(CHILD_SHOW, id), id).resolves.toMatchObject({ order: { id, status: 'confirmed' } });
      }
      const sale = (await store.getSale(CHILD_SHOW, CHILD_SALE))!;
      expect(sale.sold).toBeGreaterThanOrEqual(confirmed.length);
      expect(sale.sold).toBeLessThanOrEqual(CHILD_UNITS);
      expect(sale.sold + sale.held + sale.unitsLeft).toBe(CHILD_UNITS);
      expect(Math.min(sale.sold, sale.held, sale.unitsLeft)).toBeGreaterThanOrEqual(0);
      const stock = (await store.getStock(CHILD_SHOW, 'vacuum', 'white'))!;
      expect(stock.stock).toBe(CHILD_STOCK - sale.sold);
      // The counters agree with the rows: every sold unit is a converted reservation with an order.
      const raw = new Database(path, { readonly: true });
      try {
        const count = (sql: string): number => (raw.prepare(sql).get(CHILD_SHOW) as { n: number }).n;
        expect(count("SELECT COUNT(*) AS n FROM reservations WHERE show_id = ? AND status = 'converted'")).toBe(sale.sold);
        expect(count("SELECT COUNT(*) AS n FROM reservations WHERE show_id = ? AND status = 'held'")).toBe(sale.held);
        expect(count("SELECT COUNT(*) AS n FROM orders WHERE show_id = ? AND kind = 'purchase'")).toBe(sale.sold);
      } finally {
        raw.close();
      }
    } finally {
      store.close();
    }
  }, 25_000);

  it('never oversells when two processes reserve from the same sale at once', async () => {
    const path = await setUp('race');
    const a = start('race', path, 'a');
    const b = start('race', path, 'b');
    await Promise.all([a.waitFor((l) => l.includes('ready'), 15_000), b.waitFor((l) => l.includes('ready'), 15_000)]);
    a.process.stdin.write('go\n');
    b.process.stdin.write('go\n');
    await Promise.all([a.waitFor((l) => l.includes('done'), 10_000), b.waitFor((l) => l.includes('done'), 10_000)]);
    expect((await a.exited).code).toBe(0);
    expect((await b.exited).code).toBe(0);

    // 300 attempts for 100 units: exactly 100 granted, across both processes, none twice.
    const held = [...printed(a.lines, 'held'), ...printed(b.lines, 'held')];
    expect(held).toHaveLength(CHILD_UNITS);
    expect(new Set(held).size).toBe(CHILD_UNITS);
    const store = new SqliteStore({ path });
    try {
      await expect(store.getSale(CHILD_SHOW, CHILD_SALE)).resolves.toMatchObject({ units: CHILD_UNITS, unitsLeft: 0, held: CHILD_UNITS, sold: 0 });
      for (const id of held) await expect(store.getReservation(CHILD_SHOW, id)).resolves.toMatchObject({ reservation: { status: 'held' } });
    } finally {
      store.close();
    }
  }, 25_000);
});
