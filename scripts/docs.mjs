#!/usr/bin/env node
/**
 * `npm run docs`: API documentation of the packages' public entry points with typedoc, from the
 * TypeScript sources, into docs/api/ (gitignored). Settings are in typedoc.json (warnings are
 * errors); this script only leaves out packages that have no entry source yet, with a note.
 * Type errors are `npm run typecheck`'s job, so typedoc does not re-check them.
 */
import { spawnSync } from 'node:child_process';
import { binPath, buildablePackages, rel, root } from './lib/workspace.mjs';

const typedoc = binPath('typedoc');

const packages = buildablePackages('docs');
const args = packages.flatMap((p) => ['--entryPoints', rel(p.path)]);
const run = spawnSync(process.execPath, [typedoc, ...args, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
