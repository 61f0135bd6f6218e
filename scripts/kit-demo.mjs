#!/usr/bin/env node
// `npm run demo:kit`: serves a page that runs @nightmarket/client
// against @nightmarket/testing in the browser (msw service worker + the real show engine).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const demo = `${root}examples/kit-demo/`;
const port = Number(process.env.PORT ?? 5173);

const bundle = await build({
  entryPoints: [`${demo}demo.ts`],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  write: false,
  sourcemap: 'inline',
  conditions: ['browser'],
  alias: {
    '@nightmarket/client': `${root}packages/client/src/index.ts`,
    '@nightmarket/engine': `${root}packages/engine/src/index.ts`,
    '@nightmarket/testing': `${root}packages/testing/src/index.ts`,
  },
  logLevel: 'warning',
});
const files = {
  '/': { type: 'text/html; charset=utf-8', body: await readFile(`${demo}index.html`) },
  '/demo.css': { type: 'text/css; charset=utf-8', body: await readFile(`${demo}demo.css`) },
  '/demo.js': { type: 'text/javascript; charset=utf-8', body: bundle.outputFiles[0].contents },
  '/mockServiceWorker.js': {
    type: 'text/javascript; charset=utf-8',
    body: await readFile(fileURLToPath(import.meta.resolve('msw/mockServiceWorker.js'))),
  },
};

const server = createServer((req, res) => {
  const file = files[new URL(req.url ?? '/', 'http://x').pathname];
  if (!file) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    return;
  }
  res.writeHead(200, { 'Content-Type': file.type, 'Cache-Control': 'no-store' }).end(file.body);
});
server.on('error', (error) => {
  console.error(
    error.code === 'EADDRINUSE'
      ? `npm start: port ${port} on 127.0.0.1 is taken; run with another one, e.g. PORT=5174 npm run demo:kit`
      : `npm start: ${error.message}`,
  );
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  console.log(`Night Market demo (client + test kit): http://127.0.0.1:${port}/`);
  console.log('Press Ctrl+C to stop.');
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
