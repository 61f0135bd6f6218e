/**
 * The shape of what gets published, tested the way a consumer meets it: Node's own resolver
 * goes through node_modules/@nightmarket/* and each package.json `exports` map to the built
 * dist/ (no aliases, no sources). Run by `npm test` after the build, with `node --test`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import ts from 'typescript';
import { root, workspacePackages } from '../scripts/lib/workspace.mjs';

/** A few named exports per entry point, and what they must be (add a line for a new package). */
const EXPECTED = {
  '@nightmarket/client': { createClient: 'function', NightmarketClient: 'class', validate: 'function', parseEvent: 'function', applyEvent: 'function', fromSnapshot: 'function', NightmarketError: 'class' },
  '@nightmarket/engine': { createHttpHandler: 'function', ShowEngine: 'class', ShowRegistry: 'class', MemoryStore: 'class', ProblemError: 'class' },
  '@nightmarket/testing': { createTestBackend: 'function', TestBackend: 'class', ShowDirector: 'class', Faults: 'class' },
  '@nightmarket/server': { createNightmarketServer: 'function', SqliteStore: 'class', SimulatedLiveStream: 'class', loadShowsFile: 'function' },
  '@nightmarket/player': { NmPlayer: 'class', NmProductDrawer: 'class', NmProductCard: 'class', VideoController: 'class', Localizer: 'class' },
  '@nightmarket/player/define': { DEFINED_TAGS: 'object' },
  '@nightmarket/player/nm-player': { NmPlayer: 'class' },
  '@nightmarket/player/nm-product-drawer': { NmProductDrawer: 'class' },
  '@nightmarket/player/nm-product-card': { NmProductCard: 'class' },
  '@nightmarket/player/nm-cart': { NmCart: 'class' },
  '@nightmarket/player/nm-buy-sheet': { NmBuySheet: 'class' },
  '@nightmarket/player/nm-countdown': { NmCountdown: 'class' },
  '@nightmarket/player/nm-chat': { NmChat: 'class' },
  '@nightmarket/player/nm-poll': { NmPoll: 'class' },
  '@nightmarket/player/nm-reactions': { NmReactions: 'class' },
  '@nightmarket/player/nm-purchase-ticker': { NmPurchaseTicker: 'class' },
  '@nightmarket/player/nm-viewer-count': { NmViewerCount: 'class' },
};

const kindOf = (value) =>
  typeof value === 'function' ? (/^class[\s{]/.test(Function.prototype.toString.call(value)) ? 'class' : 'function') : typeof value;

/** Every `types` target in an exports map, with its path in the map. */
function typesTargets(exports, path = ['exports']) {
  if (typeof exports !== 'object' || exports === null) return [];
  return Object.entries(exports).flatMap(([key, value]) =>
    key === 'types' && typeof value === 'string' ? [[[...path, key].join('.'), value]] : typesTargets(value, [...path, key]),
  );
}

function packedFiles(dir) {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(out)[0].files.map((f) => f.path);
}

for (const pkg of workspacePackages()) {
  const name = pkg.manifest.name;
  // A package that cannot be built yet is reported as skipped, with the reason, never silently.
  describe(name, { skip: pkg.skip ? `not built: ${pkg.skip}` : false }, () => {
    it('passes publint with no errors or warnings', async () => {
      const { messages, pkg: manifest } = await publint({ pkgDir: pkg.path, level: 'warning', strict: true, pack: 'npm' });
      const problems = messages.filter((m) => m.type !== 'suggestion');
      assert.deepEqual(problems.map((m) => `${m.type}: ${formatMessage(m, manifest, { color: false })}`), []);
    });

    it('has a file behind every `types` in its exports map', () => {
      const targets = typesTargets(pkg.manifest.exports);
      assert.ok(targets.length > 0, 'no types in exports');
      for (const [where, target] of targets) assert.ok(existsSync(join(pkg.path, target)), `${where}: ${target} does not exist`);
    });

    for (const entry of pkg.entries) {
      const specifier = entry.subpath === '.' ? name : `${name}/${entry.subpath.slice(2)}`;
      it(`imports ${specifier} by name, with named exports only`, async () => {
        const mod = await import(specifier);
        assert.equal('default' in mod, false, `${specifier} has a default export`);
        const expected = EXPECTED[specifier] ?? {};
        assert.ok(Object.keys(mod).length > 0, `${specifier} exports nothing`);
        for (const [exportName, kind] of Object.entries(expected)) {
          assert.ok(exportName in mod, `${specifier} does not export ${exportName}`);
          assert.equal(kindOf(mod[exportName]), kind, `${specifier}: ${exportName} should be a ${kind}`);
        }
      });
    }

    for (const bin of pkg.bins) {
      it(`builds the ${bin.command} command as a Node script`, () => {
        const text = readFileSync(join(pkg.path, 'dist', `${bin.name}.js`), 'utf8');
        assert.match(text, /^#!\/usr\/bin\/env node\n/);
      });
    }

    it('publishes dist and no sources, tests or build leftovers', () => {
      const files = packedFiles(pkg.path);
      assert.ok(files.includes('package.json'));
      for (const bin of pkg.bins) assert.ok(files.includes(`dist/${bin.name}.js`), `dist/${bin.name}.js is not packed`);
      for (const entry of pkg.entries) {
        assert.ok(files.includes(`dist/${entry.name}.js`), `dist/${entry.name}.js is not packed`);
        assert.ok(files.includes(`dist/${entry.name}.d.ts`), `dist/${entry.name}.d.ts is not packed`);
      }
      const unwanted = files.filter((f) => /^(src|test|temp|etc)\//.test(f) || /\.test\.|tsconfig|api-extractor/.test(f));
      assert.deepEqual(unwanted, []);
    });

    it('built files import nothing from sources or other packages\' folders', () => {
      const dist = join(pkg.path, 'dist');
      const files = readdirSync(dist, { recursive: true }).filter((f) => /\.(js|d\.ts)$/.test(f));
      for (const file of files) {
        const text = readFileSync(join(dist, file), 'utf8');
        const specifiers = [...text.matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
        const bad = specifiers.filter((s) => /\/src\/|\.ts$|^\.\.\/\.\.\//.test(s) || (s.startsWith('.') && !/\.js$/.test(s)));
        assert.deepEqual(bad, [], `dist/${file}`);
      }
    });
  });
}

describe('@nightmarket/client/schema.json', () => {
  it('resolves through the exports map to the generated JSON Schema', async () => {
    const { default: schema } = await import('@nightmarket/client/schema.json', { with: { type: 'json' } });
    assert.equal(schema.$id, 'urn:nightmarket:protocol:1');
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.ok(schema.$defs.Snapshot && schema.$defs.ShowEvent && schema.$defs.AdminCommand);
  });
});

/**
 * The player as an app installs it: the packed tarball (`npm pack`, so exactly the published
 * files) unpacked into a fresh node_modules beside its declared dependencies only (links to the
 * workspace's copies), outside the repository, then imported in a fresh Node process and compiled
 * against by TypeScript. Proves each element entry (`@nightmarket/player/nm-player`, …) resolves
 * through the exports map, exports its class — the same class object as the main entry, declared
 * once for TypeScript — and defines nothing until `@nightmarket/player/define` is imported.
 */
describe('@nightmarket/player installed from its packed tarball', () => {
  const player = workspacePackages().find((p) => p.manifest.name === '@nightmarket/player');
  const skip = !player ? 'no packages/player' : player.skip ? `not built: ${player.skip}` : false;
  /** Element entries: subpath → [class name, tag]. */
  const ELEMENTS = {
    './nm-player': ['NmPlayer', 'nm-player'],
    './nm-product-drawer': ['NmProductDrawer', 'nm-product-drawer'],
    './nm-product-card': ['NmProductCard', 'nm-product-card'],
    './nm-cart': ['NmCart', 'nm-cart'],
    './nm-buy-sheet': ['NmBuySheet', 'nm-buy-sheet'],
    './nm-countdown': ['NmCountdown', 'nm-countdown'],
    './nm-chat': ['NmChat', 'nm-chat'],
    './nm-poll': ['NmPoll', 'nm-poll'],
    './nm-reactions': ['NmReactions', 'nm-reactions'],
    './nm-purchase-ticker': ['NmPurchaseTicker', 'nm-purchase-ticker'],
    './nm-viewer-count': ['NmViewerCount', 'nm-viewer-count'],
  };
  let app = '';

  before(() => {
    if (skip) return;
    app = mkdtempSync(join(tmpdir(), 'nightmarket-app-'));
    const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', app], { cwd: player.path, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const installed = join(app, 'node_modules/@nightmarket/player');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', join(app, JSON.parse(tarball)[0].filename), '-C', installed, '--strip-components=1']);
    for (const dep of Object.keys(player.manifest.dependencies)) {
      mkdirSync(dirname(join(app, 'node_modules', dep)), { recursive: true });
      symlinkSync(join(root, 'node_modules', dep), join(app, 'node_modules', dep), 'dir');
    }
    writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'nightmarket-app', private: true, type: 'module' })}\n`);
  });
  after(() => {
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it('has one entry per element in its exports map', { skip }, () => {
    const subpaths = Object.keys(player.manifest.exports).filter((s) => s.startsWith('./nm-'));
    assert.deepEqual(subpaths.sort(), Object.keys(ELEMENTS).sort(), 'element entries in packages/player/package.json "exports"');
  });

  it('imports each element entry, which exports the main entry\'s class and defines nothing; define defines them', { skip }, () => {
    // A fresh process: this file has already defined the tags from the workspace's dist/.
    const probe = join(app, 'probe.mjs');
    writeFileSync(
      probe,
      `const elements = ${JSON.stringify(ELEMENTS)};
const report = { entries: {}, definedBefore: [], definedAfter: {} };
for (const [subpath, [name]] of Object.entries(elements)) {
  const mod = await import('@nightmarket/player' + subpath.slice(1));
  report.entries[subpath] = { exports: Object.keys(mod), isClass: /^class[\\s{]/.test(Function.prototype.toString.call(mod[name])), cls: mod[name] };
}
report.definedBefore = Object.values(elements).map(([, tag]) => tag).filter((tag) => customElements.get(tag));
const main = await import('@nightmarket/player');
for (const entry of Object.values(report.entries)) entry.sameAsMain = Object.values(main).includes(entry.cls);
await import('@nightmarket/player/define');
for (const [, [name, tag]] of Object.entries(elements)) report.definedAfter[tag] = customElements.get(tag) === main[name];
for (const entry of Object.values(report.entries)) delete entry.cls;
console.log(JSON.stringify(report));
`,
    );
    const report = JSON.parse(execFileSync(process.execPath, [probe], { cwd: app, encoding: 'utf8' }));
    for (const [subpath, [name, tag]] of Object.entries(ELEMENTS)) {
      const entry = report.entries[subpath];
      assert.deepEqual(entry.exports, [name], `@nightmarket/player${subpath.slice(1)} exports`);
      assert.ok(entry.isClass, `${name} is a class`);
      assert.ok(entry.sameAsMain, `${name} from @nightmarket/player${subpath.slice(1)} is the class @nightmarket/player exports (one copy)`);
      assert.equal(report.definedAfter[tag], true, `@nightmarket/player/define defines <${tag}> as ${name}`);
    }
    assert.deepEqual(report.definedBefore, [], 'tags defined by importing the element entries alone');
  });

  it('lists each element entry in its custom-elements.json, at a path that is published', { skip }, () => {
    const installed = join(app, 'node_modules/@nightmarket/player');
    const manifest = JSON.parse(readFileSync(join(installed, 'custom-elements.json'), 'utf8'));
    for (const mod of manifest.modules) assert.ok(existsSync(join(installed, mod.path)), `custom-elements.json: module ${mod.path} is not in the package`);
    const definitions = manifest.modules.find((m) => m.path === 'dist/define.js')?.exports ?? [];
    for (const [subpath, [name, tag]] of Object.entries(ELEMENTS)) {
      const file = player.manifest.exports[subpath].default.slice(2);
      const mod = manifest.modules.find((m) => m.path === file);
      assert.ok(mod, `custom-elements.json has no module ${file} (@nightmarket/player${subpath.slice(1)})`);
      assert.ok(mod.declarations.some((d) => d.name === name && d.tagName === tag && d.customElement), `${file} declares <${tag}>`);
      assert.deepEqual(
        definitions.filter((d) => d.name === tag).map((d) => d.declaration),
        [{ name, module: file }],
        `dist/define.js defines <${tag}>`,
      );
    }
  });

  it('types each element entry with the main entry\'s declarations (one class, not two), and the tags and events', { skip }, () => {
    const consumer = join(app, 'consumer.mts');
    writeFileSync(
      consumer,
      `import { NmPlayer, NmProductDrawer, NmProductCard } from '@nightmarket/player';
import { NmPlayer as PlayerElement, type PlayerLayout } from '@nightmarket/player/nm-player';
import { NmProductDrawer as DrawerElement } from '@nightmarket/player/nm-product-drawer';
import { NmProductCard as CardElement } from '@nightmarket/player/nm-product-card';
// Classes with #private members declared twice would be two unrelated types: these would not compile.
export const players: [NmPlayer, PlayerElement] = [new PlayerElement(), new NmPlayer()];
export const drawers: [NmProductDrawer, DrawerElement] = [new DrawerElement(), new NmProductDrawer()];
export const cards: [NmProductCard, CardElement] = [new CardElement(), new NmProductCard()];
export const layout: PlayerLayout = 'side';
// The tag names and events, from the declarations' \`declare global\`.
document.querySelector('nm-player')?.openProducts();
export const card: CardElement = document.createElement('nm-product-card');
document.addEventListener('nm-add-to-cart', (event) => event.detail.quantity.toFixed());
`,
    );
    const program = ts.createProgram([consumer], {
      noEmit: true,
      strict: true,
      // The package's own .d.ts are checked too: a name they use but do not declare, an import of a
      // package it does not depend on.
      skipLibCheck: false,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
      types: [],
    });
    // The consumer and the package's own declarations only (checking lit's and hls.js's is slow, and not ours to do).
    const ours = program.getSourceFiles().filter((f) => f.fileName === consumer || f.fileName.includes('/node_modules/@nightmarket/player/'));
    const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(), ...ours.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)])].map(
      (d) => `${d.file ? `${d.file.fileName.replace(app, '')}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    );
    assert.deepEqual(diagnostics, []);
  });
});
