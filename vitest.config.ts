import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = new URL('./', import.meta.url);
const workspaces: string[] = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).workspaces;

// Tests run against the TypeScript sources, not dist/ (test/package-shape.test.mjs covers dist/):
// '@nightmarket/client' → packages/client/src/index.ts, and so on for every workspace package.
const alias = Object.fromEntries(
  workspaces.map((dir) => {
    const { name } = JSON.parse(readFileSync(new URL(`${dir}/package.json`, root), 'utf8'));
    return [name, fileURLToPath(new URL(`${dir}/src/index.ts`, root))];
  }),
);

export default defineConfig({
  resolve: { alias },
  test: {
    environment: 'node',
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    // The stack tests need PostgreSQL, nginx + nchan and Redis: vitest.stack.config.ts runs them.
    exclude: ['**/node_modules/**', '**/dist/**', '**/*.browser.test.ts', 'packages/*/test/stack/**'],
    setupFiles: ['./test/setup/node.ts'],
  },
});
