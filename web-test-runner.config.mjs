/**
 * Browser tests (`*.browser.test.ts`) in real Chromium with @web/test-runner.
 *
 * - Chromium comes from scripts/chromium.mjs (CHROME_PATH, else /usr/bin/chromium; a wrong
 *   CHROME_PATH is an error rather than silently ignored by the launcher).
 * - Tests run the TypeScript sources: `@nightmarket/<pkg>` resolves to packages/<pkg>/src/index.ts
 *   and esbuild strips types on the fly (the package-shape test covers the built dist/).
 * - msw's service worker is served at /mockServiceWorker.js straight from node_modules, so the
 *   worker always matches the installed msw and no copy is committed.
 * - Only 127.0.0.1/localhost are reachable: every other host name fails to resolve at once,
 *   so a test never waits on DNS or talks to the outside world.
 */
import { createReadStream, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium.mjs';
import { rel, workspacePackages } from './scripts/lib/workspace.mjs';

const require = createRequire(import.meta.url);
// node_modules/msw/lib/mockServiceWorker.js, through msw's exports map.
const mswWorker = require.resolve('msw/mockServiceWorker.js');

/** `@nightmarket/<pkg>[/<entry>]` → the entry's TypeScript source (served from the repository root). */
const sources = new Map(
  workspacePackages().flatMap((p) =>
    p.entries.map((e) => [`${p.manifest.name}${e.subpath === '.' ? '' : e.subpath.slice(1)}`, `/${rel(e.source)}`]),
  ),
);
const workspaceSources = {
  name: 'nightmarket-workspace-sources',
  resolveImport({ source }) {
    return sources.get(source);
  },
};

/**
 * Writes `{ passed, failed, skipped }` to $WTR_SUMMARY_FILE when set (scripts/test.mjs reads it
 * for its summary line). A failed test file with no failed test (it did not load, or threw
 * outside any test) counts as one failure.
 * @returns {import('@web/test-runner').Reporter}
 */
function countsReporter() {
  return {
    onTestRunFinished({ sessions }) {
      const file = process.env.WTR_SUMMARY_FILE;
      if (!file) return;
      const counts = { passed: 0, failed: 0, skipped: 0 };
      const walk = (suite) => {
        for (const t of suite.tests) counts[t.skipped ? 'skipped' : t.passed ? 'passed' : 'failed']++;
        suite.suites.forEach(walk);
      };
      for (const session of sessions) {
        const failedBefore = counts.failed;
        if (session.testResults) walk(session.testResults);
        // A failed file with no failed test: it did not load, or threw outside any test.
        if (!session.passed && counts.failed === failedBefore) counts.failed++;
      }
      writeFileSync(file, JSON.stringify(counts));
    },
  };
}

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  rootDir: '.',
  files: ['packages/*/test/**/*.browser.test.ts', 'test/**/*.browser.test.ts'],
  nodeResolve: {
    // Without `browser`, msw's interceptors resolve to their Node build and fail to import.
    exportConditions: ['browser', 'development'],
  },
  plugins: [workspaceSources, esbuildPlugin({ ts: true, target: 'es2022' })],
  middleware: [
    function mockServiceWorker(ctx, next) {
      if (ctx.path !== '/mockServiceWorker.js') return next();
      ctx.type = 'application/javascript';
      ctx.set('Service-Worker-Allowed', '/');
      ctx.set('Cache-Control', 'no-store');
      ctx.body = createReadStream(mswWorker);
      return undefined;
    },
    /**
     * `/streams/<id>/…`: the server's simulated live HLS stream (packages/server/src/hls.ts, loaded
     * through tsx on first use) for packages/server/test/hls.browser.test.ts. Each id is a stream
     * that started 30 s before its first request, so its live window is full and spans a loop.
     */
    async function simulatedLiveStreams(ctx, next) {
      if (!ctx.path.startsWith('/streams/')) return next();
      // The test runner marks every path with an extension as cacheable for a year once the
      // response is on its way back; a live playlist (and an injected fault) must be fetched
      // afresh, so the stream's own Cache-Control stands.
      const set = ctx.response.set.bind(ctx.response);
      ctx.response.set = (field, value) => (typeof field === 'string' && field.toLowerCase() === 'cache-control' ? undefined : set(field, value));
      set('Cache-Control', 'no-store');
      const { tsImport } = await import('tsx/esm/api');
      const { SimulatedLiveStream, createHlsHandler } = await tsImport('./packages/server/src/hls.ts', import.meta.url);
      const streams = (globalThis.__nmLiveStreams ??= new Map());
      const handler = createHlsHandler(
        (id) => {
          if (!streams.has(id)) streams.set(id, new SimulatedLiveStream({ startedAt: Date.now() - 30_000 }));
          return streams.get(id);
        },
        { basePath: '/streams/' },
      );
      // Fault injection for the player's tests: a stream id `fault-<404|500|stall>-<n>-<token>`
      // answers its segment requests 4 … 3+n with that fault (a stall holds the response 20 s).
      const fault = /^\/streams\/fault-(404|500|stall)-(\d+)-[\w-]+\/seg-\d+\.ts$/.exec(ctx.path);
      if (fault) {
        const counts = (globalThis.__nmFaultCounts ??= new Map());
        const id = ctx.path.split('/')[2];
        const n = (counts.get(id) ?? 0) + 1;
        counts.set(id, n);
        if (n > 3 && n <= 3 + Number(fault[2])) {
          if (fault[1] === 'stall') await new Promise((resolve) => setTimeout(resolve, 20_000));
          else {
            ctx.status = Number(fault[1]);
            ctx.body = 'injected fault';
            return undefined;
          }
        }
      }
      const response = await handler(new Request(new URL(ctx.url, 'http://127.0.0.1'), { method: ctx.method }));
      if (!response) return next();
      ctx.status = response.status;
      response.headers.forEach((value, name) => ctx.set(name, value));

      ctx.body = response.body ? Buffer.from(await response.arrayBuffer()) : null;
      return undefined;
    },
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: findChromium(),
        headless: true,
        args: [...CHROMIUM_ARGS],
      },
    }),
  ],
  // One page at a time: the msw service worker is shared by every page of the origin.
  concurrency: 1,
  testFramework: { config: { timeout: 10_000 } },
  testsFinishTimeout: 300_000,
  reporters: [defaultReporter(), countsReporter()],
};
