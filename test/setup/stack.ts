/**
 * Global setup of the stack tests (vitest.stack.config.ts): one PostgreSQL cluster for the run,
 * started with scripts/stack/postgres.ts (installing Debian's postgresql as root if missing) and
 * handed to the tests as `inject('postgresUrl')`. A cluster that cannot start fails the run.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres, type PostgresCluster } from '../../scripts/stack/postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

let cluster: PostgresCluster | undefined;

export async function setup(project: TestProject): Promise<void> {
  cluster = await startPostgres({ durable: false });
  project.provide('postgresUrl', cluster.url);
}

export function teardown(): void {
  cluster?.stop();
}
