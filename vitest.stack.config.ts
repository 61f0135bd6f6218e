import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The stack tests (`npm run test:stack`, the "stack" step of `npm test`): the scaled-out
 * deployment on real PostgreSQL, nginx + nchan and Redis, which the global setup starts (and, as
 * root, installs). Kept out of the unit step: they need those services, and fail — never skip —
 * when they cannot start.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['packages/*/test/stack/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    globalSetup: ['./test/setup/stack.ts'],
    // One file at a time: they share the machine's two cores with the services they start.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
