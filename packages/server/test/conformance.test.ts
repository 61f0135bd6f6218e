import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance, type ConformanceReport } from '../src/conformance/index.js';
import { main } from '../src/conformance-cli.js';
import { createNightmarketServer, type NightmarketServer } from '../src/server.js';

const ADMIN = 'conformance-admin-token';

let server: NightmarketServer;
let baseUrl: string;

beforeAll(async () => {
  server = await createNightmarketServer({
    adminToken: ADMIN,
    port: 0,
    host: '127.0.0.1',
    onError: () => undefined,
    simulatedStreams: false,
    // A short history lets stream.reset-too-old overflow it quickly; a short heartbeat keeps
    // stream.heartbeat fast.
    engine: { historyLimit: 50, heartbeatMs: 500 },
  });
  baseUrl = `${server.url}api/`;
});

afterAll(async () => {
  await server.close();
});

/** Failures, one per line, for assertion messages. */
function failures(report: ConformanceReport): string {
  return report.results
    .filter((r) => r.status !== 'pass')
    .map((r) => `${r.status} ${r.id}: ${r.detail}`)
    .join('\n');
}

/** A fetch that passes every exchange through `change` (requests to 127.0.0.1 only). */
function wrapFetch(change: (response: Response, url: URL, init: RequestInit | undefined) => Response | Promise<Response>): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    expect(url.hostname).toBe('127.0.0.1');
    return change(await fetch(input, init), url, init);
  };
}

async function adminShows(): Promise<string[]> {
  const res = await fetch(`${baseUrl}shows`, { headers: { Authorization: `Bearer ${ADMIN}` } });
  const body = (await res.json()) as { shows: { id: string }[] };
  return body.shows.map((s) => s.id);
}

describe('runConformance against the reference server', () => {
  it('passes every check, within the time budget, and deletes its shows', async () => {
    const seen: string[] = [];
    const started = Date.now();
    const report = await runConformance({ baseUrl, adminToken: ADMIN, onResult: (r) => seen.push(r.id) });
    const elapsed = Date.now() - started;
    expect(report.failed, `failed checks:\n${failures(report)}`).toBe(0);
    expect(report.skipped, `skipped checks:\n${failures(report)}`).toBe(0);
    expect(report.passed).toBe(report.results.length);
    expect(report.results.length).toBeGreaterThanOrEqual(30);
    expect(seen).toEqual(report.results.map((r) => r.id));
    for (const r of report.results) {
      expect(r.section).toMatch(/^§\d/);
      expect(r.ms).toBeGreaterThanOrEqual(0);
    }
    expect(elapsed).toBeLessThan(30_000);
    expect(await adminShows()).toEqual([]);
  }, 60_000);

  it('fails protocol.header, with the request and the header named, when responses lack Nightmarket-Protocol', async () => {
    const stripped = wrapFetch((response) => {
      const headers = new Headers(response.headers);
      headers.delete('Nightmarket-Protocol');
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    });
    const report = await runConformance({ baseUrl, adminToken: ADMIN, fetch: stripped, only: ['protocol.header', 'snapshot.schema'] });
    const header = report.results.find((r) => r.id === 'protocol.header');
    expect(header?.status).toBe('fail');
    expect(header?.detail).toMatch(/^GET shows\/conformance-[\w-]+ \(200\): expected header Nightmarket-Protocol: 1, got no such header$/);
    expect(report.results.find((r) => r.id === 'snapshot.schema')?.status).toBe('pass');
    expect(report).toMatchObject({ passed: 1, failed: 1, skipped: 0 });
  }, 20_000);

  it('fails request.too-large with expected vs got when a 413 turns into 200', async () => {
    const accepting = wrapFetch((response) =>
      response.status === 413 ? new Response('{}', { status: 200, headers: { 'Content-Type': 'application/json', 'Nightmarket-Protocol': '1' } }) : response,
    );
    const report = await runConformance({ baseUrl, adminToken: ADMIN, fetch: accepting, only: ['request.too-large'] });
    expect(report.failed).toBe(1);
    expect(report.results[0]?.detail).toMatch(/^POST shows\/conformance-[\w-]+\/chat \(\d+-byte body\): expected 413 payload-too-large, got 200 \{\}$/);
  }, 20_000);

  it('fails flash.concurrency when a backend oversells', async () => {
    // Every sold-out answer becomes a "held" reservation: the backend looks like it oversold.
    const overselling = wrapFetch(async (response, url) => {
      if (response.status !== 409 || !url.pathname.endsWith('/reservations')) return response;
      const held = { id: `r-${Math.random()}`, saleId: 's', productId: 'p', variantId: 'v', quantity: 1, unitPrice: { amount: 1, currency: 'CNY' }, expiresAt: Date.now() + 60_000, status: 'held' };
      return new Response(JSON.stringify(held), { status: 201, headers: { 'Content-Type': 'application/json', 'Nightmarket-Protocol': '1' } });
    });
    const report = await runConformance({ baseUrl, adminToken: ADMIN, fetch: overselling, only: ['flash.concurrency'] });
    expect(report.failed).toBe(1);
    expect(report.results[0]?.detail).toBe('expected exactly 10 × 201 held and 40 × 409 sold-out, got 50 held, 0 sold-out');
  }, 20_000);

  it('fails cart.lines when a backend keeps the cart after checking it out', async () => {
    // After a cart checkout, GET cart still answers with the line that was bought.
    let lastCart: unknown;
    let checkedOut = false;
    const forgetful = wrapFetch(async (response, url, init) => {
      const method = init?.method ?? 'GET';
      if (url.pathname.endsWith('/cart/lines') && response.ok) lastCart = await response.clone().json();
      if (url.pathname.endsWith('/checkout') && response.status === 201) checkedOut = true;
      if (checkedOut && method === 'GET' && url.pathname.endsWith('/cart')) {
        return new Response(JSON.stringify(lastCart), { status: 200, headers: response.headers });
      }
      return response;
    });
    const report = await runConformance({ baseUrl, adminToken: ADMIN, fetch: forgetful, only: ['cart.lines'] });
    expect(report.failed, failures(report)).toBe(1);
    expect(report.results[0]?.detail).toMatch(/^checkout of the cart empties it, got \[\{"id":/);
  }, 20_000);

  it('skips the checks that need a fresh show, with the reason, when there is no admin show API', async () => {
    const noAdminApi = wrapFetch((response, _url, init) =>
      init?.method === 'PUT' ? new Response(null, { status: 405, headers: { 'Nightmarket-Protocol': '1' } }) : response,
    );
    const report = await runConformance({ baseUrl, adminToken: ADMIN, fetch: noAdminApi, only: ['errors.unknown-show', 'snapshot.schema', 'flash.limit'] });
    expect(report).toMatchObject({ passed: 1, failed: 0, skipped: 2 });
    expect(report.results.find((r) => r.id === 'errors.unknown-show')?.status).toBe('pass');
    const skipped = report.results.find((r) => r.id === 'flash.limit');
    expect(skipped?.detail).toMatch(/PUT shows\/conformance-[\w-]+ \(the reference server's admin API for creating shows\) answered 405/);
  });

  it('bounds every check in time and says what it was waiting for', async () => {
    const hanging: typeof fetch = (input, init) =>
      new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error), { once: true }));
    const started = Date.now();
    const report = await runConformance({ baseUrl, adminToken: ADMIN, fetch: hanging, timeoutMs: 300, only: ['errors.unknown-show'] });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(report.failed).toBe(1);
    expect(report.results[0]?.detail).toMatch(/^timed out after \d+ ms while: GET shows\/conformance-missing-\w+$/);
  });

  it('rejects invalid options', async () => {
    await expect(runConformance({ baseUrl: 'ftp://x/', adminToken: ADMIN })).rejects.toThrow(/baseUrl/);
    await expect(runConformance({ baseUrl, adminToken: '' })).rejects.toThrow(/adminToken/);
    await expect(runConformance({ baseUrl, adminToken: ADMIN, only: ['no.such-check'] })).rejects.toThrow(/no\.such-check/);
  });
});

describe('nightmarket-conformance (main)', () => {
  const run = async (argv: string[], env: Record<string, string> = {}, fetchFn?: typeof fetch) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, env, { stdout: (l) => out.push(l), stderr: (l) => err.push(l), fetch: fetchFn });
    return { code, out, err };
  };

  it('--help prints the usage and the check ids', async () => {
    const { code, out, err } = await run(['--help']);
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out[0]).toMatch(/^Usage: nightmarket-conformance --base-url <url> --admin-token <token>/);
    expect(out.join('\n')).toContain('stream.reset-too-old');
  });

  it('exits 2 with one line naming the flag for bad usage', async () => {
    let r = await run(['--admin-token', ADMIN]);
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/^nightmarket-conformance: --base-url is required/);
    r = await run(['--base-url', baseUrl]);
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/--admin-token is required/);
    r = await run(['--base-url', baseUrl, '--admin-token', ADMIN, '--bogus']);
    expect(r.code).toBe(2);
    expect(r.err[0]).toBe('nightmarket-conformance: unknown flag --bogus');
    r = await run(['--base-url', baseUrl, '--admin-token', ADMIN, '--only', 'stream.resume,nope']);
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/--only: unknown check id "nope"/);
    r = await run(['--base-url', 'not a url', '--admin-token', ADMIN]);
    expect(r.code).toBe(2);
    expect(r.err[0]).toMatch(/--base-url must be an absolute http\(s\) URL/);
  });

  it('runs the suite against the server: exit 0 and the summary line (settings from the environment)', async () => {
    const { code, out } = await run([], { NIGHTMARKET_BASE_URL: baseUrl, NIGHTMARKET_ADMIN_TOKEN: ADMIN });
    expect(code, out.join('\n')).toBe(0);
    const checks = out.filter((l) => /^[✔✘–] /.test(l));
    expect(checks.length).toBeGreaterThanOrEqual(30);
    expect(checks.every((l) => l.startsWith('✔ '))).toBe(true);
    expect(out).toContain(checks.find((l) => l.startsWith('✔ stream.resume — ')));
    expect(out.at(-1)).toMatch(new RegExp(`^${checks.length} passed, 0 failed, 0 skipped \\(\\d+\\.\\d s\\)$`));
  }, 60_000);

  it('exits 1 and prints the failure detail indented when a check fails; --json prints the report', async () => {
    const stripped = wrapFetch((response) => {
      const headers = new Headers(response.headers);
      headers.delete('Nightmarket-Protocol');
      return new Response(response.body, { status: response.status, headers });
    });
    const failing = await run(['--base-url', baseUrl, '--admin-token', ADMIN, '--only', 'protocol.header'], {}, stripped);
    expect(failing.code).toBe(1);
    const at = failing.out.findIndex((l) => l.startsWith('✘ protocol.header — '));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(failing.out[at + 1]).toMatch(/^ {4}GET shows\/.+expected header Nightmarket-Protocol: 1/);
    expect(failing.out.at(-1)).toMatch(/^0 passed, 1 failed, 0 skipped/);

    const json = await run(['--base-url', baseUrl, '--admin-token', ADMIN, '--only', 'snapshot.schema,admin.no-token', '--json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.out.join('\n')) as ConformanceReport;
    expect(report).toMatchObject({ passed: 2, failed: 0, skipped: 0 });
    expect(report.results.map((r) => r.id)).toEqual(['snapshot.schema', 'admin.no-token']);
  }, 30_000);
});
