#!/usr/bin/env node
/**
 * api-extractor for every public entry point of the workspace packages.
 *
 *   node scripts/api.mjs           CI mode: fails if an API report (packages/<x>/etc/*.api.md) is
 *                                  not what the code exports now, or on any api-extractor message
 *   node scripts/api.mjs --local   updates the reports (review the diff, then commit it)
 *
 * Both need the declarations tsc wrote to packages/<x>/temp/types: run `npm run build` first
 * (npm test does). The build itself calls runApiExtractor(…, 'dts') to roll up dist/*.d.ts.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import ts from 'typescript';
import { buildablePackages, rel } from './lib/workspace.mjs';

/** temp/types/… declarations tsc wrote for an entry's source. */
function tscTypes(pkg, source) {
  return join(pkg.path, 'temp/types', relative(join(pkg.path, 'src'), source).replace(/\.ts$/, '.d.ts'));
}

/**
 * The declarations of a subset entry (see `subset` in scripts/lib/workspace.mjs): the names its
 * source exports, re-exported from the main entry's rolled-up declarations, so each is declared
 * once in the package. `missing` lists names the main entry does not export (an error: the main
 * entry's API report would not cover them).
 *
 * @param {import('./lib/workspace.mjs').WorkspacePackage} pkg
 * @param {import('./lib/workspace.mjs').Entry} entry
 * @returns {{ names: string[], missing: string[], text: string }}
 */
export function subsetDeclarations(pkg, entry) {
  const files = { entry: tscTypes(pkg, entry.source), main: join(pkg.path, 'temp/types/index.d.ts') };
  for (const file of Object.values(files)) {
    if (!existsSync(file)) throw new Error(`${rel(file)} is missing: run \`npm run build\` first`);
  }
  const program = ts.createProgram(Object.values(files), { noEmit: true, skipLibCheck: true, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler });
  const checker = program.getTypeChecker();
  const exportsOf = (file) => checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file))).map((s) => s.name).sort();
  const names = exportsOf(files.entry);
  const main = new Set(exportsOf(files.main));
  const missing = names.filter((n) => !main.has(n));
  const specifier = `${pkg.manifest.name}/${entry.subpath.slice(2)}`;
  const text = `// ${specifier}: ${names.join(', ')} as declared once, in ${pkg.manifest.name}'s index.d.ts.\nexport { ${names.join(', ')} } from './index.js';\n`;
  return { names, missing, text };
}

/**
 * The `declare global { … }` blocks of a package's declarations (`HTMLElementTagNameMap`,
 * `GlobalEventHandlersEventMap` augmentations), which api-extractor's rollup leaves out: without
 * them an app's `document.querySelector('nm-player')` is a plain Element and its
 * `addEventListener('nm-add-to-cart', …)` gets an untyped Event. The build appends them to the main
 * entry's dist/index.d.ts, where every name they use is declared.
 *
 * @param {import('./lib/workspace.mjs').WorkspacePackage} pkg
 * @returns {string[]} the blocks' text, one per module, in file order
 */
export function globalAugmentations(pkg) {
  const dir = join(pkg.path, 'temp/types');
  const files = readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.d.ts')).sort();
  const blocks = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(join(dir, file), 'utf8'), ts.ScriptTarget.Latest, true);
    for (const statement of source.statements) {
      if (ts.isModuleDeclaration(statement) && statement.flags & ts.NodeFlags.GlobalAugmentation) {
        blocks.push(`// from ${pkg.manifest.name}'s src/${file.replace(/\.d\.ts$/, '.ts')}\n${statement.getText(source)}`);
      }
    }
  }
  return blocks;
}

/** The error for a subset entry that exports names the main entry does not. */
export function subsetError(pkg, entry, missing) {
  const config = rel(entry.apiConfig);
  return `${pkg.manifest.name}/${entry.subpath.slice(2)} (${rel(entry.source)}) exports ${missing.join(', ')}, which ${pkg.manifest.name} (src/index.ts) does not. Export ${missing.length > 1 ? 'them' : 'it'} from src/index.ts too (the main entry's declarations and API report cover its subsets), or give the entry its own ${config} and API report.`;
}

/**
 * Runs api-extractor on one entry point.
 *
 * - `check`: compare the report with the committed one; any message is an error.
 * - `local`: write the report; any message is an error.
 * - `dts`: only roll up the declarations into dist/. Documentation messages are counted, not
 *   fatal: the `api` step owns that policy, and a missing doc comment should not stop a build.
 *
 * @param {import('./lib/workspace.mjs').WorkspacePackage} pkg
 * @param {import('./lib/workspace.mjs').Entry} entry
 * @param {'check' | 'local' | 'dts'} mode
 * @returns {{ ok: boolean, errors: number, deferred: number, changed: boolean }}
 */
export function runApiExtractor(pkg, entry, mode) {
  const configObject = ExtractorConfig.loadFile(entry.apiConfig);
  if (mode === 'dts') {
    configObject.apiReport = { ...configObject.apiReport, enabled: false };
  } else {
    // Checking never touches dist/: the build wrote it from the same declarations.
    configObject.dtsRollup = { ...configObject.dtsRollup, enabled: false };
  }
  const config = ExtractorConfig.prepare({
    configObject,
    configObjectFullPath: entry.apiConfig,
    packageJsonFullPath: join(pkg.path, 'package.json'),
  });
  if (!existsSync(config.mainEntryPointFilePath)) {
    throw new Error(`${rel(config.mainEntryPointFilePath)} is missing: run \`npm run build\` first`);
  }
  mkdirSync(config.reportFolder, { recursive: true });
  let deferred = 0;
  const result = Extractor.invoke(config, {
    localBuild: mode === 'local',
    messageCallback(message) {
      const documentation = message.category === 'Extractor' || message.category === 'TSDoc';
      if (mode === 'dts' && documentation && (message.logLevel === 'error' || message.logLevel === 'warning')) {
        deferred++;
        message.logLevel = 'none';
        message.handled = true;
      }
    },
  });
  return {
    ok: result.succeeded,
    errors: result.errorCount + result.warningCount,
    deferred,
    changed: result.apiReportChanged,
  };
}

async function main() {
  const local = process.argv.includes('--local');
  let failed = 0;
  for (const pkg of buildablePackages('api')) {
    for (const entry of pkg.entries) {
      const label = `${pkg.manifest.name}${entry.subpath === '.' ? '' : entry.subpath.slice(1)}`;
      if (entry.subset) {
        const { names, missing } = subsetDeclarations(pkg, entry);
        if (missing.length === 0) {
          console.log(`api: ${label}: ok (exports ${names.join(', ')}, in ${pkg.manifest.name}'s report)`);
        } else {
          failed++;
          console.error(`api: ${subsetError(pkg, entry, missing)}`);
        }
        continue;
      }
      const r = runApiExtractor(pkg, entry, local ? 'local' : 'check');
      if (r.ok) {
        console.log(`api: ${label}: ok${local && r.changed ? ' (report updated: review and commit it)' : ''}`);
        continue;
      }
      failed++;
      if (r.errors > 0) {
        console.error(`api: ${label}: ${r.errors} message(s) above. Every exported symbol needs a doc comment, and every type the API uses must be exported.`);
      }
      if (r.changed && !local) {
        console.error(`api: ${label}: the public API differs from its committed report. If that is intended, run \`npm run api:update\`, review and commit the report.`);
      }
    }
  }
  if (failed > 0) process.exit(1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
