/**
 * The workspace packages as the build, API and package-shape steps see them: in build order, with
 * their entry points read from each package.json `exports` map (so a new entry point needs no
 * change here), and whether they can be built yet.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/**
 * The root package.json `workspaces` (folders under packages/), in build order: a package comes
 * after the workspace packages it depends on, because its declarations import their dist/
 * (engine's import @nightmarket/client). Otherwise the order of `workspaces` is kept.
 */
export const PACKAGE_DIRS = buildOrder(readJson(join(root, 'package.json')).workspaces.map((w) => w.replace(/^packages\//, '')));

function buildOrder(dirs) {
  const manifests = new Map(dirs.map((dir) => [dir, readJson(join(root, 'packages', dir, 'package.json'))]));
  const dirOf = new Map([...manifests].map(([dir, m]) => [m.name, dir]));
  const ordered = [];
  const visiting = new Set();
  const visit = (dir) => {
    if (ordered.includes(dir)) return;
    if (visiting.has(dir)) throw new Error(`workspace packages depend on each other in a cycle through packages/${dir}`);
    visiting.add(dir);
    const m = manifests.get(dir);
    for (const dep of Object.keys({ ...m.dependencies, ...m.peerDependencies })) {
      if (dirOf.has(dep)) visit(dirOf.get(dep));
    }
    visiting.delete(dir);
    ordered.push(dir);
  };
  dirs.forEach(visit);
  return ordered;
}

/**
 * @typedef {object} Entry
 * @property {string} subpath     export subpath, e.g. "." or "./protocol"
 * @property {string} name        output name: dist/<name>.js and dist/<name>.d.ts
 * @property {string} source      absolute path of the TypeScript entry
 * @property {string} types       absolute path of the rolled-up declarations
 * @property {string} apiConfig   absolute path of the api-extractor config for this entry
 * @property {boolean} subset     a subset of the main entry (`.`): it has no api-extractor config
 *                                of its own, exports only names the main entry exports too (the
 *                                element entries of @nightmarket/player, `./nm-player`…), and its
 *                                declarations re-export them from dist/index.d.ts, so each class is
 *                                declared once (TypeScript treats two declarations of a class with
 *                                `#private` members as two unrelated types) and its API is in the
 *                                main entry's report. See subsetDeclarations() in scripts/api.mjs.
 *
 * @typedef {object} Bin
 * @property {string} command     command name, e.g. "nightmarket-server"
 * @property {string} name        output name: dist/<name>.js (no declarations, no API report)
 * @property {string} source      absolute path of the TypeScript entry (its #! line is kept)
 *
 * @typedef {object} WorkspacePackage
 * @property {string} dir         "client"
 * @property {string} path        absolute package folder
 * @property {Record<string, any>} manifest  package.json
 * @property {Entry[]} entries   public entry points (`exports`)
 * @property {Bin[]} bins         commands (`bin`)
 * @property {string | null} skip why the package cannot be built yet, or null
 */

/** @returns {WorkspacePackage[]} */
export function workspacePackages() {
  const byName = new Map();
  const out = [];
  for (const dir of PACKAGE_DIRS) {
    const path = join(root, 'packages', dir);
    const manifest = readJson(join(path, 'package.json'));
    const entries = entriesOf(path, manifest);
    const bins = binsOf(path, manifest);
    let skip = null;
    const missing = [...entries, ...bins].filter((e) => !existsSync(e.source));
    if (missing.length > 0) {
      skip = `no ${missing.map((e) => rel(e.source)).join(', ')} yet`;
    } else {
      const deps = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });
      const blocked = deps.filter((d) => byName.get(d)?.skip);
      if (blocked.length > 0) skip = `depends on ${blocked.join(', ')}, which is skipped`;
    }
    const pkg = { dir, path, manifest, entries, bins, skip };
    byName.set(manifest.name, pkg);
    out.push(pkg);
  }
  return out;
}

/** The packages that can be built; prints one note per package that is skipped. */
export function buildablePackages(step) {
  const all = workspacePackages();
  for (const p of all) {
    if (p.skip) console.log(`note: ${step}: skipping ${p.manifest.name}: ${p.skip}`);
  }
  return all.filter((p) => !p.skip);
}

/** dist/<name>.js ← src/<name>.ts, or src/<name>/index.ts. */
function sourceOf(path, name) {
  const candidates = [join(path, 'src', `${name}.ts`), join(path, 'src', name, 'index.ts')];
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

const DIST_JS = /^(?:\.\/)?dist\/([\w-]+)\.js$/;

/** Entry points from the exports map: every condition object whose `default` is ./dist/<name>.js. */
function entriesOf(path, manifest) {
  const entries = [];
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (typeof target !== 'object' || target === null) continue;
    const match = DIST_JS.exec(target.default ?? '');
    if (!match) continue;
    const name = match[1];
    const source = sourceOf(path, name);
    const apiConfig = join(path, name === 'index' ? 'api-extractor.json' : `api-extractor.${name}.json`);
    entries.push({
      subpath,
      name,
      source,
      types: join(path, target.types ?? `dist/${name}.d.ts`),
      apiConfig,
      subset: subpath !== '.' && !existsSync(apiConfig),
    });
  }
  return entries;
}

/** Commands from `bin` ("bin": "./dist/cli.js" or { "name": "./dist/cli.js" }). */
function binsOf(path, manifest) {
  const bin = typeof manifest.bin === 'string' ? { [manifest.name.replace(/^@[^/]+\//, '')]: manifest.bin } : manifest.bin ?? {};
  return Object.entries(bin).flatMap(([command, file]) => {
    const match = DIST_JS.exec(file);
    return match ? [{ command, name: match[1], source: sourceOf(path, match[1]) }] : [];
  });
}

export function rel(path) {
  return path.startsWith(root) ? path.slice(root.length) : path;
}

/** Absolute path of an installed package's command (its package.json `bin`), to run with `node`. */
export function binPath(pkg, command = pkg) {
  const dir = join(root, 'node_modules', pkg);
  const { bin } = readJson(join(dir, 'package.json'));
  const file = typeof bin === 'string' ? bin : bin?.[command];
  if (!file) throw new Error(`${pkg} has no "${command}" command`);
  return join(dir, file);
}
