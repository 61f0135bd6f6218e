#!/usr/bin/env node
/**
 * `npm run build`: for each workspace package, in dependency order (client → engine → testing):
 *
 * 1. JavaScript: rollup with rollup.config.mjs → packages/<x>/dist/<entry>.js (+ source maps);
 * 2. declarations: tsc -p packages/<x>/tsconfig.build.json → packages/<x>/temp/types
 *    (no `paths`: @nightmarket/* resolve like a consumer's, through node_modules to dist/, which
 *    is why the order matters);
 * 3. api-extractor rolls temp/types up into packages/<x>/dist/<entry>.d.ts; a subset entry (an
 *    element entry of the player: see `subset` in scripts/lib/workspace.mjs) gets a dist/<entry>.d.ts
 *    that re-exports its names from dist/index.d.ts. The sources' `declare global` blocks, which
 *    api-extractor leaves out, are appended to dist/index.d.ts.
 *
 * A package whose entry source does not exist yet is skipped with a note.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rollup } from 'rollup';
import { configFor } from '../rollup.config.mjs';
import { budgetSizes, buildCdn, checkBudgets } from './cdn.mjs';
import { globalAugmentations, runApiExtractor, subsetDeclarations, subsetError } from './api.mjs';
import { binPath, buildablePackages, rel, root } from './lib/workspace.mjs';

const tsc = binPath('typescript', 'tsc');

function fail(message) {
  console.error(`build: ${message}`);
  process.exit(1);
}

for (const pkg of buildablePackages('build')) {
  const name = pkg.manifest.name;
  const started = performance.now();
  rmSync(join(pkg.path, 'dist'), { recursive: true, force: true });
  rmSync(join(pkg.path, 'temp'), { recursive: true, force: true });

  const options = configFor(pkg);
  const bundle = await rollup(options);
  await bundle.write(/** @type {import('rollup').OutputOptions} */ (options.output));
  await bundle.close();

  const tsconfig = join(pkg.path, 'tsconfig.build.json');
  const types = spawnSync(process.execPath, [tsc, '-p', tsconfig], { cwd: root, stdio: 'inherit' });
  if (types.status !== 0) fail(`${name}: tsc -p ${rel(tsconfig)} failed`);

  let deferred = 0;
  for (const entry of pkg.entries) {
    if (entry.subset) {
      // Re-exports of the main entry's declarations: each class declared once in the package.
      const { missing, text } = subsetDeclarations(pkg, entry);
      if (missing.length > 0) fail(subsetError(pkg, entry, missing));
      writeFileSync(entry.types, text);
      continue;
    }
    const r = runApiExtractor(pkg, entry, 'dts');
    if (!r.ok) fail(`${name}: api-extractor could not roll up ${rel(entry.types)}`);
    deferred += r.deferred;
    // api-extractor drops `declare global` (tag names, event maps): the main entry carries them.
    const globals = entry.subpath === '.' ? globalAugmentations(pkg) : [];
    if (globals.length > 0) appendFileSync(entry.types, `\n${globals.join('\n\n')}\n`);
  }
  const ms = Math.round(performance.now() - started);
  const note = deferred > 0 ? ' (api-extractor reported documentation problems: see `npm run api`)' : '';
  console.log(`build: ${name} → ${pkg.entries.map((e) => rel(e.types).replace(/\.d\.ts$/, '.{js,d.ts}')).join(', ')} in ${ms} ms${note}`);
}

// The player's CDN bundle, from the dist/ just built, with its size budget; its Custom Elements
// Manifest and VS Code data, from the elements' JSDoc.
const playerPackage = buildablePackages('cdn').find((p) => p.manifest.name === '@nightmarket/player');
if (playerPackage) {
  const started = performance.now();
  const cem = spawnSync(process.execPath, [binPath('@custom-elements-manifest/analyzer', 'cem'), 'analyze', '--config', 'custom-elements-manifest.config.mjs'], {
    cwd: playerPackage.path,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (cem.status !== 0) fail('@nightmarket/player: custom-elements-manifest analyze failed');
  const { sizes } = await buildCdn();
  const core = budgetSizes(sizes)['player core'];
  const lazy = Object.entries(sizes).filter(([f]) => !core.files.includes(f));
  console.log(
    `build: @nightmarket/player → packages/player/cdn/nightmarket.js (core ${core.files.join(' + ')}: ${(core.gzip / 1024).toFixed(1)} KB gzip; lazy: ${lazy
      .map(([f, s]) => `${f} ${(s.gzip / 1024).toFixed(1)} KB`)
      .join(', ')}) in ${Math.round(performance.now() - started)} ms`,
  );
  const over = checkBudgets(sizes);
  if (over.length > 0) fail(`size budget exceeded: ${over.join('; ')}`);
}
