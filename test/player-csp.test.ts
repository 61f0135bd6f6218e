/**
 * `<nm-player>` from the CDN bundle on a page with a strict Content-Security-Policy, against the
 * real reference backend and its simulated live HLS stream, in headless Chromium:
 *
 * - the page plays (hls.js, loaded on demand under the CSP) with no CSP or Trusted Types
 *   violation, no page error and no unexpected console error;
 * - with two copies of the bundle on the page, nothing throws, the second copy says once that the
 *   elements are already defined, and the show still plays.
 *
 * The CSP below is the one packages/player/README.md ("Content-Security-Policy") tells integrators
 * to allow. Needs the CDN build (`npm run build`), as `npm test` does before this step.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type ConsoleMessage, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNightmarketServer, type NightmarketServer } from '@nightmarket/server';
import { sampleProducts, sampleShow } from '@nightmarket/testing';
import { CHROMIUM_ARGS } from '../scripts/chromium.mjs';

const CDN_DIR = fileURLToPath(new URL('../packages/player/cdn/', import.meta.url));
const SHOW_ID = 'csp';
/** Every wait is bounded by this, so a broken page fails the test instead of hanging it. */
const WAIT_MS = 30_000;

/**
 * Strict: nothing inline, no eval, no duplicate Trusted Types policies. What the player needs
 * beyond `'self'` is documented in packages/player/README.md: `trusted-types lit-html`,
 * `media-src blob:` (hls.js plays through MediaSource), `img-src https:` (product images).
 */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "media-src 'self' blob:",
  "img-src 'self' data: https:",
  "require-trusted-types-for 'script'",
  'trusted-types lit-html',
  "base-uri 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * A second copy lives under its own path, so each of its modules (the entry and any chunk it
 * imports) is a module instance of its own, as with two embeds from two hosts or two versions.
 */
const CDN_MOUNTS = ['/cdn/', '/cdn-copy-2/'] as const;

const PAGES: Record<string, (origin: string) => string> = {
  '/csp.html': (origin) => page(origin, ['/cdn/nightmarket.js']),
  '/csp-two-copies.html': (origin) => page(origin, ['/cdn/nightmarket.js', '/cdn-copy-2/nightmarket.js']),
};

function page(origin: string, scripts: readonly string[]): string {
  // The client needs an absolute base URL; no inline script or style anywhere (the CSP forbids them).
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Night Market under a strict CSP</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/csp.css">
${scripts.map((src) => `<script type="module" src="${src}"></script>`).join('\n')}
</head>
<body>
<nm-player api="${origin}/api/" show="${SHOW_ID}" autoplay muted locale="en"></nm-player>
</body>
</html>
`;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

/** A file of the CDN build, or undefined for anything outside packages/player/cdn/. */
async function cdnFile(relativePath: string): Promise<{ body: Buffer; type: string } | undefined> {
  const path = resolve(CDN_DIR, decodeURIComponent(relativePath));
  const type = CONTENT_TYPES[extname(path)];
  if (!type || !path.startsWith(CDN_DIR.endsWith(sep) ? CDN_DIR : CDN_DIR + sep) || !existsSync(path)) return undefined;
  return { body: await readFile(path), type };
}

function chromiumPath(): string {
  const path = process.env.CHROME_PATH || '/usr/bin/chromium';
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`Chromium not found at ${path}: install it (apt-get install -y chromium) or set CHROME_PATH (see scripts/chromium.mjs).`);
  }
  return path;
}

/** What a page reported while it ran. */
interface PageLog {
  violations: string[];
  errors: string[];
  console: { type: string; text: string; url: string | undefined }[];
  /** URLs the page requested. */
  requests: string[];
}

interface PlayerProbe {
  defined: boolean;
  hasVideo: boolean;
  videoStatus: string | null;
  playback: string | null;
  showStatus: string | null;
  streamTime: number | null;
  currentTime: number | null;
  videoSrc: string | null;
}

let server: NightmarketServer;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  if (!existsSync(join(CDN_DIR, 'nightmarket.js'))) {
    throw new Error(`${CDN_DIR}nightmarket.js is missing: run \`npm run build\` first (npm test does).`);
  }
  server = await createNightmarketServer({
    port: 0,
    host: '127.0.0.1',
    adminToken: 'csp-test-admin-token',
    extraRoutes: (app) => {
      for (const mount of CDN_MOUNTS) {
        app.get(`${mount}*`, async (c) => {
          const file = await cdnFile(new URL(c.req.url).pathname.slice(mount.length));
          if (!file) return c.notFound();
          return c.body(new Uint8Array(file.body), 200, { 'Content-Type': file.type, 'Cache-Control': 'no-store' });
        });
      }
      // A page taller than the viewport, so the player can be scrolled out of view (auto-mini).
      app.get('/csp.css', (c) => c.body('body { min-block-size: 400vh; }', 200, { 'Content-Type': 'text/css; charset=utf-8' }));
      for (const [path, html] of Object.entries(PAGES)) {
        app.get(path, (c) =>
          c.body(html(new URL(c.req.url).origin), 200, {
            'Content-Type': 'text/html; charset=utf-8',
            'Cache-Control': 'no-store',
            'Content-Security-Policy': CSP,
          }),
        );
      }
    },
  });
  origin = server.url.replace(/\/$/, '');
  // The show's stream is this server's simulated live stream, so the URL is known only now.
  const engine = server.registry.create({
    show: sampleShow({ id: SHOW_ID, stream: { hls: `${server.url}streams/${SHOW_ID}/live.m3u8`, programDateTime: true } }),
    products: sampleProducts,
  });
  await engine.ready;

  browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    protocolTimeout: WAIT_MS,
    // Only this machine is reachable: the sample products' images (https://images.example/…) fail at once.
    args: [...CHROMIUM_ARGS],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
}, 30_000);

/** Opens `path` with every CSP violation, page error and console message recorded. */
async function open(path: string): Promise<{ page: Page; log: PageLog }> {
  const page = await browser.newPage();
  page.setDefaultTimeout(WAIT_MS);
  const log: PageLog = { violations: [], errors: [], console: [], requests: [] };
  await page.exposeFunction('__nmCspViolation', (line: string) => void log.violations.push(line));
  // Runs as a DevTools-injected script, which the page's CSP does not apply to.
  await page.evaluateOnNewDocument(() => {
    document.addEventListener(
      'securitypolicyviolation',
      (e) => {
        const report = (window as unknown as { __nmCspViolation: (line: string) => void }).__nmCspViolation;
        void report(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`);
      },
      true,
    );
  });
  page.on('request', (request) => void log.requests.push(request.url()));
  page.on('pageerror', (error) => log.errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error)));
  page.on('console', (message: ConsoleMessage) => log.console.push({ type: message.type(), text: message.text(), url: message.location().url }));
  const response = await page.goto(`${origin}${path}`, { waitUntil: 'load' });
  expect(response?.headers()['content-security-policy']).toBe(CSP);
  return { page, log };
}

function probe(page: Page): Promise<PlayerProbe> {
  return page.evaluate(() => {
    type Player = HTMLElement & {
      videoStatus: string;
      playback: string | null;
      streamTime: number | null;
      state: { show: { status: string } } | null;
    };
    const player = document.querySelector('nm-player') as Player | null;
    const video = player?.shadowRoot?.querySelector('video') ?? null;
    const defined = customElements.get('nm-player') !== undefined;
    return {
      defined,
      hasVideo: video !== null,
      videoStatus: defined && player ? player.videoStatus : null,
      playback: defined && player ? player.playback : null,
      showStatus: defined && player ? (player.state?.show.status ?? null) : null,
      streamTime: defined && player ? player.streamTime : null,
      currentTime: video?.currentTime ?? null,
      videoSrc: video?.currentSrc ?? null,
    };
  });
}

/**
 * Waits until the player plays and its video's playhead has moved on by a second: real
 * playback, not just a `playing` event. Fails with what the page reported if it never does.
 */
async function expectPlaying(page: Page, log: PageLog): Promise<PlayerProbe> {
  try {
    await page.waitForFunction(() => customElements.get('nm-player') !== undefined, { timeout: WAIT_MS });
    await page.waitForFunction(() => (document.querySelector('nm-player') as unknown as { videoStatus?: string } | null)?.videoStatus === 'playing', {
      timeout: WAIT_MS,
    });
    const started = (await probe(page)).currentTime ?? 0;
    await page.waitForFunction(
      (from: number) => {
        const video = document.querySelector('nm-player')?.shadowRoot?.querySelector('video');
        return video !== null && video !== undefined && video.currentTime > from + 1;
      },
      { timeout: WAIT_MS },
      started,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\nplayer: ${JSON.stringify(await probe(page).catch(() => null))}\npage log: ${JSON.stringify(log, null, 2)}`);
  }
  return probe(page);
}

/** CSP and Trusted Types reports, from the event and from Chromium's console lines. */
function violationsOf(log: PageLog): string[] {
  const fromConsole = log.console
    .filter((m) => /Content Security Policy|Trusted Type|TrustedHTML|TrustedScript/i.test(m.text))
    .map((m) => `console ${m.type}: ${m.text}`);
  return [...log.violations, ...fromConsole];
}

/** Console errors, except failed loads from hosts the browser is not allowed to reach (product images). */
function unexpectedConsoleErrors(log: PageLog): string[] {
  return log.console
    .filter((m) => m.type === 'error')
    .filter((m) => !(m.text.startsWith('Failed to load resource: net::ERR_NAME_NOT_RESOLVED') && m.url && new URL(m.url).hostname !== '127.0.0.1'))
    .map((m) => `${m.text} (${m.url ?? 'no url'})`);
}

function copyWarnings(log: PageLog): string[] {
  return log.console.filter((m) => m.type === 'warn' && m.text.includes('already defined by another copy')).map((m) => m.text);
}

describe('<nm-player> under a strict Content-Security-Policy', () => {
  it('plays the live show through hls.js with no CSP violation and no error', async () => {
    const { page, log } = await open('/csp.html');
    try {
      const player = await expectPlaying(page, log);
      expect(player).toMatchObject({ defined: true, hasVideo: true, videoStatus: 'playing', showStatus: 'live' });
      // Chromium's native HLS has no getStartDate(), and the show needs program date-time.
      expect(player.playback).toBe('hls.js');
      expect(player.streamTime).toEqual(expect.any(Number));
      // What the CSP's allowances are for was really used: MediaSource through a blob: URL
      // (media-src blob:), product images from an https host (img-src https:, refused by DNS here).
      expect(player.videoSrc).toMatch(/^blob:/);
      expect(log.requests.filter((url) => url.startsWith('https://images.example/'))).not.toEqual([]);

      // The live room (its own chunk) loads under the same policy: chat, reactions, ticker, and
      // a crowd reaction animates (Web Animations: no inline style).
      await page.waitForFunction(() => !!document.querySelector('nm-player')?.shadowRoot?.querySelector('nm-chat')?.shadowRoot?.querySelector('[part="messages"]'), {
        timeout: WAIT_MS,
      });
      expect(log.requests.some((url) => /\/chunks\/live-room-[\w-]+\.js$/.test(url))).toBe(true);
      const particles = await page.evaluate(() => {
        const reactions = document.querySelector('nm-player')!.shadowRoot!.querySelector('nm-reactions') as HTMLElement & { receive(c: Record<string, number>): void; particles: number };
        reactions.receive({ heart: 5 });
        return reactions.particles;
      });
      expect(particles).toBe(5);

      // Scrolled out of view, the player docks as a mini-player and keeps its place in the page
      // with a placeholder height: set without inline style, which this CSP refuses.
      await page.evaluate(() => {
        (document.querySelector('nm-player') as HTMLElement & { autoMini: boolean }).autoMini = true;
        window.scrollTo(0, document.body.scrollHeight);
      });
      await page.waitForFunction(() => document.querySelector('nm-player')?.hasAttribute('mini') === true, { timeout: WAIT_MS });
      const placeholder = await page.evaluate(
        () => document.querySelector<HTMLElement>('nm-player')?.style.getPropertyValue('--nm-mini-placeholder-height') ?? '',
      );
      expect(placeholder).toMatch(/^[1-9]\d*(\.\d+)?px$/);

      expect(violationsOf(log)).toEqual([]);
      expect(log.errors).toEqual([]);
      expect(unexpectedConsoleErrors(log)).toEqual([]);
      expect(copyWarnings(log)).toEqual([]);
    } finally {
      await page.close();
    }
  }, 90_000);

  it('with two copies of the bundle: nothing throws, one warning, the show still plays', async () => {
    const { page, log } = await open('/csp-two-copies.html');
    try {
      const player = await expectPlaying(page, log);
      expect(player).toMatchObject({ defined: true, hasVideo: true, videoStatus: 'playing', playback: 'hls.js' });
      expect(log.errors).toEqual([]);
      expect(violationsOf(log)).toEqual([]);
      expect(unexpectedConsoleErrors(log)).toEqual([]);
      expect(copyWarnings(log)).toHaveLength(1);
      // Both copies really ran: the page loaded each entry from its own path.
      const entries = await page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .map((e) => new URL(e.name).pathname)
          .filter((p) => p.endsWith('/nightmarket.js')),
      );
      expect(entries.sort()).toEqual(['/cdn-copy-2/nightmarket.js', '/cdn/nightmarket.js']);
    } finally {
      await page.close();
    }
  }, 90_000);
});
