#!/usr/bin/env -S npx tsx
/**
 * `npm start`: the reference backend (`@nightmarket/server`) with a demo show that is live at
 * once, its simulated live HLS stream, and the demo shop page (examples/demo-shop/) served by the
 * same server, so the page and the API share an origin. A scripted director runs the show: pins,
 * flash sales that really sell out, a presale with deposits, polls, and a crowd that chats, reacts
 * and buys. Ctrl-C (SIGINT) or SIGTERM stops everything cleanly.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { createNightmarketServer } from '@nightmarket/server';
import { demoProducts, demoShow, runShowScript } from '../examples/demo-shop/show-script.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const shopDir = `${root}examples/demo-shop/`;
const port = Number(process.env['PORT'] ?? 8080);
const adminToken = process.env['NIGHTMARKET_ADMIN_TOKEN'] ?? `demo-${crypto.randomUUID()}`;

if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`npm start: PORT must be a port number (0–65535), got ${JSON.stringify(process.env['PORT'])}`);
  process.exit(2);
}

const bundle = await build({
  entryPoints: [`${shopDir}shop.ts`],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  write: false,
  minify: true,
  sourcemap: 'linked',
  outdir: '/demo',
  // hls.js is its own chunk, loaded only where the player needs it.
  splitting: true,
  conditions: ['browser'],
  alias: {
    '@nightmarket/client': `${root}packages/client/src/index.ts`,
    '@nightmarket/player/define': `${root}packages/player/src/define.ts`,
    '@nightmarket/player': `${root}packages/player/src/index.ts`,
  },
  logLevel: 'warning',
});
const assets = new Map<string, { type: string; body: Uint8Array | string }>([
  ['/', { type: 'text/html; charset=utf-8', body: await readFile(`${shopDir}index.html`) }],
  ['/shop.css', { type: 'text/css; charset=utf-8', body: await readFile(`${shopDir}shop.css`) }],
]);
for (const file of bundle.outputFiles) {
  const name = file.path.slice(file.path.lastIndexOf('/'));
  assets.set(name, { type: name.endsWith('.map') ? 'application/json' : 'text/javascript; charset=utf-8', body: file.contents });
}

let server: Awaited<ReturnType<typeof createNightmarketServer>>;
try {
  server = await createNightmarketServer({
    port,
    adminToken,
    extraRoutes: (app) => {
      app.get('/demo/img/:name', (c) => {
        const svg = productImage(c.req.param('name'));
        return svg ? c.body(svg, 200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'max-age=3600' }) : c.notFound();
      });
      app.get('*', (c) => {
        const asset = assets.get(new URL(c.req.url).pathname);
        if (!asset) return c.notFound();
        return c.body(asset.body as never, 200, {
          'Content-Type': asset.type,
          'Cache-Control': 'no-store',
          // The page needs nothing inline and nothing from other origins.
          'Content-Security-Policy':
            "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types lit-html",
        });
      });
    },
  });
} catch (error) {
  const code = (error as { code?: string }).code;
  console.error(
    code === 'EADDRINUSE'
      ? `npm start: port ${port} on 127.0.0.1 is taken; run with another one, e.g. PORT=8081 npm start`
      : `npm start: ${(error as Error).message}`,
  );
  process.exit(1);
}

const origin = server.url.replace(/\/$/, '');
const engine = server.registry.create({ show: demoShow(origin), products: demoProducts(origin) });
const script = new AbortController();
void runShowScript(engine, script.signal).catch((error: unknown) => {
  if (!script.signal.aborted) console.error('npm start: the show script stopped:', error);
});

console.log(`Night Market demo shop: ${server.url}`);
console.log(`  protocol API ${server.url}api/  ·  live stream ${server.url}streams/${engine.id}/live.m3u8`);
console.log(`  admin token (for POST ${server.url}api/shows/${engine.id}/commands): ${adminToken}`);
console.log('Press Ctrl-C to stop.');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    script.abort();
    console.log('\nStopping…');
    void server.close().then(() => process.exit(0));
  });
}

/** A product picture drawn as SVG, so the demo needs no image files and no outside hosts. */
function productImage(name: string): string | undefined {
  const art: Record<string, [string, string, string]> = {
    'robot-vacuum.svg': ['#e8eef6', '#2f4a6d', 'M60 130a70 70 0 1 0 140 0a70 70 0 1 0-140 0M110 130a20 20 0 1 0 40 0a20 20 0 1 0-40 0'],
    'air-purifier.svg': ['#eef6ee', '#2f6d3a', 'M90 40h80v170H90zM105 60h50M105 80h50M105 100h50'],
    'tea-set.svg': ['#f6f1e8', '#7a5a2f', 'M70 120h100v40a30 30 0 0 1-30 30h-40a30 30 0 0 1-30-30zM170 130h20a15 15 0 0 1 0 30h-20'],
    'rocket-launch.svg': ['#eceaf6', '#3d2f6d', 'M130 30c30 30 35 90 20 150h-40c-15-60-10-120 20-150zM110 180l-20 30h80l-20-30'],
  };
  const entry = art[name];
  if (!entry) return undefined;
  const [bg, fg, path] = entry;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 260 260"><rect width="260" height="260" fill="${bg}"/><path d="${path}" fill="none" stroke="${fg}" stroke-width="8" stroke-linejoin="round"/></svg>`;
}
