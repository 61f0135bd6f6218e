import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '@nightmarket/engine';
import { createClient } from '@nightmarket/client';
import { loadShowsFile, parseShowsFile, ShowsFileError, SqliteStore, type NightmarketServer } from '@nightmarket/server';
import { main, type CliDeps } from '../src/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'nightmarket-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXAMPLE = fileURLToPath(new URL('../shows.example.json', import.meta.url));
const TOKEN = 'cli-admin-token';

/** Writes a file in the test's temporary folder and returns its path. */
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

interface Run {
  code: number;
  stdout: string[];
  stderr: string[];
}

/** Runs the command in-process; it must exit by itself (no server left running). */
async function run(argv: string[], env: Record<string, string> = {}, deps: CliDeps = {}): Promise<Run> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, env, {
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    onStopSignal: () => {
      throw new Error('the command should have exited before starting a server');
    },
  }, deps);
  return { code, stdout, stderr };
}

const show = {
  id: 'spring',
  title: 'Spring launch',
  status: 'live',
  startsAt: 1_800_000_000_000,
  host: { name: 'Lin' },
  stream: { hls: 'https://video.example/live.m3u8' },
  locale: 'zh-CN',
  currency: 'CNY',
};
const tea = {
  id: 'tea',
  title: 'Celadon tea set',
  images: [],
  price: { amount: 18_800, currency: 'CNY' },
  variants: [{ id: 'default', title: 'Celadon tea set', available: true, stock: null }],
};

describe('nightmarket-server: flags', () => {
  it('prints help and the version', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout[0]).toBe('Usage: nightmarket-server [options]');
    const text = help.stdout.join('\n');
    for (const flag of ['--port', '--host', '--data', '--database', '--nchan', '--cluster-self', '--snapshot-max-age', '--shows', '--admin-token', '--cors', 'NIGHTMARKET_ADMIN_TOKEN', 'PUT    /api/shows/{id}']) {
      expect(text).toContain(flag);
    }
    expect(help.stderr).toEqual([]);
    expect((await run(['-h'])).code).toBe(0);

    const version = await run(['--version']);
    expect([version.code, version.stdout]).toEqual([0, ['nightmarket-server 0.1.0']]);
  });

  it.each([
    [['--prot', '80'], 'unknown flag --prot'],
    [['--port'], '--port needs a value (--port <value> or --port=<value>)'],
    [['--port', 'eighty'], '--port must be a port number from 0 to 65535, got "eighty"'],
    [['--port', '70000'], '--port must be a port number from 0 to 65535, got "70000"'],
    [['--help=yes'], '--help takes no value'],
    [['serve'], 'unexpected argument serve: every option is a --flag'],
    [['--cors', '*'], '--cors must list origins explicitly; "*" is not allowed (the API accepts credentials)'],
    [['--cors', 'https://shop.example,shop.example'], '--cors must be comma-separated origins such as https://shop.example (no path), got "shop.example"'],
    [['--host', ''], '--host must be an address such as 127.0.0.1 or 0.0.0.0, got an empty value'],
    [
      ['--database', 'mysql://u:secret@db/x'],
      '--database must be a postgres:// URL such as postgres://user:password@127.0.0.1:5432/nightmarket, got "mysql://u:***@db/x"',
    ],
    [['--data', 'a.db', '--database', 'postgres://db/x'], '--data and --database both name a store: give one (SQLite file or PostgreSQL URL)'],
    [['--nchan', 'http://127.0.0.1:8090/pub'], '--nchan must be the http URL of nchan\'s publisher location, ending in "/", such as http://127.0.0.1:8090/nchan/pub/, got "http://127.0.0.1:8090/pub"'],
    [['--nchan-subscribe', 'sub'], '--nchan-subscribe must be a path such as /nchan/sub/ (ending in "/"), got "sub"'],
    [['--cluster-self', 'http://127.0.0.1:8081'], '--cluster-self needs --database: instances share their shows through PostgreSQL'],
    [['--cluster-self', '127.0.0.1:8081'], '--cluster-self must be this instance\'s origin, such as http://127.0.0.1:8081, got "127.0.0.1:8081"'],
    [['--snapshot-max-age', '61'], '--snapshot-max-age must be a number of seconds from 0 to 60, got "61"'],
  ])('rejects %j with one clear line and exit code 2', async (argv, message) => {
    const result = await run(argv, { NIGHTMARKET_ADMIN_TOKEN: TOKEN });
    expect(result.code).toBe(2);
    expect(result.stderr).toEqual([`nightmarket-server: ${message}`, 'Run "nightmarket-server --help" for the options.']);
    expect(result.stdout).toEqual([]);
  });

  it('names the environment variable when the bad value comes from it', async () => {
    const result = await run([], { NIGHTMARKET_ADMIN_TOKEN: TOKEN, NIGHTMARKET_PORT: '-1' });
    expect(result.code).toBe(2);
    expect(result.stderr[0]).toBe('nightmarket-server: NIGHTMARKET_PORT must be a port number from 0 to 65535, got "-1"');
  });

  it('refuses to start without an admin token', async () => {
    const result = await run(['--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr[0]).toBe(
      'nightmarket-server: an admin token is required: set NIGHTMARKET_ADMIN_TOKEN (or pass --admin-token); it protects the admin API',
    );
    expect((await run(['--admin-token', 'two words'])).stderr[0]).toBe(
      'nightmarket-server: --admin-token must be visible ASCII characters without spaces (it is sent as a bearer token)',
    );
  });

  /** Starts the command in-process with a stop handle; resolves once it listens. */
  async function serve(argv: string[]) {
    const stdout: string[] = [];
    let stop: ((signal: string) => void) | undefined;
    let listening!: (server: NightmarketServer) => void;
    const started = new Promise<NightmarketServer>((resolve) => (listening = resolve));
    const exited = main(argv, { NIGHTMARKET_ADMIN_TOKEN: TOKEN }, {
      stdout: (line) => stdout.push(line),
      stderr: (line) => stdout.push(`stderr: ${line}`),
      onStopSignal: (handler) => ((stop = handler), () => (stop = undefined)),
      onListening: (server) => listening(server),
    });
    const server = await Promise.race([started, exited.then((code) => Promise.reject(new Error(`exited ${code}: ${stdout.join('\n')}`)))]);
    return { server, stdout, stop: () => (stop!('SIGTERM'), exited) };
  }

  it('keeps orders in the --data SQLite file, and resumes the show from it after a restart', async () => {
    const data = join(dir, 'orders.db');
    const shows = file('shows-data.json', JSON.stringify([{ show, products: [{ ...tea, variants: [{ ...tea.variants[0], stock: 10 }] }] }]));
    const argv = ['--port', '0', '--data', data, '--shows', shows];
    const first = await serve(argv);
    const client = createClient({ baseUrl: `${first.server.url}api/`, getToken: () => 'buyer-1' });
    const result = await client.checkout('spring', { source: 'items', lines: [{ productId: 'tea', variantId: 'default', quantity: 3 }] });
    if (result.kind !== 'order') throw new Error(`expected an order, got ${result.kind}`);
    const epoch = (await client.getShow('spring')).epoch;
    expect(await first.stop()).toBe(0);
    expect(first.stdout.some((line) => line.includes('resumed'))).toBe(false);

    // The order and the stock it took are in the file.
    const store = new SqliteStore({ path: data });
    expect(store.showIds()).toEqual(['spring']);
    expect((await store.getStock('spring', 'tea', 'default'))?.stock).toBe(7);
    expect((await store.getOrder('spring', result.order.id))?.order.total.amount).toBe(3 * 18_800);
    store.close();

    // Started again with the same file and shows: the show resumes (stock 7, not re-seeded to 10).
    const second = await serve(argv);
    expect(second.stdout[0]).toBe(
      `nightmarket-server: resumed 1 show(s) from ${data}: spring (their saved state wins over --shows; DELETE /api/shows/{id} to start one over)`,
    );
    const again = createClient({ baseUrl: `${second.server.url}api/`, getToken: () => 'buyer-1' });
    const snapshot = await again.getShow('spring');
    expect(snapshot.epoch).not.toBe(epoch);
    expect(snapshot.products[0]!.variants[0]!.stock).toBe(7);
    expect((await again.getOrder('spring', result.order.id)).status).toBe(result.order.status);
    expect(await second.stop()).toBe(0);
  });
});

describe('nightmarket-server: shows files', () => {
  it('reports a JSON syntax error with the file, line and column', async () => {
    const path = file('broken.json', '{\n  "shows": [\n    { "show": oops }\n  ]\n}\n');
    const result = await run(['--shows', path], { NIGHTMARKET_ADMIN_TOKEN: TOKEN });
    expect(result.code).toBe(1);
    expect(result.stderr[0]).toBe(`nightmarket-server: shows file ${path}:3:15: not valid JSON: Unexpected token 'o'`);
    expect(result.stderr.slice(1)).toEqual(['      { "show": oops }', '                ^']);
  });

  it.each([
    ['a trailing comma', '[\n  {"show": {}},\n]', 3, 1],
    ['a missing bracket', '[\n  {"show": {}}\n', 3, 1],
    ['a bad escape', '{"shows": ["\\x"]}', 1, 13],
    ['a second value', '[]\n[]', 2, 1],
    ['an empty file', '', 1, 1],
  ])('finds the line and column of %s', (_, text, line, column) => {
    const error = captureError(() => parseShowsFile(text, 'shows.json'));
    expect([error.line, error.column]).toEqual([line, column]);
    expect(error.message).toMatch(new RegExp(`^shows\\.json:${line}:${column}: not valid JSON`));
  });

  it('reports invalid fields with their JSON path', async () => {
    const badProduct = { ...tea, id: 'vacuum', price: { amount: 2499.5, currency: 'CNY' } };
    const path = file('invalid.json', JSON.stringify({ shows: [{ show, products: [tea] }, { show: { ...show, id: 'autumn' }, products: [badProduct] }] }, null, 2));
    const result = await run(['--shows', path], { NIGHTMARKET_ADMIN_TOKEN: TOKEN });
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual([
      `nightmarket-server: shows file ${path}: a problem:`,
      '  shows[1].products[0].price.amount: must be an integer number of minor units (cents, fen, …), never a decimal',
    ]);
  });

  it('lists every problem: missing fields, duplicates, wrong currency, wrong shape', () => {
    const error = captureError(() =>
      parseShowsFile(
        JSON.stringify([
          { show, products: [tea, tea] },
          { show: { ...show, host: {} }, products: {} },
          { show: { ...show, id: 'usd' }, products: [{ ...tea, price: { amount: 1, currency: 'USD' } }] },
          [],
        ]),
        'mixed.json',
      ),
    );
    expect(error.issues).toEqual([
      { path: 'shows[0].products[1].id', message: 'must be unique in the show: products[0] has the id "tea" too' },
      { path: 'shows[1].show.host.name', message: 'is required' },
      { path: 'shows[1].products', message: 'must be an array of products' },
      { path: 'shows[2].products[0].price.currency', message: "must be the show's currency (CNY)" },
      { path: 'shows[3]', message: 'must be an object { "show": …, "products": […] }' },
    ]);
    expect(error.message.split('\n')[0]).toBe('mixed.json: 5 problems:');
    expect(captureError(() => parseShowsFile('{"show": {}}', 'x.json')).message).toBe(
      'x.json: a problem:\n  shows: must be an array of { "show": …, "products": […] } or an object { "shows": [ … ] }',
    );
  });

  it('reads both shapes, with or without a byte order mark', () => {
    const entry = { show, products: [tea] };
    expect(parseShowsFile(JSON.stringify([entry]))).toEqual([entry]);
    expect(parseShowsFile(`\uFEFF${JSON.stringify({ shows: [entry] })}`)).toEqual([entry]);
    expect(parseShowsFile('[{"show": ' + JSON.stringify(show) + '}]')).toEqual([{ show, products: [] }]);
  });

  it('says when the file does not exist', async () => {
    const missing = join(dir, 'missing.json');
    await expect(loadShowsFile(missing)).rejects.toThrow(`${missing}: no such file`);
  });

  it('ships a valid example file', async () => {
    const shows = await loadShowsFile(EXAMPLE);
    expect(shows.map((s) => s.show.currency)).toEqual(['CNY']);
    const products = shows[0]!.products ?? [];
    expect(products.length).toBeGreaterThanOrEqual(3);
    for (const product of products) {
      expect(product.images.length).toBeGreaterThan(0);
      for (const image of product.images) expect(image.alt).not.toBe('');
      expect(product.delivery).toBeDefined();
      expect(product.badges?.length).toBeGreaterThan(0);
    }
  });
});

describe('nightmarket-server: running', () => {
  it('starts from flags and environment, serves the shows file, and stops gracefully on a signal', async () => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    let stop: ((signal: string) => void) | undefined;
    let listening!: (server: NightmarketServer) => void;
    const started = new Promise<NightmarketServer>((resolve) => (listening = resolve));
    let storeClosed = false;
    const createStore = (path: string) => {
      expect(path).toBe(join(dir, 'nm.db'));
      return Object.assign(new MemoryStore(), { close: () => void (storeClosed = true) });
    };
    const exited = main(
      ['--port', '0', '--shows', EXAMPLE, '--data', join(dir, 'nm.db'), '--cors', 'https://shop.example'],
      { NIGHTMARKET_ADMIN_TOKEN: TOKEN, NIGHTMARKET_HOST: '127.0.0.1' },
      {
        stdout: (line) => stdout.push(line),
        stderr: (line) => stderr.push(line),
        onStopSignal: (handler) => {
          stop = handler;
          return () => (stop = undefined);
        },
        onListening: listening,
      },
      { createStore },
    );
    const server = await started;
    expect(stdout[0]).toBe(
      `nightmarket-server: listening on ${server.url} (protocol base URL ${server.url}api/; 1 show(s); data in ${join(dir, 'nm.db')})`,
    );

    const list = await fetch(`${server.url}api/shows`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(await list.json()).toMatchObject({ shows: [{ id: 'double11-home-tech', status: 'scheduled' }] });
    const cors = await fetch(`${server.url}api/shows/double11-home-tech`, { headers: { Origin: 'https://shop.example' } });
    expect(cors.headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example');

    const stream = await fetch(`${server.url}api/shows/double11-home-tech/events`);
    const reader = stream.body!.getReader();
    await reader.read(); // retry:
    const ended = (async () => {
      for (;;) if ((await reader.read()).done) return true;
    })();

    await Promise.resolve();
    expect(stop).toBeTypeOf('function');
    stop!('SIGTERM');
    expect(await exited).toBe(0);
    expect(await ended).toBe(true);
    expect(storeClosed).toBe(true);
    expect(stop).toBeUndefined();
    expect(stdout.slice(1)).toEqual([
      'nightmarket-server: SIGTERM: closing event streams and finishing requests…',
      'nightmarket-server: stopped',
    ]);
    expect(stderr).toEqual([]);
    await expect(fetch(`${server.url}healthz`)).rejects.toThrow();
  });

  it('exits 1 with the reason when the port is taken', async () => {
    let first!: NightmarketServer;
    let stopFirst!: (signal: string) => void;
    const ready = new Promise<void>((resolve) => {
      void main(['--port', '0', '--admin-token', TOKEN], {}, {
        stdout: () => undefined,
        stderr: () => undefined,
        onStopSignal: (handler) => ((stopFirst = handler), () => undefined),
        onListening: (server) => {
          first = server;
          resolve();
        },
      });
    });
    await ready;
    try {
      const second = await run(['--port', String(first.port), '--admin-token', TOKEN]);
      expect(second.code).toBe(1);
      expect(second.stderr[0]).toMatch(/^nightmarket-server: cannot start: .*EADDRINUSE/);
    } finally {
      stopFirst('SIGTERM');
      await first.close();
    }
  });
});

function captureError(fn: () => unknown): ShowsFileError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ShowsFileError);
    return error as ShowsFileError;
  }
  throw new Error('expected a ShowsFileError');
}
