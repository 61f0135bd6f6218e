/**
 * JavaScript build of every workspace package: src/<entry>.ts → packages/<x>/dist/<entry>.js,
 * ESM, ES2022, with source maps. Entry points come from each package.json `exports` map.
 * Dependencies and peer dependencies (and their subpaths) stay imports: the packages are
 * libraries, and bundling a dependency would ship it twice.
 *
 * Declarations are not made here: scripts/build.mjs runs tsc and api-extractor after this.
 * Run alone with `rollup -c rollup.config.mjs`, or through `npm run build`.
 */
import { join } from 'node:path';
import esbuild from 'rollup-plugin-esbuild';
import { buildablePackages } from './scripts/lib/workspace.mjs';

/** @param {import('./scripts/lib/workspace.mjs').WorkspacePackage} pkg */
export function configFor(pkg) {
  const { dependencies = {}, peerDependencies = {} } = pkg.manifest;
  const external = Object.keys({ ...dependencies, ...peerDependencies });
  /** @type {import('rollup').RollupOptions} */
  return {
    // Commands (`bin`) are entries too; rollup keeps their #! line.
    input: Object.fromEntries([...pkg.entries, ...pkg.bins].map((e) => [e.name, e.source])),
    external: (id) => id.startsWith('node:') || external.some((dep) => id === dep || id.startsWith(`${dep}/`)),
    plugins: [
      esbuild({
        target: 'es2022',
        // The root tsconfig maps @nightmarket/* to sources for the typechecker; the build must
        // leave those imports alone (they are externals), so use the package's build config.
        tsconfig: join(pkg.path, 'tsconfig.build.json'),
        sourceMap: true,
      }),
    ],
    output: {
      dir: join(pkg.path, 'dist'),
      format: 'es',
      sourcemap: true,
      entryFileNames: '[name].js',
      chunkFileNames: 'chunks/[name]-[hash].js',
    },
    onwarn(warning, warn) {
      // An import that is neither our source nor a declared dependency would be missing for
      // whoever installs the package; a circular import in our sources is a bug. Not warnings.
      if (warning.code === 'UNRESOLVED_IMPORT') {
        throw new Error(
          `${pkg.manifest.name}: ${warning.message} Declare it in packages/${pkg.dir}/package.json "dependencies" (or "peerDependencies"), or fix the import.`,
        );
      }
      if (warning.code === 'CIRCULAR_DEPENDENCY') throw new Error(`${pkg.manifest.name}: ${warning.message}`);
      warn(warning);
    },
  };
}

// A function, so importing this module (scripts/build.mjs does) does not list the packages twice.
export default () => buildablePackages('build').map(configFor);
