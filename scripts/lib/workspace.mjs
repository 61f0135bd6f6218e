/**
 * The workspace packages as the build, API and package-shape steps see them: in build order, with
 * their entry points read from each package.json `exports` map (so a new entry point needs no
 * change here), and whether they can be built yet.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));

/** Build order: engine's declarations import @nightmarket/client's dist, testing imports both. */
export const PACKAGE_DIRS = ['client', 'engine', 'testing'];

/**
 * @typedef {object} Entry
 * @property {string} subpath     export subpath, e.g. "." or "./protocol"
 * @property {string} name        output name: dist/<name>.js and dist/<name>.d.ts
 * @property {string} source      absolute path of the TypeScript entry
 * @property {string} types       absolute path of the rolled-up declarations
 * @property {string} apiConfig   absolute path of the api-extractor config for this entry
 *
 * @typedef {object} WorkspacePackage
 * @property {string} dir         "client"
 * @property {string} path        absolute package folder
 * @property {Record<string, any>} manifest  package.json
 * @property {Entry[]} entries
 * @property {string | null} skip why the package cannot be built yet, or null
 */

/** @returns {WorkspacePackage[]} */
export function workspacePackages() {
  const byName = new Map();
  const out = [];
  for (const dir of PACKAGE_DIRS) {
    const path = join(root, 'packages', dir);
    const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
    const entries = entriesOf(path, manifest);
    let skip = null;
    const missing = entries.filter((e) => !existsSync(e.source));
    if (missing.length > 0) {
      skip = `no ${missing.map((e) => rel(e.source)).join(', ')} yet`;
    } else {
      const deps = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });
      const blocked = deps.filter((d) => byName.get(d)?.skip);
      if (blocked.length > 0) skip = `depends on ${blocked.join(', ')}, which is skipped`;
    }
    const pkg = { dir, path, manifest, entries, skip };
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

/** Entry points from the exports map: every condition object whose `default` is ./dist/<name>.js. */
function entriesOf(path, manifest) {
  const entries = [];
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (typeof target !== 'object' || target === null) continue;
    const match = /^\.\/dist\/([\w-]+)\.js$/.exec(target.default ?? '');
    if (!match) continue;
    const name = match[1];
    const candidates = [join(path, 'src', `${name}.ts`), join(path, 'src', name, 'index.ts')];
    const source = candidates.find((c) => existsSync(c)) ?? candidates[0];
    entries.push({
      subpath,
      name,
      source,
      types: join(path, target.types ?? `dist/${name}.d.ts`),
      apiConfig: join(path, name === 'index' ? 'api-extractor.json' : `api-extractor.${name}.json`),
    });
  }
  return entries;
}

export function rel(path) {
  return path.startsWith(root) ? path.slice(root.length) : path;
}

/** Absolute path of an installed package's command (its package.json `bin`), to run with `node`. */
export function binPath(pkg, command = pkg) {
  const dir = join(root, 'node_modules', pkg);
  const { bin } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = typeof bin === 'string' ? bin : bin?.[command];
  if (!file) throw new Error(`${pkg} has no "${command}" command`);
  return join(dir, file);
}
