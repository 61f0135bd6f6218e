/** Types of scripts/chromium.mjs for TypeScript tests and benchmarks. */
/** Flags for headless Chromium in tests and benchmarks. */
export declare const CHROMIUM_ARGS: readonly string[];
/** Absolute path of a Chromium executable (exits the process if there is none). */
export declare function findChromium(): string;
