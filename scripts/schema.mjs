#!/usr/bin/env node
/**
 * `npm run schema`: regenerates, from packages/client/src/protocol/schemas.ts,
 *   - packages/client/schema/protocol.schema.json (published as @nightmarket/client/schema.json);
 *   - the region between the GENERATED REFERENCE markers in docs/protocol.md (the prose around
 *     the markers is never touched; the file is created with a title and the markers if missing).
 *
 * `--check` writes nothing and exits 1 naming each file that differs from what would be generated.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { root } from './lib/workspace.mjs';

const gen = await tsImport('./protocol-docs.ts', import.meta.url);
const check = process.argv.includes('--check');

const files = {
  schema: join(root, 'packages/client/schema/protocol.schema.json'),
  doc: join(root, 'docs/protocol.md'),
};
const skeleton = `# The Night Market protocol\n\n${gen.BEGIN_MARKER}\n${gen.END_MARKER}\n`;

const read = (path) => (existsSync(path) ? readFileSync(path, 'utf8') : null);
const currentDoc = read(files.doc);
const wanted = {
  [files.schema]: gen.jsonSchemaText(),
  [files.doc]: gen.replaceReference(currentDoc ?? skeleton, gen.generateReference()),
};

let drifted = 0;
for (const [path, text] of Object.entries(wanted)) {
  const name = path.slice(root.length);
  if (read(path) === text) {
    console.log(`schema: ${name} is up to date`);
    continue;
  }
  if (check) {
    drifted++;
    console.error(`schema: ${name} is out of date with packages/client/src/protocol/schemas.ts: run \`npm run schema\` and commit the result.`);
    continue;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  console.log(`schema: wrote ${name}`);
}
if (drifted > 0) process.exit(1);
