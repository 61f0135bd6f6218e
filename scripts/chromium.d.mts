/** Types of scripts/chromium.mjs, for TypeScript callers (bench/player.bench.ts). */

/**
 * Absolute path of a Chromium executable: CHROME_PATH, else /usr/bin/chromium, else (as root with
 * apt-get) Debian's chromium installed; exits the process with one line of help when there is none.
 */
export declare function findChromium(): string;
