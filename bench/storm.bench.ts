/**
 * `npm run bench:storm` (also part of `npm run bench`; `--short` runs in `npm test`): an event
 * storm at `<nm-player>`.
 *
 * The real reference server (`createNightmarketServer`, 127.0.0.1, port 0) serves the show, its
 * simulated live stream, a page with the built CDN player (`/cdn/nightmarket.js`, overlay layout,
 * 360×640, the live room loaded), and drives the show's engine in-process at `--rate` events per
 * second (default 10,000): chat from thousands of viewers (each within the chat rate limit), viewer
 * counts, stock changes, real purchases (checkout → stock + purchase events), and reaction taps
 * (which the server aggregates into one `reaction` event per 500 ms, as it does for a real crowd).
 * Events travel the real path: engine → SSE over HTTP → the client's parser and reducer → the
 * player, coalesced to one render per animation frame.
 *
 * After a warm-up (storm on, 3 s), the page is measured for `--seconds` (default 60; `--short`: 10):
 * - long tasks > 50 ms (PerformanceObserver `longtask`; goal 0), and the longest;
 * - dropped frames: animation frames whose gap exceeds 1.5 vsyncs (16.7 ms), counted as the vsyncs
 *   missed, out of those expected;
 * - heap growth: JS heap used after a forced GC at the end minus after a forced GC at the start
 *   (CDP; goal < 10 MB);
 * - DOM nodes: elements and text nodes in the document and every shadow root, sampled each
 *   second (max and last), and CDP's node count (which includes nodes not yet collected);
 * - main-thread delay: a 0 ms timer every 100 ms, how late it ran (p95, max) — what input would wait;
 * - events the server emitted and the client applied, renders (`nm-state-change`) per second.
 *
 * `--players N` (default 1; the full run adds a 20-player phase) puts N players on the page, each
 * on its own show, the rate split between the shows. A benchmark prints figures; it asserts no
 * timing. With `--assert-dom N` it exits 1 when the DOM grew past N nodes per player (a bounded
 * DOM is a correctness property, not a speed). Builds nothing: run `npm run build` first.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type CDPSession, type Page } from 'puppeteer-core';
import type { ShowEngine } from '@nightmarket/engine';
import { createNightmarketServer, type NightmarketServer } from '@nightmarket/server';
import { sampleProducts, sampleShow, ShowDirector } from '@nightmarket/testing';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CDN_DIR = path.join(ROOT, 'packages/player/cdn');
const ADMIN = 'storm-admin-token';
const WARMUP_MS = 3000;
const TICK_MS = 10;

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`--${name} needs a number, got ${String(process.argv[i + 1])}`);
    process.exit(2);
  }
  return value;
}

const SHORT = process.argv.includes('--short');
const SECONDS = flag('seconds', SHORT ? 10 : 60);
const RATE = flag('rate', 10_000);
const PLAYERS = flag('players', 1);
const ASSERT_DOM = flag('assert-dom', 0);
/** `--profile`: also record a CPU profile of the page while measured and print where the time went. */
const PROFILE = process.argv.includes('--profile');
/** The full run measures 20 players on one page too, unless --players was given. */
const PHASES = process.argv.includes('--players') || SHORT ? [PLAYERS] : [1, 20];

// =================================================================================================
// The page
// =================================================================================================

const PAGE_SCRIPT = `
window.__storm = (() => {
  const longTasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: false });
  let measuring = false, expected = 0, dropped = 0, frames = 0, last = 0;
  const frame = (t) => {
    if (measuring && last) {
      const missed = Math.round((t - last) / (1000 / 60)) - 1;
      frames++;
      expected += missed + 1;
      if ((t - last) > 1.5 * 1000 / 60) dropped += missed;
    }
    last = t;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const delays = [];
  const probe = () => { const at = performance.now(); setTimeout(() => { if (measuring) delays.push(performance.now() - at); }, 0); };
  setInterval(probe, 100);
  let renders = 0;
  document.addEventListener('nm-state-change', () => { if (measuring) renders++; }, true);
  const countNodes = (root) => {
    let n = 0;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let node = walker.currentNode; node; node = walker.nextNode()) {
      n++;
      if (node.shadowRoot) n += countNodes(node.shadowRoot);
    }
    return n;
  };
  const domSamples = [];
  setInterval(() => { if (measuring) domSamples.push(countNodes(document)); }, 1000);
  const players = () => [...document.querySelectorAll('nm-player')];
  return {
    start() { measuring = true; longTasks.length = 0; expected = dropped = frames = renders = 0; last = 0; delays.length = 0; domSamples.length = 0; },
    seqs() { return players().map((p) => p.state ? p.state.seq : 0); },
    ready() {
      return players().every((p) => p.state && p.shadowRoot.querySelector('nm-chat') && p.room && p.room.status === 'open');
    },
    stop() {
      measuring = false;
      const sorted = [...delays].sort((a, b) => a - b);
      const q = (p) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : 0;
      const chat = players().map((p) => p.shadowRoot.querySelector('nm-chat'));
      return {
        longTasks: longTasks.filter((d) => d > 50),
        frames, expected, dropped, renders,
        delayP95: q(0.95), delayMax: sorted.at(-1) ?? 0,
        domMax: Math.max(0, ...domSamples), domLast: countNodes(document),
        chatMessages: chat.map((c) => c ? c.shadowRoot.querySelectorAll('[part~="message"]').length : 0),
        particles: players().map((p) => p.shadowRoot.querySelector('nm-reactions')?.particles ?? 0),
      };
    },
  };
})();`;

function stormPage(origin: string, shows: readonly string[]): string {
  const many = shows.length > 1;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>storm</title>
<style>body { margin: 0; display: flex; flex-wrap: wrap; gap: 4px } nm-player { display: block; width: ${many ? 180 : 360}px }</style>
<script>${PAGE_SCRIPT}</script>
<script type="module" src="/cdn/nightmarket.js"></script>
</head><body>
${shows.map((id) => `<nm-player api="${origin}/api/" show="${id}" layout="overlay" autoplay muted></nm-player>`).join('\n')}
</body></html>`;
}

// =================================================================================================
// The storm
// =================================================================================================

/** Drives one show's engine at `rate` events per second; returns a function that stops it. */
function storm(engine: ShowEngine, rate: number): { stop: () => void; errors: () => number } {
  const director = new ShowDirector(engine);
  let k = 0;
  let errors = 0;
  const firstError: string[] = [];
  const fail = (error: unknown): void => {
    errors++;
    if (firstError.length === 0) firstError.push(String(error));
  };
  const products = engine.state.products;
  const tea = products.find((p) => p.id === 'tea-set')!;
  const perTick = Math.max(1, Math.round((rate * TICK_MS) / 1000));
  const timer = setInterval(() => {
    for (let i = 0; i < perTick; i++, k++) {
      const slot = k % 20;
      // Of every 20 events: 8 chat, 6 viewer counts, 4 stock changes, 1 purchase (2 events), reaction taps aside.
      if (slot < 8) {
        const viewer = k % 40_000;
        engine.chat({ id: `storm-${viewer}`, name: `Viewer ${viewer}` }, { text: `message ${k} — 好看！ #tea-set 🔥` }).catch(fail);
      } else if (slot < 14) {
        engine.command({ type: 'viewers.set', count: 1_000_000 + (k % 50_000) }).catch(fail);
      } else if (slot < 18) {
        const product = products[k % products.length]!;
        const variant = product.variants[0]!;
        engine.command({ type: 'stock.set', productId: product.id, variantId: variant.id, stock: 10_000 + (k % 1000) }).catch(fail);
      } else if (slot === 18) {
        director.buy(`Buyer${k % 997} from Hangzhou`, tea.id).catch(fail);
      } else {
        engine.react({ id: `storm-${k % 40_000}`, name: 'crowd' }, { kind: k % 3 === 0 ? 'fire' : 'heart', count: 5 }).catch(fail);
      }
    }
  }, TICK_MS);
  return {
    stop: () => {
      clearInterval(timer);
      if (firstError.length > 0) console.log(`  (storm: ${errors} engine calls failed; first: ${firstError[0]})`);
    },
    errors: () => errors,
  };
}

// =================================================================================================
// Run
// =================================================================================================

async function startServer(shows: readonly string[]): Promise<NightmarketServer> {
  const server = await createNightmarketServer({
    adminToken: ADMIN,
    port: 0,
    host: '127.0.0.1',
    onError: (error) => console.error('[server] error:', error),
    extraRoutes: (app) => {
      app.get('/bench/storm.html', (c) =>
        new Response(stormPage(new URL(c.req.url).origin, shows), { headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' } }),
      );
      app.get('/cdn/*', (c) => {
        const rel = new URL(c.req.url).pathname.slice('/cdn/'.length);
        if (!/^(chunks\/)?[\w.-]+\.js(\.map)?$/.test(rel) || !existsSync(path.join(CDN_DIR, rel))) return c.notFound();
        return new Response(readFileSync(path.join(CDN_DIR, rel)), {
          headers: { 'Content-Type': rel.endsWith('.map') ? 'application/json' : 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' },
        });
      });
    },
  });
  const stream = `${server.url}streams/storm/live.m3u8`;
  for (const id of shows) {
    const show = sampleShow({ id, locale: 'en-US', stream: { hls: stream, programDateTime: true } });
    // Plenty of stock, so that purchases keep going for the whole run.
    const products = sampleProducts.map((p) => ({ ...p, variants: p.variants.map((v) => ({ ...v, stock: v.stock === null ? null : 10_000_000 })) }));
    const response = await fetch(`${server.url}api/shows/${id}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ show, products }),
    });
    if (!response.ok) throw new Error(`PUT /api/shows/${id}: ${response.status} ${await response.text()}`);
  }
  return server;
}

/** The 20 functions with the most self time in a CPU profile, with their share. */
function printProfile(profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples?: number[]; timeDeltas?: number[] }): void {
  const self = new Map<number, number>();
  profile.samples?.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas?.[i] ?? 0)));
  const byName = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber + 1}`;
    byName.set(key, (byName.get(key) ?? 0) + us);
  }
  console.log('  CPU profile, self time:');
  for (const [name, us] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
    console.log(`    ${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`);
  }
}

async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

interface Figures {
  longTasks: number[];
  frames: number;
  expected: number;
  dropped: number;
  renders: number;
  delayP95: number;
  delayMax: number;
  domMax: number;
  domLast: number;
  chatMessages: number[];
  particles: number[];
}

async function phase(browser: Browser, players: number): Promise<{ domPerPlayer: number }> {
  const shows = Array.from({ length: players }, (_, i) => `storm-${i + 1}`);
  const server = await startServer(shows);
  const context = await browser.createBrowserContext();
  const storms: ReturnType<typeof storm>[] = [];
  try {
    const page: Page = await context.newPage();
    await page.setViewport({ width: players > 1 ? 1280 : 400, height: 720 });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error instanceof Error ? error.message : String(error)));
    const cdp = await page.createCDPSession();
    await cdp.send('HeapProfiler.enable');
    await page.goto(`${server.url}bench/storm.html`, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction('window.__storm.ready()', { timeout: 30_000, polling: 100 });

    const engines = shows.map((id) => server.registry.get(id)!);
    const seq0 = engines.map((e) => e.state.seq);
    for (const engine of engines) storms.push(storm(engine, RATE / players));
    await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));

    const heapStart = await heapAfterGc(cdp);
    const emittedStart = engines.reduce((n, e) => n + e.state.seq, 0);
    const appliedStart = ((await page.evaluate('window.__storm.seqs()')) as number[]).reduce((a, b) => a + b, 0);
    if (PROFILE) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    await page.evaluate('window.__storm.start()');
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
    const figures = (await page.evaluate('window.__storm.stop()')) as Figures;
    if (PROFILE) printProfile((await cdp.send('Profiler.stop')).profile);
    const elapsed = (performance.now() - started) / 1000;
    const emitted = engines.reduce((n, e) => n + e.state.seq, 0) - emittedStart;
    const applied = ((await page.evaluate('window.__storm.seqs()')) as number[]).reduce((a, b) => a + b, 0) - appliedStart;
    for (const s of storms.splice(0)) s.stop();
    const heapEnd = await heapAfterGc(cdp);
    const { metrics } = await cdp.send('Performance.getMetrics').catch(() => ({ metrics: [] as { name: string; value: number }[] }));
    const cdpNodes = metrics.find((m) => m.name === 'Nodes')?.value;
    const lagging = engines.map((e, i) => e.state.seq - seq0[i]!);

    const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    const long = figures.longTasks;
    console.log(`\n${players} player${players > 1 ? 's' : ''}, ${RATE.toLocaleString('en')} events/s asked (${(RATE / players).toLocaleString('en')} per show), measured ${elapsed.toFixed(1)} s after ${WARMUP_MS / 1000} s of warm-up:`);
    console.log(`  events emitted by the server  ${Math.round(emitted / elapsed).toLocaleString('en')}/s  (${emitted.toLocaleString('en')} in all; reactions aggregated to 2 events/s per show)`);
    console.log(`  events applied by the page    ${Math.round(applied / elapsed).toLocaleString('en')}/s`);
    console.log(`  renders (nm-state-change)     ${(figures.renders / elapsed / players).toFixed(1)}/s per player`);
    console.log(`  long tasks > 50 ms            ${long.length}${long.length ? ` (longest ${Math.max(...long).toFixed(0)} ms, total ${long.reduce((a, b) => a + b, 0).toFixed(0)} ms)` : ''}   goal 0 — ${long.length === 0 ? 'met' : 'NOT met'}`);
    console.log(`  dropped frames                ${figures.dropped} of ${figures.expected} expected (${((100 * figures.dropped) / Math.max(1, figures.expected)).toFixed(1)}%), ${figures.frames} frames drawn`);
    console.log(`  main-thread delay (0 ms timer) p95 ${figures.delayP95.toFixed(1)} ms, max ${figures.delayMax.toFixed(1)} ms`);
    console.log(`  heap used after GC            ${mb(heapStart)} → ${mb(heapEnd)}: growth ${mb(heapEnd - heapStart)}   goal < 10 MB — ${heapEnd - heapStart < 10 * 1024 * 1024 ? 'met' : 'NOT met'}`);
    console.log(`  DOM nodes (with shadow DOM)   max ${figures.domMax}, last ${figures.domLast} (${Math.round(figures.domMax / players)} per player); CDP node count ${cdpNodes ?? 'n/a'}`);
    console.log(`  chat messages in the DOM      ${[...new Set(figures.chatMessages)].join(', ')}; hearts in flight at the end ${Math.max(...figures.particles)}`);
    if (pageErrors.length > 0) console.log(`  page errors: ${pageErrors.slice(0, 3).join('; ')}`);
    if (lagging.some((n) => n === 0)) throw new Error('the storm emitted no events');
    return { domPerPlayer: figures.domMax / players };
  } finally {
    for (const s of storms) s.stop();
    await context.close();
    await server.close();
  }
}

async function main(): Promise<void> {
  if (!existsSync(path.join(CDN_DIR, 'nightmarket.js'))) {
    console.error('bench/storm.bench.ts: packages/player/cdn/nightmarket.js is missing — run npm run build first.');
    process.exit(1);
  }
  const browser = await puppeteer.launch({ executablePath: findChromium(), headless: true, args: [...CHROMIUM_ARGS] });
  const started = performance.now();
  let failed = false;
  try {
    console.log(`Storm benchmark: ${await browser.version()}, ${RATE.toLocaleString('en')} events/s for ${SECONDS} s${SHORT ? ' (short form)' : ''}`);
    for (const players of PHASES) {
      const { domPerPlayer } = await phase(browser, players);
      if (ASSERT_DOM > 0 && domPerPlayer > ASSERT_DOM) {
        console.error(`storm: the DOM grew to ${Math.round(domPerPlayer)} nodes per player, over the bound of ${ASSERT_DOM}: something is not bounded.`);
        failed = true;
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`\nstorm bench done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (failed) process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
