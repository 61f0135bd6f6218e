/**
 * Shows files: the shows a server starts with, as JSON — `[{ "show": …, "products": […] }, …]` or
 * `{ "shows": [ … ] }` — checked with the protocol's own schemas. Every error names the file and
 * says where: the line and column where the JSON breaks, or the path of the field that is wrong
 * (`shows[1].products[0].price.amount: must be an integer number of minor units…`).
 */
import { readFile } from 'node:fs/promises';
import { ProductSchema, ShowSchema, validate, type Product, type ValidationIssue } from '@nightmarket/client';
import type { ShowInit } from '@nightmarket/engine';

/** Most problems listed in one {@link ShowsFileError} message; the rest are counted. */
const MAX_LISTED = 10;

/** One thing wrong in a shows file. */
export interface ShowsFileIssue {
  /** Where, as a JSON path from the top of the file, e.g. `shows[1].products[0].price.amount`. */
  readonly path: string;
  /** What is wrong there. */
  readonly message: string;
}

/**
 * A shows file that cannot be used. `message` is ready to print: the file, then where (line and
 * column, or field paths) and what is wrong.
 */
export class ShowsFileError extends Error {
  /** The file, as it was named. */
  readonly file: string;
  /** For JSON syntax errors: the 1-based line of the error. */
  readonly line: number | undefined;
  /** For JSON syntax errors: the 1-based column of the error. */
  readonly column: number | undefined;
  /** For content errors: every invalid field. Empty for syntax and read errors. */
  readonly issues: readonly ShowsFileIssue[];

  /**
   * @param file - the file, as it was named
   * @param message - the complete message
   * @param where - line and column (syntax errors) or issues (content errors)
   */
  constructor(file: string, message: string, where: { line?: number; column?: number; issues?: readonly ShowsFileIssue[]; cause?: unknown } = {}) {
    super(message, where.cause === undefined ? undefined : { cause: where.cause });
    this.name = 'ShowsFileError';
    this.file = file;
    this.line = where.line;
    this.column = where.column;
    this.issues = where.issues ?? [];
  }
}

/**
 * Reads and checks a shows file.
 *
 * @param file - path of the JSON file
 * @returns the shows, ready for `createNightmarketServer({ shows })`
 * @throws {@link ShowsFileError} when the file cannot be read, is not JSON, or a show or product is invalid
 */
export async function loadShowsFile(file: string): Promise<ShowInit[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : 'cannot be read';
    throw new ShowsFileError(file, `${file}: ${why}`, { cause: error });
  }
  return parseShowsFile(text, file);
}

/**
 * Parses and checks the text of a shows file.
 *
 * @param text - the file's content
 * @param file - the file's name, for messages (default `shows.json`)
 * @throws {@link ShowsFileError} when the text is not JSON or a show or product is invalid
 */
export function parseShowsFile(text: string, file = 'shows.json'): ShowInit[] {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let data: unknown;
  try {
    data = JSON.parse(source) as unknown;
  } catch (error) {
    const offset = syntaxErrorOffset(source) ?? reportedOffset(error) ?? source.length;
    const { line, column } = lineColumn(source, offset);
    const reason = (error instanceof Error ? error.message : String(error))
      .replace(/, .*is not valid JSON$/s, '')
      .replace(/ in JSON at position \d+.*$/s, '');
    const excerpt = excerptAt(source, line, column);
    throw new ShowsFileError(file, `${file}:${line}:${column}: not valid JSON: ${reason}${excerpt}`, { line, column, cause: error });
  }

  const issues: ShowsFileIssue[] = [];
  const list = Array.isArray(data) ? data : isObject(data) && Array.isArray(data['shows']) ? data['shows'] : undefined;
  if (!list) {
    const message = 'must be an array of { "show": …, "products": […] } or an object { "shows": [ … ] }';
    throw contentError(file, [{ path: isObject(data) ? 'shows' : '(root)', message }]);
  }
  const shows: ShowInit[] = [];
  const showIds = new Map<string, number>();
  list.forEach((entry: unknown, i) => {
    const at = `shows[${i}]`;
    if (!isObject(entry)) return issues.push({ path: at, message: 'must be an object { "show": …, "products": […] }' });
    const show = validate(ShowSchema, entry['show']);
    if (!show.success) issues.push(...show.issues.map((issue) => under(`${at}.show`, issue)));
    else {
      const earlier = showIds.get(show.output.id);
      if (earlier !== undefined) issues.push({ path: `${at}.show.id`, message: `must be unique: shows[${earlier}] has the id "${show.output.id}" too` });
      showIds.set(show.output.id, i);
    }
    const products: Product[] = [];
    const rawProducts = entry['products'] ?? [];
    if (!Array.isArray(rawProducts)) issues.push({ path: `${at}.products`, message: 'must be an array of products' });
    else {
      const productIds = new Map<string, number>();
      rawProducts.forEach((value: unknown, j) => {
        const product = validate(ProductSchema, value);
        if (!product.success) return issues.push(...product.issues.map((issue) => under(`${at}.products[${j}]`, issue)));
        const earlier = productIds.get(product.output.id);
        if (earlier !== undefined) {
          issues.push({ path: `${at}.products[${j}].id`, message: `must be unique in the show: products[${earlier}] has the id "${product.output.id}" too` });
        }
        productIds.set(product.output.id, j);
        if (show.success && product.output.price.currency !== show.output.currency) {
          issues.push({ path: `${at}.products[${j}].price.currency`, message: `must be the show's currency (${show.output.currency})` });
        }
        products.push(product.output);
      });
    }
    if (show.success) shows.push({ show: show.output, products });
  });
  if (issues.length > 0) throw contentError(file, issues);
  return shows;
}

// --- helpers ----------------------------------------------------------------------------------

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Re-roots a validation issue (`price.amount`, `variants.0.stock`) as a JSON path under `prefix`. */
function under(prefix: string, issue: ValidationIssue): ShowsFileIssue {
  if (issue.path === '(root)') return { path: prefix, message: issue.message };
  const path = issue.path
    .split('.')
    .map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`))
    .join('');
  return { path: prefix + path, message: issue.message };
}

function contentError(file: string, issues: readonly ShowsFileIssue[]): ShowsFileError {
  const listed = issues.slice(0, MAX_LISTED).map((i) => `\n  ${i.path}: ${i.message}`);
  const more = issues.length > MAX_LISTED ? `\n  … and ${issues.length - MAX_LISTED} more` : '';
  const what = issues.length === 1 ? 'a problem' : `${issues.length} problems`;
  return new ShowsFileError(file, `${file}: ${what}:${listed.join('')}${more}`, { issues });
}

function reportedOffset(error: unknown): number | undefined {
  const match = /at position (\d+)/.exec(error instanceof Error ? error.message : '');
  return match ? Number(match[1]) : undefined;
}

/** 1-based line and column of a character offset; a line ends at \n, \r\n or \r. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** The offending line with a caret under the column (long lines are cut around it). */
function excerptAt(text: string, line: number, column: number): string {
  const content = text.split(/\r\n|\r|\n/)[line - 1] ?? '';
  const from = Math.max(0, column - 60);
  const shown = content.slice(from, from + 100).replace(/\t/g, ' ');
  if (shown.trim() === '') return '';
  return `\n  ${shown}\n  ${' '.repeat(column - 1 - from)}^`;
}

/**
 * Offset of the first JSON syntax error in `text`, or undefined when it finds none. V8 does not
 * give a position for every error ("Unexpected token 'x', … is not valid JSON"), so this small
 * scanner finds it.
 */
function syntaxErrorOffset(text: string): number | undefined {
  let i = 0;
  const fail = (at: number): never => {
    throw new SyntaxOffset(at);
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string): void => {
    for (const ch of word) {
      if (text[i] !== ch) fail(i);
      i++;
    }
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail(i);
      const code = text.charCodeAt(i);
      if (code === 0x22) return void i++;
      if (code < 0x20) fail(i);
      if (code === 0x5c) {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail(i);
          i += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
        else fail(i);
      } else i++;
    }
  };
  const number = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match || match[0] === '-') fail(i);
    i += match![0].length;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail(i);
        string();
        ws();
        if (text[i] !== ':') fail(i);
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail(i);
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail(i);
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return number();
    fail(i);
  };
  try {
    value();
    ws();
    if (i < text.length) fail(i);
    return undefined;
  } catch (error) {
    // Anything else (a stack overflow on absurdly deep nesting): fall back to V8's position.
    return error instanceof SyntaxOffset ? error.offset : undefined;
  }
}

class SyntaxOffset {
  constructor(readonly offset: number) {}
}
