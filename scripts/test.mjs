#!/usr/bin/env node
/**
 * `npm test`: every check, in order, stopping at the first that fails.
 *
 *   chromium       scripts/chromium.mjs (CHROME_PATH, /usr/bin/chromium, or install as root)
 *   typecheck      tsc -p tsconfig.json
 *   build          scripts/build.mjs (JS, declarations, rolled-up .d.ts)
 *   schema         scripts/schema.mjs --check (JSON Schema and docs/protocol.md up to date)
 *   api            scripts/api.mjs (api-extractor reports, CI mode)
 *   docs           scripts/docs.mjs (typedoc, warnings are errors)
 *   package shape  node --test test/package-shape.test.mjs (the built packages as consumers see them)
 *   unit           vitest run
 *   browser        web-test-runner (Chromium)
 *   stack          vitest -c vitest.stack.config.ts: the scaled-out deployment on real PostgreSQL,
 *                  nginx + nchan and Redis (installed as root when missing; fails, never skips,
 *                  when they cannot be installed or started)
 *   storm          bench/storm.bench.ts --short: 10,000 events/s at <nm-player> for 10 s; prints
 *                  its figures (long tasks, dropped frames, heap, DOM) and fails only when the DOM
 *                  is not bounded — never on timing (the machine is shared)
 *
 * Prints each step's duration and ends with `tests: N passed, N failed[, N skipped]`, the sum of
 * the test counts the three test runners report (or `steps: …` when a step failed).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binPath, root } from './lib/workspace.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'nightmarket-test-'));
const files = {
  nodeTest: join(tmp, 'package-shape.tap'),
  vitest: join(tmp, 'vitest.json'),
  vitestStack: join(tmp, 'vitest-stack.json'),
  wtr: join(tmp, 'wtr.json'),
};
const node = process.execPath;

/** Test counts from each runner's machine-readable output; null when it could not be read. */
const counters = {
  nodeTest() {
    const tap = readFileSync(files.nodeTest, 'utf8');
    const num = (key) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(tap)?.[1]);
    const c = { passed: num('pass'), failed: num('fail') + num('cancelled'), skipped: num('skipped') + num('todo') };
    // A suite skipped as a whole (a package not buildable yet) is listed as "# SKIP".
    c.skipped += (tap.match(/^ok \d+ - .* # SKIP/gm) ?? []).length;
    return c;
  },
  vitest(file = files.vitest) {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    // A test file that fails to load has no failed test but failed suites: count each once.
    const failedFiles = r.testResults.filter((f) => f.status === 'failed' && f.assertionResults.every((a) => a.status !== 'failed'));
    return {
      passed: r.numPassedTests,
      failed: r.numFailedTests + failedFiles.length,
      skipped: r.numPendingTests + r.numTodoTests,
    };
  },
  wtr() {
    return JSON.parse(readFileSync(files.wtr, 'utf8'));
  },
};

const steps = [
  { name: 'chromium', command: [node, 'scripts/chromium.mjs'] },
  { name: 'typecheck', command: [node, binPath('typescript', 'tsc'), '-p', 'tsconfig.json'] },
  { name: 'build', command: [node, 'scripts/build.mjs'] },
  { name: 'schema', command: [node, 'scripts/schema.mjs', '--check'] },
  { name: 'api', command: [node, 'scripts/api.mjs'] },
  // The API docs are generated from the same entry points; typedoc treats warnings as errors.
  { name: 'docs', command: [node, 'scripts/docs.mjs'] },
  {
    name: 'package shape',
    command: [
      node,
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${files.nodeTest}`,
      'test/package-shape.test.mjs',
    ],
    counts: counters.nodeTest,
  },
  {
    name: 'unit',
    command: [node, binPath('vitest'), 'run', '--reporter=default', '--reporter=json', `--outputFile=${files.vitest}`],
    counts: () => counters.vitest(),
  },
  {
    name: 'browser',
    command: [node, binPath('@web/test-runner', 'web-test-runner')],
    env: { WTR_SUMMARY_FILE: files.wtr },
    counts: counters.wtr,
  },
  {
    name: 'stack',
    command: [
      node,
      binPath('vitest'),
      'run',
      '-c',
      'vitest.stack.config.ts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile=${files.vitestStack}`,
    ],
    counts: () => counters.vitest(files.vitestStack),
  },
  {
    name: 'storm',
    command: [node, binPath('tsx'), 'bench/storm.bench.ts', '--short', '--assert-dom', '1500'],
  },
];

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const totals = { passed: 0, failed: 0, skipped: 0 };
let countsComplete = true;
const done = [];

/** Step table, then one closing line: `tests: N passed, N failed[, N skipped]`, or `steps: …`. */
function summary(closing = '') {
  console.log('');
  for (const d of done) console.log(`  ${d.ok ? 'ok  ' : 'FAIL'} ${d.name.padEnd(14)} ${seconds(d.ms).padStart(7)}${d.note ? `  ${d.note}` : ''}`);
  if (closing) console.log(closing);
  const failedSteps = done.filter((d) => !d.ok).length;
  const tests = `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`;
  if (countsComplete) {
    console.log(`tests: ${tests}`);
  } else {
    // Not every test runner ran (or reported): show the partial test counts, and count steps.
    if (done.some((d) => d.note)) console.log(`(tests in the steps that ran: ${tests})`);
    console.log(`steps: ${done.length - failedSteps} passed, ${failedSteps} failed`);
  }
}

const started = performance.now();
for (const step of steps) {
  console.log(`\n▶ ${step.name}: ${step.command.slice(1).map((a) => a.replace(root, '')).join(' ')}`);
  const t0 = performance.now();
  const run = spawnSync(step.command[0], step.command.slice(1), {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...step.env },
  });
  const ms = performance.now() - t0;
  const ok = run.status === 0;
  let note = '';
  if (step.counts) {
    try {
      const c = step.counts();
      if (![c.passed, c.failed, c.skipped].every(Number.isFinite)) throw new Error('no counts');
      totals.passed += c.passed;
      totals.failed += c.failed;
      totals.skipped += c.skipped;
      note = `${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''}`;
    } catch {
      countsComplete = false;
      note = 'test counts unavailable';
    }
  }
  done.push({ name: step.name, ok, ms, note });
  console.log(`${ok ? '✔' : '✘'} ${step.name} ${ok ? 'passed' : 'FAILED'} in ${seconds(ms)}${note ? ` (${note})` : ''}`);
  if (!ok) {
    const why = run.error ? run.error.message : run.signal ? `killed by ${run.signal}` : `exit code ${run.status}`;
    console.error(`\nnpm test stopped: step "${step.name}" failed (${why}); its output is above. Later steps were not run.`);
    // Counts are only complete when every test runner ran.
    countsComplete = false;
    summary();
    rmSync(tmp, { recursive: true, force: true });
    process.exit(1);
  }
}
summary(`all ${steps.length} steps passed in ${seconds(performance.now() - started)}`);
rmSync(tmp, { recursive: true, force: true });
