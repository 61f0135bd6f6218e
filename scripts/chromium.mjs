#!/usr/bin/env node
/**
 * Finds the Chromium the browser tests run in.
 *
 * - CHROME_PATH, if set, must name an executable file: a wrong CHROME_PATH is an error (the chrome
 *   launcher would otherwise ignore it silently and fail later with a less helpful message);
 * - else /usr/bin/chromium (Debian's `chromium` package);
 * - else, as root on a machine with apt-get, installs Debian's chromium, saying so;
 * - else exits with one line saying how to get one.
 *
 * As a script it prints the path it found: `node scripts/chromium.mjs`.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const HOW_TO = `Chromium is needed for the browser tests: install it (Debian/Ubuntu: \`sudo apt-get install -y chromium\`) or set CHROME_PATH to a Chrome or Chromium executable.`;

function isExecutableFile(path) {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function die(line) {
  console.error(line);
  process.exit(1);
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Flags for headless Chromium in tests and benchmarks on this kind of machine: no sandbox (root in
 * a container), no GPU, nothing that phones home, autoplay allowed, and only this machine
 * reachable (every other host fails to resolve at once, so nothing waits on DNS).
 */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
]);

/** @returns {string} absolute path of a Chromium executable (exits the process if there is none) */
export function findChromium() {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!isExecutableFile(fromEnv)) die(`CHROME_PATH=${fromEnv} is not an executable file. Fix or unset it. ${HOW_TO}`);
    return fromEnv;
  }
  if (isExecutableFile(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;

  if (process.getuid?.() === 0 && hasCommand('apt-get')) {
    console.log(`${DEBIAN_CHROMIUM} not found: installing Debian's chromium (apt-get update && apt-get install -y chromium)…`);
    const install = spawnSync('sh', ['-c', 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium'], {
      stdio: 'inherit',
    });
    if (install.status === 0 && isExecutableFile(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
    die(
      install.status === 0
        ? `apt-get finished but ${DEBIAN_CHROMIUM} is still not an executable file. ${HOW_TO}`
        : `apt-get could not install chromium (exit ${install.status ?? install.signal}). ${HOW_TO}`,
    );
  }
  die(HOW_TO);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(findChromium());
