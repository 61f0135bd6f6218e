/**
 * examples/plain-html-shop/ — a page with its own cart, wired to the CDN `<nm-player>` by DOM
 * events alone — in headless Chromium against the real reference backend: "add to cart" in the
 * player lands in the page's cart (and in the player's cart in a second tab), the page's refusal
 * is shown in the player and rolled back, and the player's checkout is the page's. Needs the CDN build (`npm run build`, as `npm test` does).
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNightmarketServer, type NightmarketServer } from '@nightmarket/server';
import { sampleProducts, sampleShow } from '@nightmarket/testing';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';

const CDN_DIR = fileURLToPath(new URL('../packages/player/cdn/', import.meta.url));
const SHOP_DIR = fileURLToPath(new URL('../examples/plain-html-shop/', import.meta.url));
const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.html': 'text/html; charset=utf-8' };
const WAIT = { timeout: 20_000, polling: 50 };

let server: NightmarketServer;
let browser: Browser;

/** A file under `dir`, or undefined for anything else. */
function file(dir: string, rel: string): { body: Buffer; type: string } | undefined {
  if (!/^(chunks\/)?[\w.-]+\.(js|css|html)$/.test(rel) || !existsSync(join(dir, rel))) return undefined;
  return { body: readFileSync(join(dir, rel)), type: TYPES[extname(rel)]! };
}

beforeAll(async () => {
  if (!existsSync(join(CDN_DIR, 'nightmarket.js'))) throw new Error(`${CDN_DIR}nightmarket.js is missing: run \`npm run build\` first (npm test does).`);
  server = await createNightmarketServer({
    port: 0,
    host: '127.0.0.1',
    adminToken: 'plain-shop-admin',
    extraRoutes: (app) => {
      app.get('/cdn/*', (c) => {
        const found = file(CDN_DIR, new URL(c.req.url).pathname.slice('/cdn/'.length));
        return found ? c.body(new Uint8Array(found.body), 200, { 'Content-Type': found.type }) : c.notFound();
      });
      app.get('/shop/*', (c) => {
        const found = file(SHOP_DIR, new URL(c.req.url).pathname.slice('/shop/'.length) || 'index.html');
        return found ? c.body(new Uint8Array(found.body), 200, { 'Content-Type': found.type }) : c.notFound();
      });
    },
  });
  const show = sampleShow({ locale: 'en', stream: { hls: 'https://video.invalid/none.m3u8', programDateTime: false } });
  const put = await fetch(`${server.url}api/shows/${show.id}`, {
    method: 'PUT',
    headers: { Authorization: 'Bearer plain-shop-admin', 'Content-Type': 'application/json' },
    body: JSON.stringify({ show, products: sampleProducts }),
  });
  expect(put.status).toBeLessThan(300);
  browser = await puppeteer.launch({ executablePath: findChromium(), headless: true, args: [...CHROMIUM_ARGS] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Clicks "add to cart" on the tea set's card in the player's product drawer. */
async function addTea(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const player = document.querySelector('nm-player') as HTMLElement & { openProducts(): void; updateComplete: Promise<unknown> };
    player.openProducts();
    await player.updateComplete;
    const drawer = player.shadowRoot!.querySelector('nm-product-drawer') as HTMLElement & { updateComplete: Promise<unknown> };
    await drawer.updateComplete;
    const card = [...drawer.shadowRoot!.querySelectorAll('nm-product-card')].find((c) => (c as unknown as { product: { id: string } }).product.id === 'tea-set')!;
    await (card as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    card.shadowRoot!.querySelector<HTMLButtonElement>('[part~="add-to-cart"]')!.click();
  });
}

describe('examples/plain-html-shop', () => {
  it('keeps the page\'s own cart the source of truth through the player\'s events', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`${server.url}shop/index.html`);
    await page.waitForFunction(() => (document.querySelector('nm-player') as unknown as { cart: unknown }).cart !== null, WAIT);

    // A second tab of the same shop: its player shows the same cart, at once.
    const other = await browser.newPage();
    await other.goto(`${server.url}shop/index.html`);
    await other.waitForFunction(() => (document.querySelector('nm-player') as unknown as { cart: unknown }).cart !== null, WAIT);

    await addTea(page);
    await page.waitForFunction(() => document.getElementById('count')!.textContent === '1', WAIT);
    await other.waitForFunction(
      () => (document.querySelector('nm-player') as unknown as { cart: { state: { cart: { lines: { quantity: number }[] } | null } } }).cart.state.cart?.lines[0]?.quantity === 1,
      WAIT,
    );
    await other.close();
    expect(await page.$eval('#lines', (ul) => ul.textContent)).toBe('1 × Celadon tea set, 6 cups');
    expect(await page.$eval('#total', (o) => o.textContent)).toBe('CN¥188.00');

    // Five is the shop's limit: its refusal is shown in the player, and both carts stay at 5.
    for (let i = 0; i < 5; i++) {
      await addTea(page);
      await page.waitForFunction(
        (n) => (document.querySelector('nm-player') as unknown as { cart: { state: { pending: unknown[] } } }).cart.state.pending.length === 0 && Number(document.getElementById('count')!.textContent) >= n,
        WAIT,
        Math.min(5, i + 2),
      );
    }
    await page.waitForFunction(
      () => document.querySelector('nm-player')!.shadowRoot!.querySelector('[part~="notice"]')?.textContent?.includes('Tea House sells at most 5 of a kind per order.'),
      WAIT,
    );
    expect(await page.$eval('#count', (o) => o.textContent)).toBe('5');
    expect(await page.evaluate(() => (document.querySelector('nm-player') as unknown as { cart: { state: { cart: { lines: { quantity: number }[] } } } }).cart.state.cart.lines[0]!.quantity)).toBe(5);

    // The player's checkout is the shop's: the order is confirmed in place and both carts empty.
    await page.evaluate(() => (document.querySelector('nm-player') as unknown as { checkout(r: unknown): Promise<unknown> }).checkout({ source: 'cart' }));
    await page.waitForFunction(() => document.getElementById('message')!.textContent === 'Order tea-1 confirmed.', WAIT);
    await page.waitForFunction(() => (document.querySelector('nm-player') as unknown as { cart: { state: { cart: { lines: unknown[] } } } }).cart.state.cart.lines.length === 0, WAIT);
    expect(await page.$eval('#count', (o) => o.textContent)).toBe('0');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
