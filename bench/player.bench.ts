/**
 * `npm run bench:player` (also the second half of `npm run bench`): the built `<nm-player>` CDN
 * bundle in headless Chromium against the reference server's simulated live stream, in two parts.
 *
 * 1. Time to first frame (TTFF) of four pages playing the same live stream
 *    (`/streams/bench/live.m3u8`, the committed fixture in a sliding window with program date-time):
 *    - `bare hls.js`: hls.js's ESM build (`hls.js/dist/hls.mjs`, `enableWorker: false`), the baseline
 *      (unminified, 1.5 MB, where the player's chunk is minified: if anything it flatters the player);
 *    - `bare hls.js light`: the same with hls.js's light build (`dist/hls.light.mjs`), for reference;
 *    - `native`: `<video src=…m3u8 autoplay muted>` (this Chromium plays HLS natively);
 *    - `player (pdt)`: `<nm-player>` from `/cdn/nightmarket.js` on a show with
 *      `stream.programDateTime: true` — Chromium's native HLS has no `getStartDate()`, so the player
 *      plays it through hls.js (its lazy chunk);
 *    - `player (pdt, light)`: the same with `hls-build="light"` (hls.js's light build, its own chunk);
 *    - `player (native)`: the same on a show with `programDateTime: false` — the player plays natively.
 *    First frame = the first `requestVideoFrameCallback` of the page's `<video>` (its
 *    `presentationTime`; `playing` with `currentTime > 0` where rVFC is missing), in ms since the
 *    navigation started (`performance.timeOrigin`), measured in the page. The player is measured
 *    from outside: the page waits for the element's `video` getter and listens to that element.
 *    Every load gets a fresh browser context (empty cache, no connections kept), pages are
 *    interleaved and their order rotates each round; one warm-up round is not counted. Medians,
 *    p90s and the ratio of each median (and p90) to bare hls.js's are printed. Goal: player (pdt)
 *    ≤ 1.05× bare hls.js.
 * 2. Pin sync: one player page plays the live stream through hls.js; the admin API pins a product
 *    at a stream time 1.5–2.5 s ahead of the player's `streamTime`, and the page records the
 *    program date-time of the video frame on screen when the pinned card enters the player's
 *    `[part~="pinned"]` (a MutationObserver on the shadow root; the card is painted by the
 *    rendering step it enters in, see PIN_WATCH_SCRIPT). The frame on screen is the last one
 *    reported by `requestVideoFrameCallback`: its program date-time is
 *    `streamTime − (currentTime − mediaTime)`. The playhead's delay (`streamTime` − pin) is printed too.
 *    Delay = that − the pin's stream time; negative = the card showed before its frame (early).
 *    Products alternate, the pin is taken down between pins. p50/p95/max and the early count are
 *    printed. Goal: p95 ≤ 250 ms, 0 early.
 *
 * Everything is served by the real reference server (`createNightmarketServer`, 127.0.0.1, port 0):
 * the API, the stream, and through `extraRoutes` the pages, the CDN bundle and hls.js. The bench
 * builds nothing: run `npm run build` first. Chromium: CHROME_PATH or /usr/bin/chromium
 * (scripts/chromium.mjs); hosts other than 127.0.0.1 fail at once (product images), so no load
 * waits on DNS.
 *
 * A benchmark prints figures; it asserts nothing about time (it exits non-zero only when a page
 * fails to play or a pin never shows). Compare ratios across runs, not raw numbers across machines.
 *
 * Flags: --rounds N (counted TTFF rounds, default 7), --warmup N (default 1), --pins N (default 20),
 * --compare DIR: another build of the CDN bundle (e.g. a copy of packages/player/cdn made before a
 * change) measured as one more page, `player (pdt), DIR`, in the same interleaved rounds: on this
 * noisy machine only a same-run comparison says whether a change helped.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { createNightmarketServer, type NightmarketServer } from '@nightmarket/server';
import { sampleProducts, sampleShow } from '@nightmarket/testing';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CDN_DIR = path.join(ROOT, 'packages/player/cdn');
const CDN_BUNDLE = path.join(CDN_DIR, 'nightmarket.js');
const HLS_DIST = path.join(path.dirname(createRequire(import.meta.url).resolve('hls.js/package.json')), 'dist');
const HLS_ESM = path.join(HLS_DIST, 'hls.mjs');
const HLS_LIGHT_ESM = path.join(HLS_DIST, 'hls.light.mjs');
const ADMIN = 'bench-admin-token';
const STREAM_SHOW = 'bench';
const NATIVE_SHOW = 'bench-native';
const STREAM_PATH = `/streams/${STREAM_SHOW}/live.m3u8`;
const LOAD_TIMEOUT_MS = 20_000;
const PIN_TIMEOUT_MS = 10_000;
const PIN_LEAD_MS = 1500;
const PIN_JITTER_MS = 1000;

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} needs a whole number, got ${String(process.argv[i + 1])}`);
    process.exit(2);
  }
  return value;
}

const ROUNDS = Math.max(1, flag('rounds', 7));
const WARMUP = flag('warmup', 1);
const PINS = flag('pins', 20);
const COMPARE = (() => {
  const i = process.argv.indexOf('--compare');
  if (i < 0) return null;
  const dir = path.resolve(process.argv[i + 1] ?? '');
  if (!existsSync(path.join(dir, 'nightmarket.js'))) {
    console.error(`--compare needs a folder holding a CDN build (nightmarket.js and chunks/), got ${String(process.argv[i + 1])}`);
    process.exit(2);
  }
  return dir;
})();

// =================================================================================================
// Pages
// =================================================================================================

type PageName = string;
const PAGES: readonly { name: PageName; path: string }[] = [
  { name: 'bare hls.js', path: '/bench/hls.html' },
  { name: 'bare hls.js light', path: '/bench/hls.html?build=light' },
  { name: 'native', path: '/bench/native.html' },
  { name: 'player (pdt)', path: `/bench/player.html?show=${STREAM_SHOW}` },
  { name: 'player (pdt, light)', path: `/bench/player.html?show=${STREAM_SHOW}&hls-build=light` },
  { name: 'player (native)', path: `/bench/player.html?show=${NATIVE_SHOW}` },
  ...(COMPARE ? [{ name: `player (pdt), ${path.relative(ROOT, COMPARE) || COMPARE}`, path: `/bench/player.html?show=${STREAM_SHOW}&cdn=cdn-compare` }] : []),
];

/** What a page reports: first frame in ms since navigation start, how it was seen, and the engine. */
interface FirstFrame {
  ms: number;
  via: 'rvfc' | 'playing';
  engine: string | null;
  /** When the steps before the first frame happened (ms since navigation start), where the page has them: see MILESTONES. */
  steps: Partial<Record<Milestone, number>>;
}

/**
 * Steps on the way to the first frame, from the page's resource timing: where the time goes
 * before the video starts (printed as medians per page). `defined`: `<nm-player>` defined.
 */
const MILESTONES = ['module', 'elements', 'hls.js', 'defined', 'snapshot sent', 'snapshot', 'playlist sent', 'segment sent'] as const;
type Milestone = (typeof MILESTONES)[number];

/**
 * Classic script, run first in every page: `window.__firstFrame` resolves with {@link FirstFrame}
 * once `watchVideo(video)` has seen the element's first frame.
 */
const FIRST_FRAME_SCRIPT = `
window.__steps = {};
if (window.customElements) customElements.whenDefined('nm-player').then(() => { window.__steps.defined = performance.now(); });
const steps = () => {
  const out = { ...window.__steps };
  const first = (test, key, field) => {
    const e = performance.getEntriesByType('resource').find((r) => test(new URL(r.name).pathname));
    if (e && out[key] === undefined) out[key] = e[field];
  };
  first((p) => /^\\/cdn(-compare)?\\/nightmarket\\.js$/.test(p), 'module', 'responseEnd');
  first((p) => /^\\/cdn(-compare)?\\/chunks\\/player-/.test(p), 'elements', 'responseEnd');
  first((p) => /^\\/(cdn(-compare)?\\/chunks|vendor)\\/hls/.test(p), 'hls.js', 'responseEnd');
  first((p) => /^\\/api\\/shows\\/[^/]+$/.test(p), 'snapshot sent', 'startTime');
  first((p) => /^\\/api\\/shows\\/[^/]+$/.test(p), 'snapshot', 'responseEnd');
  first((p) => p.endsWith('.m3u8'), 'playlist sent', 'startTime');
  first((p) => p.endsWith('.ts'), 'segment sent', 'startTime');
  return out;
};
window.__firstFrame = new Promise((resolve) => {
  window.watchVideo = (video, engine) => {
    if ('requestVideoFrameCallback' in video) {
      video.requestVideoFrameCallback((now, meta) => resolve({ ms: meta.presentationTime, via: 'rvfc', engine: engine(), steps: steps() }));
      return;
    }
    const check = () => {
      if (video.currentTime > 0) resolve({ ms: performance.now(), via: 'playing', engine: engine(), steps: steps() });
      else requestAnimationFrame(check);
    };
    video.addEventListener('playing', check, { once: true });
  };
});`;

const page = (body: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bench</title>
<style>body { margin: 0 } video, nm-player { display: block; width: 360px; height: 640px }</style>
<script>${FIRST_FRAME_SCRIPT}</script>
</head><body>
${body}
</body></html>`;

const NATIVE_PAGE = page(`<video src="${STREAM_PATH}" autoplay muted playsinline></video>
<script>watchVideo(document.querySelector('video'), () => 'native');</script>`);

const hlsPage = (module: string): string =>
  page(`<video autoplay muted playsinline></video>
<script type="module">
import Hls from '/vendor/${module}';
const video = document.querySelector('video');
watchVideo(video, () => 'hls.js');
const hls = new Hls({ enableWorker: false });
hls.attachMedia(video);
hls.loadSource('${STREAM_PATH}');
window.hls = hls;
</script>`);

function playerPage(origin: string, show: string, hlsBuild: string | undefined, cdn: string): string {
  return page(`<script type="module" src="/${cdn}/nightmarket.js"></script>
<nm-player api="${origin}/api/" show="${show}"${hlsBuild === 'light' ? ' hls-build="light"' : ''} autoplay muted></nm-player>
<script type="module">
// Measured from outside the player: wait for its <video> (in its shadow DOM), then listen to it.
const player = document.querySelector('nm-player');
await customElements.whenDefined('nm-player');
while (!player.video) await new Promise((resolve) => requestAnimationFrame(resolve));
watchVideo(player.video, () => player.playback);
</script>`);
}

// =================================================================================================
// Server
// =================================================================================================

function file(filePath: string, type: string): Response {
  return new Response(readFileSync(filePath), { headers: { 'Content-Type': type, 'Cache-Control': 'no-store' } });
}

async function startServer(): Promise<NightmarketServer> {
  const html = (body: string): Response =>
    new Response(body, { headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' } });
  const server = await createNightmarketServer({
    adminToken: ADMIN,
    port: 0,
    host: '127.0.0.1',
    onError: (error) => console.error('[server] error:', error),
    extraRoutes: (app) => {
      app.get('/bench/native.html', () => html(NATIVE_PAGE));
      app.get('/bench/hls.html', (c) => html(hlsPage(c.req.query('build') === 'light' ? 'hls.light.mjs' : 'hls.mjs')));
      app.get('/bench/player.html', (c) => html(playerPage(new URL(c.req.url).origin, c.req.query('show') ?? STREAM_SHOW, c.req.query('hls-build'), c.req.query('cdn') === 'cdn-compare' ? 'cdn-compare' : 'cdn')));
      app.get('/vendor/hls.mjs', () => file(HLS_ESM, 'text/javascript; charset=utf-8'));
      app.get('/vendor/hls.light.mjs', () => file(HLS_LIGHT_ESM, 'text/javascript; charset=utf-8'));
      for (const [prefix, dir] of [['/cdn/', CDN_DIR], ...(COMPARE ? [['/cdn-compare/', COMPARE]] : [])] as const) {
        app.get(`${prefix}*`, (c) => {
          // Only the bundle and its chunks, never a path outside the folder.
          const rel = new URL(c.req.url).pathname.slice(prefix.length);
          if (!/^(chunks\/)?[\w.-]+\.js(\.map)?$/.test(rel) || !existsSync(path.join(dir, rel))) return c.notFound();
          return file(path.join(dir, rel), rel.endsWith('.map') ? 'application/json' : 'text/javascript; charset=utf-8');
        });
      }
    },
  });
  // Both player shows play the one simulated stream every page plays.
  const stream = `${server.url.replace(/\/$/, '')}${STREAM_PATH}`;
  for (const [id, programDateTime] of [
    [STREAM_SHOW, true],
    [NATIVE_SHOW, false],
  ] as const) {
    const show = sampleShow({ id, locale: 'en-US', stream: { hls: stream, programDateTime } });
    const response = await fetch(`${server.url}api/shows/${id}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ show, products: sampleProducts }),
    });
    if (!response.ok) throw new Error(`PUT /api/shows/${id}: ${response.status} ${await response.text()}`);
  }
  return server;
}

async function command(server: NightmarketServer, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${server.url}api/shows/${STREAM_SHOW}/commands`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`command ${String(body.type)}: ${response.status} ${await response.text()}`);
}

// =================================================================================================
// Measurements
// =================================================================================================

function timeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** One load of one page in a fresh browser context: its first frame. */
async function loadOnce(browser: Browser, url: string): Promise<FirstFrame> {
  const context = await browser.createBrowserContext();
  try {
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(error instanceof Error ? error.message : String(error)));
    await tab.goto(url, { waitUntil: 'domcontentloaded', timeout: LOAD_TIMEOUT_MS });
    try {
      return await timeout(
        tab.evaluate(() => (window as unknown as { __firstFrame: Promise<FirstFrame> }).__firstFrame),
        LOAD_TIMEOUT_MS,
        url,
      );
    } catch (error) {
      throw new Error(`${String(error)}${errors.length > 0 ? ` (page errors: ${errors.join('; ')})` : ''}`);
    }
  } finally {
    await context.close();
  }
}

function quantile(sorted: readonly number[], q: number): number {
  // Nearest rank: a figure that was measured, not an interpolation.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const fmt = (ms: number): string => ms.toFixed(0).padStart(6);

async function benchFirstFrame(browser: Browser, origin: string): Promise<void> {
  const samples = new Map<PageName, number[]>(PAGES.map((p) => [p.name, []]));
  const stepSamples = new Map<PageName, Map<Milestone, number[]>>(PAGES.map((p) => [p.name, new Map()]));
  const engines = new Map<PageName, Set<string>>(PAGES.map((p) => [p.name, new Set()]));
  const vias = new Set<string>();
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    const counted = round >= WARMUP;
    // Rotate the order each round so no page always goes first (or after the same one).
    const order = PAGES.map((_, i) => PAGES[(i + round) % PAGES.length]!);
    const line: string[] = [];
    for (const p of order) {
      const frame = await loadOnce(browser, origin + p.path);
      line.push(`${p.name} ${frame.ms.toFixed(0)}`);
      if (!counted) continue;
      samples.get(p.name)!.push(frame.ms);
      for (const [step, ms] of Object.entries(frame.steps) as [Milestone, number][]) {
        const list = stepSamples.get(p.name)!;
        list.set(step, [...(list.get(step) ?? []), ms]);
      }
      engines.get(p.name)!.add(frame.engine ?? 'none');
      vias.add(frame.via);
    }
    console.log(`  ${counted ? `round ${round - WARMUP + 1}` : 'warm-up'}: ${line.join(', ')}`);
  }

  const stats = (name: PageName) => {
    const sorted = [...samples.get(name)!].sort((a, b) => a - b);
    return { median: quantile(sorted, 0.5), p90: quantile(sorted, 0.9) };
  };
  const base = stats('bare hls.js');
  console.log(`\nTime to first frame, ${ROUNDS} interleaved rounds (first frame via ${[...vias].join(', ')}; ms since navigation start):`);
  const width = Math.max(...PAGES.map((p) => p.name.length));
  console.log(`  ${'page'.padEnd(width)}  engine     median     p90   × bare hls.js (median, p90)`);
  for (const p of PAGES) {
    const s = stats(p.name);
    console.log(
      `  ${p.name.padEnd(width)}  ${[...engines.get(p.name)!].join('+').padEnd(8)} ${fmt(s.median)}  ${fmt(s.p90)}   ` +
        `${(s.median / base.median).toFixed(2)}×, ${(s.p90 / base.p90).toFixed(2)}×`,
    );
  }
  console.log('\nOn the way there, medians (ms since navigation start; "sent" = request started, else = response complete):');
  for (const p of PAGES) {
    const list = stepSamples.get(p.name)!;
    const cells = MILESTONES.filter((m) => list.has(m)).map((m) => `${m} ${quantile([...list.get(m)!].sort((a, b) => a - b), 0.5).toFixed(0)}`);
    console.log(`  ${p.name.padEnd(width)}  ${cells.join(', ')}, first frame ${stats(p.name).median.toFixed(0)}`);
  }
  for (const name of ['player (pdt)', 'player (pdt, light)'] as const) {
    const ratio = stats(name).median / base.median;
    console.log(`  goal: ${name} ≤ 1.05× bare hls.js — ${ratio <= 1.05 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}×)`);
  }
  const light = stats('player (pdt, light)').median / stats('bare hls.js light').median;
  console.log(`  player (pdt, light) × bare hls.js light: ${light.toFixed(2)}×`);
}

interface PinSeen {
  /** Program date-time of the frame on screen when the card appeared, minus the pin's stream time. */
  delay: number;
  /** The same with the player's `streamTime` (the playhead, what the player schedules by). */
  playheadDelay: number;
}

/**
 * Script run once in the pin-sync page (a string: functions passed to `evaluate` would carry the
 * TypeScript transpiler's helpers into the page). Defines `waitForPin(id, streamTime)`, which
 * resolves with a {@link PinSeen} once the player's pinned card shows product `id`.
 *
 * Which video frame is on screen with the card: the card enters the shadow DOM during some
 * rendering step (the player changes pins in animation frames) and is painted by that step,
 * together with the last video frame presented by then, which requestVideoFrameCallback reports
 * (its callbacks run in the step before animation frame callbacks). A MutationObserver sees the
 * card enter; if our own animation frame callback of that step (same frame time,
 * `document.timeline.currentTime`) has not run yet, the figures are taken there, once every
 * frame callback of the step has run; else at once. The program date-time of a frame is the
 * player's `streamTime` (the playhead's) minus how far the playhead is past the frame's media time.
 */
const PIN_WATCH_SCRIPT = `(() => {
  const player = document.querySelector('nm-player');
  const video = player.video;
  const root = player.shadowRoot;
  let lastFrame = null;
  let lastStep = -1;
  let pending = null;
  const onFrame = (now, meta) => {
    lastFrame = meta;
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
  const measure = (wait) => {
    const playhead = player.streamTime;
    const onScreen = lastFrame ? playhead - (video.currentTime - lastFrame.mediaTime) * 1000 : playhead;
    wait.resolve({ delay: onScreen - wait.streamTime, playheadDelay: playhead - wait.streamTime });
  };
  const onStep = (ts) => {
    lastStep = ts;
    if (pending && pending.step <= ts) {
      measure(pending);
      pending = null;
    }
    requestAnimationFrame(onStep);
  };
  requestAnimationFrame(onStep);
  window.waitForPin = (id, streamTime) => new Promise((resolve) => {
    const check = () => {
      const card = root.querySelector('[part~="pinned"] nm-product-card');
      if (card?.product?.id !== id || player.pinnedProduct?.id !== id) return;
      observer.disconnect();
      const wait = { resolve, streamTime, step: document.timeline.currentTime };
      if (lastStep >= wait.step) measure(wait);
      else pending = wait;
    };
    const observer = new MutationObserver(check);
    observer.observe(root, { childList: true, subtree: true });
    check();
  });
})()`;

async function benchPinSync(browser: Browser, server: NightmarketServer): Promise<void> {
  const snapshot = (await (await fetch(`${server.url}api/shows/${STREAM_SHOW}`)).json()) as { products: { id: string }[] };
  const ids = snapshot.products.map((p) => p.id);
  if (ids.length < 2) throw new Error('pin sync needs at least two products in the show');
  const context = await browser.createBrowserContext();
  try {
    const tab: Page = await context.newPage();
    await tab.goto(`${server.url}bench/player.html?show=${STREAM_SHOW}`, { waitUntil: 'domcontentloaded' });
    const engine = await timeout(
      tab.evaluate(async () => {
        const { engine } = await (window as unknown as { __firstFrame: Promise<FirstFrame> }).__firstFrame;
        const player = document.querySelector('nm-player') as HTMLElement & { streamTime: number | null };
        while (player.streamTime === null) await new Promise((resolve) => requestAnimationFrame(resolve));
        return engine;
      }),
      LOAD_TIMEOUT_MS,
      'pin sync page',
    );
    if (engine !== 'hls.js') throw new Error(`pin sync: the player plays with ${String(engine)}, expected hls.js`);
    await tab.evaluate(PIN_WATCH_SCRIPT);
    await command(server, { type: 'product.unpin' });

    const delays: number[] = [];
    const playheadDelays: number[] = [];
    let seed = 7;
    const jitter = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return (seed / 2 ** 31) * PIN_JITTER_MS;
    };
    for (let i = 0; i < PINS; i++) {
      const productId = ids[i % ids.length]!;
      const now = await tab.evaluate(() => (document.querySelector('nm-player') as HTMLElement & { streamTime: number }).streamTime);
      const streamTime = Math.round(now + PIN_LEAD_MS + jitter());
      const seen = tab.evaluate((id, at) => (window as unknown as { waitForPin: (id: string, at: number) => Promise<PinSeen> }).waitForPin(id, at), productId, streamTime);
      await command(server, { type: 'product.pin', productId, streamTime });
      const result = await timeout(seen, PIN_TIMEOUT_MS, `pin ${i + 1} (${productId})`);
      delays.push(result.delay);
      playheadDelays.push(result.playheadDelay);
      // Take it down (at once: no stream time) and wait until the card is gone.
      await command(server, { type: 'product.unpin' });
      await timeout(
        tab.waitForFunction(() => (document.querySelector('nm-player') as HTMLElement & { pinnedProduct: unknown }).pinnedProduct === null, {
          polling: 'raf',
        }),
        PIN_TIMEOUT_MS,
        `unpin ${i + 1}`,
      );
    }

    const summary = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return `p50 ${fmt(quantile(sorted, 0.5))}  p95 ${fmt(quantile(sorted, 0.95))}  max ${fmt(sorted[sorted.length - 1]!)}  min ${fmt(sorted[0]!)}`;
    };
    const early = delays.filter((d) => d < 0).length;
    const p95 = quantile([...delays].sort((a, b) => a - b), 0.95);
    console.log(`\nPin sync, ${PINS} pins (pin at stream time +${PIN_LEAD_MS}–${PIN_LEAD_MS + PIN_JITTER_MS} ms, card seen → program date-time on screen − pin's stream time, ms):`);
    console.log(`  frame on screen (rVFC):  ${summary(delays)}`);
    console.log(`  playhead (streamTime):   ${summary(playheadDelays)}`);
    console.log(`  early (negative delay): ${early} of ${PINS}${early > 0 ? '  <-- EARLY PINS' : ''}`);
    console.log(`  goal: p95 ≤ 250 ms and 0 early — ${p95 <= 250 && early === 0 ? 'met' : 'NOT met'}`);
  } finally {
    await context.close();
  }
}

// =================================================================================================
// Main
// =================================================================================================

async function main(): Promise<void> {
  if (!existsSync(CDN_BUNDLE)) {
    console.error(`bench/player.bench.ts: ${path.relative(ROOT, CDN_BUNDLE)} is missing — run npm run build first.`);
    process.exit(1);
  }
  const executablePath = findChromium();
  const started = performance.now();
  const server = await startServer();
  const browser = await puppeteer.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
  try {
    const version = await browser.version();
    console.log(`Player benchmark: ${version}, server ${server.url}, ${ROUNDS} rounds (+${WARMUP} warm-up), ${PINS} pins`);
    await benchFirstFrame(browser, server.url.replace(/\/$/, ''));
    if (PINS > 0) await benchPinSync(browser, server);
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`\nplayer bench done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
