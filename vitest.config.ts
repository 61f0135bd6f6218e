import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string): string => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources, not dist/ (the package-shape test covers dist/).
    alias: {
      '@nightmarket/client': src('client'),
      '@nightmarket/engine': src('engine'),
      '@nightmarket/testing': src('testing'),
    },
  },
  test: {
    environment: 'node',
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '**/*.browser.test.ts'],
    setupFiles: ['./test/setup/node.ts'],
  },
});
