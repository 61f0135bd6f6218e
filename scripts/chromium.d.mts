/** Types of scripts/chromium.mjs, for TypeScript callers (test/player-csp.test.ts, bench/player.bench.ts). */
/** Flags for headless Chromium in tests and benchmarks. */
export declare const CHROMIUM_ARGS: readonly string[];
/** Absolute path of a Chromium executable (exits the process if there is none). */
export declare function findChromium(): string;
