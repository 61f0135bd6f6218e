/**
 * `npm run bench:sale` (also part of `npm run bench`): how fast a flash sale reaches the buy
 * button, on many players at once.
 *
 * The real reference server (127.0.0.1, port 0) serves one show and a page with `--players`
 * (default 50) `<nm-player>` from the built CDN bundle, each joined to the show and showing the
 * pinned robot vacuum. Each round schedules a flash sale on it a moment ahead; the engine starts it
 * on its tick and publishes `sale.started`. The bench records when the engine published it (a
 * subscriber on the engine, in this process) and when each player's pinned card first shows the
 * sale's buy button enabled (stock bar drawn, "buy now" not disabled), polled every animation
 * frame in the page. Both are `Date.now()` on the same machine. It prints p50, p95 and max of
 * that delay over all players and rounds. A benchmark prints figures; it asserts no timing.
 *
 * The players' video is off (an unplayable stream URL): this measures the event path (SSE → the
 * client's reducer → the player's render → the card), not decoding 50 videos on 2 cores. The
 * players of one show on a page share one client and one event stream (as they do for any page).
 * Builds nothing: run `npm run build` first.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import type { ShowEvent } from '@nightmarket/client';
import { createNightmarketServer } from '@nightmarket/server';
import { sampleProducts, sampleShow } from '@nightmarket/testing';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CDN_DIR = path.join(ROOT, 'packages/player/cdn');
const ADMIN = 'sale-bench-admin';
const SHOW = 'flash';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} needs a positive integer, got ${String(process.argv[i + 1])}`);
    process.exit(2);
  }
  return value;
}
const PLAYERS = flag('players', 50);
const ROUNDS = flag('rounds', 5);

/** Runs in the page: resolves with, per player, `Date.now()` when its pinned card's sale buy button is enabled. */
const WATCH = `window.watchSale = (saleId, timeoutMs) => new Promise((resolve) => {
  const players = [...document.querySelectorAll('nm-player')];
  const seen = players.map(() => 0);
  const started = Date.now();
  const ready = (player) => {
    const card = player.shadowRoot?.querySelector('[part~="pinned"] nm-product-card');
    const root = card?.shadowRoot;
    const buy = root?.querySelector('[part~="buy-now"]');
    return card?.sale?.id === saleId && card.sale.status === 'live' && root.querySelector('[part~="stock-bar"]') && buy && !buy.disabled;
  };
  const frame = () => {
    players.forEach((p, i) => { if (!seen[i] && ready(p)) seen[i] = Date.now(); });
    if (seen.every(Boolean) || Date.now() - started > timeoutMs) resolve(seen);
    else requestAnimationFrame(frame);
  };
  frame();
});`;

function page(origin: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sale bench</title>
<style>body { margin: 0; display: flex; flex-wrap: wrap; gap: 4px } nm-player { display: block; width: 240px; --nm-player-max-height: 420px }</style>
<script>${WATCH}</script>
<script type="module" src="/cdn/nightmarket.js"></script>
</head><body>
${Array.from({ length: PLAYERS }, () => `<nm-player api="${origin}/api/" show="${SHOW}" layout="overlay" muted></nm-player>`).join('\n')}
</body></html>`;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  if (!existsSync(path.join(CDN_DIR, 'nightmarket.js'))) {
    console.error('bench:sale: packages/player/cdn/nightmarket.js is missing: run `npm run build` first.');
    process.exit(1);
  }
  const server = await createNightmarketServer({
    adminToken: ADMIN,
    port: 0,
    host: '127.0.0.1',
    onError: (error) => console.error('[server] error:', error),
    extraRoutes: (app) => {
      app.get('/bench/sale.html', (c) => new Response(page(new URL(c.req.url).origin), { headers: { 'Content-Type': 'text/html; charset=utf-8' } }));
      app.get('/cdn/*', (c) => {
        const rel = new URL(c.req.url).pathname.slice('/cdn/'.length);
        if (!/^(chunks\/)?[\w.-]+\.js(\.map)?$/.test(rel) || !existsSync(path.join(CDN_DIR, rel))) return c.notFound();
        return new Response(readFileSync(path.join(CDN_DIR, rel)), { headers: { 'Content-Type': 'text/javascript; charset=utf-8' } });
      });
    },
  });
  const admin = (body: unknown) =>
    fetch(`${server.url}api/shows/${SHOW}/commands`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (r) => {
      if (!r.ok) throw new Error(`command ${JSON.stringify(body)}: ${r.status} ${await r.text()}`);
      return (await r.json()) as { id?: string };
    });
  const browser = await puppeteer.launch({ executablePath: findChromium(), headless: true, args: [...CHROMIUM_ARGS] });
  try {
    const show = sampleShow({ id: SHOW, locale: 'en-US', stream: { hls: 'https://video.invalid/off.m3u8', programDateTime: false } });
    const put = await fetch(`${server.url}api/shows/${SHOW}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ show, products: sampleProducts }),
    });
    if (!put.ok) throw new Error(`PUT show: ${put.status} ${await put.text()}`);
    const engine = server.registry.get(SHOW)!;
    const startedAt = new Map<string, number>();
    engine.subscribe((event: ShowEvent) => {
      if (event.type === 'sale.started') startedAt.set(event.data.id, Date.now());
    });
    await admin({ type: 'product.pin', productId: 'robot-vacuum', streamTime: null });

    const tab = await browser.newPage();
    await tab.setViewport({ width: 1280, height: 900 });
    tab.on('pageerror', (error) => console.error('[page] error:', error));
    await tab.goto(`${server.url}bench/sale.html`);
    // Every player joined and shows the pinned card.
    await tab.waitForFunction(
      () => [...document.querySelectorAll('nm-player')].every((p) => p.shadowRoot?.querySelector('[part~="pinned"] nm-product-card')?.shadowRoot?.querySelector('[part~="buy-now"]')),
      { timeout: 60_000, polling: 200 },
    );
    console.log(`bench:sale: ${PLAYERS} players on one page, ${ROUNDS} flash sales (sale.started → the pinned card's buy button enabled)`);
    const delays: number[] = [];
    let missed = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const now = Date.now();
      const { id } = await admin({
        type: 'sale.schedule',
        sale: { productId: 'robot-vacuum', variantId: 'white', price: { amount: 199_900, currency: 'CNY' }, units: 500, limitPerBuyer: 1, startsAt: now + 1500, endsAt: now + 60_000 },
      });
      const seen = (await tab.evaluate((saleId: string) => (window as unknown as { watchSale(id: string, ms: number): Promise<number[]> }).watchSale(saleId, 15_000), id!)) as number[];
      const started = startedAt.get(id!);
      if (started === undefined) throw new Error(`sale ${id} never started`);
      const round_ = seen.filter((t) => t > 0).map((t) => t - started);
      missed += seen.length - round_.length;
      delays.push(...round_);
      const sorted = [...round_].sort((a, b) => a - b);
      console.log(`  round ${round + 1}: p50 ${percentile(sorted, 50)} ms, p95 ${percentile(sorted, 95)} ms, max ${sorted.at(-1)} ms`);
      await admin({ type: 'sale.end', saleId: id });
    }
    const sorted = delays.sort((a, b) => a - b);
    console.log(`bench:sale: over ${sorted.length} players×rounds: p50 ${percentile(sorted, 50)} ms, p95 ${percentile(sorted, 95)} ms, max ${sorted.at(-1)} ms${missed ? `; ${missed} never showed it within 15 s` : ''}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
