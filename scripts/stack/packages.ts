/**
 * The Debian packages the scaled-out stack runs on, and installing the missing ones.
 *
 * `ensurePackages()` checks each package's files (not dpkg's database: a tool found on the machine
 * is what matters), and installs what is missing with `apt-get install -y` — as root only. Not
 * root, or apt-get failing, is an error that names the packages and the command to run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

/** A Debian package and a file that proves it is installed. */
interface Needed {
  readonly pkg: string;
  readonly present: () => boolean;
  readonly what: string;
}

/** The PostgreSQL server's binaries directory (`/usr/lib/postgresql/<newest>/bin`), or undefined. */
export function postgresBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => /^\d+$/.test(v) && existsSync(`${base}/${v}/bin/initdb`) && existsSync(`${base}/${v}/bin/pg_ctl`))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : `${base}/${versions[0]}/bin`;
}

/** The nchan module file nginx loads. */
export const NCHAN_MODULE = '/usr/lib/nginx/modules/ngx_nchan_module.so';

const NEEDED: Record<'postgresql' | 'nginx' | 'nchan' | 'redis', Needed> = {
  postgresql: { pkg: 'postgresql', present: () => postgresBin() !== undefined, what: 'PostgreSQL (initdb, pg_ctl)' },
  nginx: { pkg: 'nginx', present: () => existsSync('/usr/sbin/nginx'), what: 'nginx (/usr/sbin/nginx)' },
  nchan: { pkg: 'libnginx-mod-nchan', present: () => existsSync(NCHAN_MODULE), what: `the nchan module (${NCHAN_MODULE})` },
  redis: { pkg: 'redis-server', present: () => existsSync('/usr/bin/redis-server'), what: 'Redis (/usr/bin/redis-server)' },
};

/** A part of the stack. */
export type StackPart = keyof typeof NEEDED;

/**
 * Makes sure the Debian packages of `parts` are installed, installing the missing ones with
 * apt-get as root (saying so on stderr).
 *
 * @throws Error naming the packages and what to run, when some are missing and this process is
 *   not root, when apt-get is missing, or when apt-get fails (its output is on stderr)
 */
export function ensurePackages(parts: readonly StackPart[] = ['postgresql', 'nginx', 'nchan', 'redis']): void {
  const missing = parts.map((p) => NEEDED[p]).filter((n) => !n.present());
  if (missing.length === 0) return;
  const pkgs = missing.map((n) => n.pkg);
  const command = `apt-get update && apt-get install -y ${pkgs.join(' ')}`;
  const list = missing.map((n) => n.what).join(', ');
  if (process.getuid?.() !== 0) {
    throw new Error(`The stack needs ${list}, which are not installed, and only root can install them. Run as root: ${command}`);
  }
  if (spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status !== 0) {
    throw new Error(`The stack needs ${list}, which are not installed, and this machine has no apt-get. Install the Debian packages ${pkgs.join(', ')} or their equivalents.`);
  }
  console.error(`stack: installing ${pkgs.join(' ')} (${command})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (update.status !== 0) throw new Error(`apt-get update failed (exit ${update.status}); its output is above. Then run: ${command}`);
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (install.status !== 0) throw new Error(`apt-get install -y ${pkgs.join(' ')} failed (exit ${install.status}); its output is above.`);
  const still = missing.filter((n) => !n.present());
  if (still.length > 0) throw new Error(`apt-get installed ${pkgs.join(' ')} but ${still.map((n) => n.what).join(', ')} is still missing.`);
}
