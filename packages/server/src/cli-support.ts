/**
 * Pieces the package's commands (`nightmarket-server`, `nightmarket-conformance`) share.
 * Internal: not exported from the package.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One line for a parseArgs error, naming the flag and what it expects. */
export function parseArgsMessage(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  // Node quotes the flag as '--port', '--port <value>' or, with a short alias, '-h, --help'.
  const flag = /'(?:-\w, )?(--?[^' ,]+)/.exec(message)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${flag ?? message}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(message)
        ? `${flag ?? 'a flag'} needs a value (${flag ?? 'the flag'} <value> or ${flag ?? 'the flag'}=<value>)`
        : `${flag ?? 'a flag'} takes no value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(message)?.[1] ?? ''}: every option is a --flag`.replace('  ', ' ');
    default:
      return message;
  }
}

/**
 * Whether the module at `moduleUrl` (pass `import.meta.url`) is the program being run, not a
 * module imported by a test or another module.
 */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    // npm links bins through a symlink; the module's own URL is the real path.
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
