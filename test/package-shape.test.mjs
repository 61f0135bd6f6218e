/**
 * The shape of what gets published, tested the way a consumer meets it: Node's own resolver
 * goes through node_modules/@nightmarket/* and each package.json `exports` map to the built
 * dist/ (no aliases, no sources). Run by `npm test` after the build, with `node --test`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { workspacePackages } from '../scripts/lib/workspace.mjs';

/** A few named exports per entry point, and what they must be (add a line for a new package). */
const EXPECTED = {
  '@nightmarket/client': { createClient: 'function', NightmarketClient: 'class', validate: 'function', parseEvent: 'function', applyEvent: 'function', fromSnapshot: 'function', NightmarketError: 'class' },
  '@nightmarket/engine': { createHttpHandler: 'function', ShowEngine: 'class', ShowRegistry: 'class', MemoryStore: 'class', ProblemError: 'class' },
  '@nightmarket/testing': { createTestBackend: 'function', TestBackend: 'class', ShowDirector: 'class', Faults: 'class' },
  '@nightmarket/server': { createNightmarketServer: 'function', SqliteStore: 'class', SimulatedLiveStream: 'class', loadShowsFile: 'function' },
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
