#!/usr/bin/env node
/**
 * The player's CDN build: packages/player/cdn/nightmarket.js, the ES module a merchant loads with
 * `<script type="module" src="…/cdn/nightmarket.js" integrity="…">`. It is a small guard that
 * imports cdn/chunks/player-<hash>.js (the elements, defined on load, the client and lit) unless
 * another copy of the player is already on the page (see packages/player/src/cdn.ts: a second lit
 * would break a strict Trusted Types CSP); hls.js is split into cdn/chunks/hls-<hash>.js, its
 * light build into cdn/chunks/hls.light-<hash>.js (`hls-build="light"`), each imported only where
 * the browser needs it. Writes cdn/integrity.json (SRI hashes, also for
 * `<link rel="modulepreload" integrity>` of the chunks) and checks the size budget.
 *
 * Run by scripts/build.mjs after the packages; alone: `node scripts/cdn.mjs`.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import nodeResolve from '@rollup/plugin-node-resolve';
import { rollup } from 'rollup';
import esbuild from 'rollup-plugin-esbuild';
import { root } from './lib/workspace.mjs';

const player = join(root, 'packages/player');
const out = join(player, 'cdn');

/**
 * Size budgets, KB of gzip (level 9, summed over the files) — the issue's "player core ≤ 35 KB
 * min+gzip": the entry and the elements' chunk it loads at once, everything but hls.js.
 */
export const BUDGETS = [
  { name: 'player core', files: /^(nightmarket\.js|chunks\/player-[\w-]+\.js)$/, count: 2, kb: 35 },
  // The shopping elements (drawer, cards, cart, buy-now sheet, countdown), loaded once a show's state is in.
  { name: 'shop elements', files: /^chunks\/shop-elements-[\w-]+\.js$/, count: 1, kb: 12 },
];

/**
 * Minifies the CSS of lit `css\`…\`` templates without interpolations (esbuild leaves template
 * text alone): comments dropped, whitespace collapsed. What lit-plugin users get from
 * minify-html-literals, for the one kind of literal we have.
 */
function minifyCssLiterals() {
  return {
    name: 'nightmarket-minify-css-literals',
    transform(code, id) {
      if (!id.includes('/packages/player/')) return null;
      const next = code.replace(/\bcss`([^`$]*)`/g, (_, body) => {
        const min = body
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/\s+/g, ' ')
          .replace(/\s*([{}:;,>])\s*/g, '$1')
          .replace(/;}/g, '}')
          .trim();
        return `css\`${min}\``;
      });
      return next === code ? null : { code: next, map: null };
    },
  };
}

/**
 * Drops the protocol schemas' descriptions from the client in the CDN bundle. They document the
 * protocol (the JSON Schema and docs/protocol.md are generated from them) and never reach a
 * viewer; validation and its error messages are untouched. About 1.5 KB of gzip.
 */
function stripSchemaDescriptions() {
  const str = '"(?:[^"\\\\]|\\\\.)*"';
  const patterns = [
    [new RegExp(`\\bd\\(${str}\\)`, 'g'), 'd("")'],
    [new RegExp(`\\bcount\\(${str}\\)`, 'g'), 'count("")'],
    [new RegExp(`\\btext\\((\\d+), (\\d+), ${str}\\)`, 'g'), 'text($1, $2, "")'],
    [new RegExp(`\\bquantity\\((\\w+), ${str}\\)`, 'g'), 'quantity($1, "")'],
  ];
  return {
    name: 'nightmarket-strip-schema-descriptions',
    transform(code, id) {
      if (!id.replaceAll('\\', '/').endsWith('/packages/client/dist/index.js')) return null;
      let next = code;
      for (const [pattern, replacement] of patterns) next = next.replace(pattern, replacement);
      return next === code ? null : { code: next, map: null };
    },
  };
}

export async function buildCdn() {
  rmSync(out, { recursive: true, force: true });
  const bundle = await rollup({
    input: { nightmarket: join(player, 'src/cdn.ts') },
    plugins: [
      // Workspace packages resolve to their built dist/ through node_modules, like a consumer's.
      nodeResolve({ browser: true, exportConditions: ['browser', 'production', 'import', 'default'] }),
      minifyCssLiterals(),
      stripSchemaDescriptions(),
      esbuild({ target: 'es2022', minify: true, tsconfig: join(player, 'tsconfig.build.json'), define: { 'process.env.NODE_ENV': '"production"' } }),
    ],
    onwarn(warning, warn) {
      if (warning.code === 'CIRCULAR_DEPENDENCY' && /node_modules/.test(warning.message)) return;
      warn(warning);
    },
  });
  await bundle.write({
    dir: out,
    format: 'es',
    entryFileNames: '[name].js',
    // The chunk of src/define.ts holds all of the player but the guard: name it for what it is.
    chunkFileNames: (chunk) => `chunks/${chunk.name === 'define-player' ? 'player' : '[name]'}-[hash].js`,
    sourcemap: true,
  });
  await bundle.close();

  const files = [...readdirSync(out).filter((f) => f.endsWith('.js')), ...readdirSync(join(out, 'chunks')).map((f) => `chunks/${f}`).filter((f) => f.endsWith('.js'))];
  const integrity = {};
  const sizes = {};
  for (const file of files) {
    const content = readFileSync(join(out, file));
    integrity[file] = `sha384-${createHash('sha384').update(content).digest('base64')}`;
    sizes[file] = { min: content.length, gzip: gzipSync(content, { level: 9 }).length };
  }
  writeFileSync(join(out, 'integrity.json'), `${JSON.stringify(integrity, null, 2)}\n`);
  return { files, integrity, sizes };
}

/** gzip bytes of each budget's files, summed: `{ 'player core': { files, gzip } }`. */
export function budgetSizes(sizes) {
  return Object.fromEntries(
    BUDGETS.map((b) => {
      const files = Object.keys(sizes).filter((f) => b.files.test(f));
      return [b.name, { files, gzip: files.reduce((sum, f) => sum + sizes[f].gzip, 0) }];
    }),
  );
}

/** Fails (returns messages) when a budget's files are missing or over it. */
export function checkBudgets(sizes) {
  const over = [];
  const measured = budgetSizes(sizes);
  for (const b of BUDGETS) {
    const { files, gzip } = measured[b.name];
    if (files.length !== b.count) over.push(`${b.name}: expected ${b.count} files matching ${b.files}, found ${files.length} (${files.join(', ')})`);
    else if (gzip > b.kb * 1024) over.push(`${b.name} (${files.join(' + ')}): ${(gzip / 1024).toFixed(1)} KB gzip, budget ${b.kb} KB`);
  }
  return over;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { sizes } = await buildCdn();
  for (const [file, s] of Object.entries(sizes)) console.log(`cdn: ${file}: ${(s.min / 1024).toFixed(1)} KB min, ${(s.gzip / 1024).toFixed(1)} KB gzip`);
  const over = checkBudgets(sizes);
  if (over.length > 0) {
    for (const line of over) console.error(`cdn: over budget: ${line}`);
    process.exit(1);
  }
}
