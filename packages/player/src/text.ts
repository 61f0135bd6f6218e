/**
 * Untrusted text of the live room (chat names and messages): what is drawn, and which parts of
 * it name a product. Pure functions; the elements render the results with lit text bindings only.
 */
import type { Product } from '@nightmarket/client';

/**
 * Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069): a
 * viewer could use them to make text read backwards ("‮gnp.exe") or to reorder the rest of the
 * line. They are dropped; names and messages are also isolated with `<bdi>`.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** Untrusted text as it is drawn: bidi controls removed. */
export function cleanText(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

/** A run of a message: plain text, or a mention of `product`. */
export interface TextSegment {
  /** The text as written. */
  readonly text: string;
  /** The product it mentions, if it is a mention. */
  readonly product?: Product | undefined;
}

/**
 * The short title of a product, as viewers write it: the title up to its first " — ", " - ",
 * ",", "(" or "（" ("Robot vacuum X2 — self-emptying" → "Robot vacuum X2"); null when that is
 * under 4 characters (too likely to match ordinary words).
 */
export function shortTitle(title: string): string | null {
  const short = title.split(/\s[—–-]\s|[,(（，]/)[0]!.trim();
  return short.length >= 4 ? short : null;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Splits `text` into plain runs and product mentions: `#<product id>` or a product's short title
 * (case-insensitive, not inside a longer word). Concatenating the segments' text gives `text` back.
 */
export function mentionSegments(text: string, products: readonly Product[]): TextSegment[] {
  const matcher = matcherFor(products);
  if (!matcher) return [{ text }];
  const segments: TextSegment[] = [];
  let at = 0;
  for (const match of text.matchAll(matcher.pattern)) {
    const product = matcher.byKey.get(match[0].toLowerCase());
    if (!product) continue;
    if (match.index > at) segments.push({ text: text.slice(at, match.index) });
    segments.push({ text: match[0], product });
    at = match.index + match[0].length;
  }
  if (at < text.length || segments.length === 0) segments.push({ text: text.slice(at) });
  return segments;
}

interface Matcher {
  readonly pattern: RegExp;
  readonly byKey: ReadonlyMap<string, Product>;
}

/** One matcher per products list (the state keeps the list's identity until a product changes). */
const matchers = new WeakMap<readonly Product[], Matcher | null>();

function matcherFor(products: readonly Product[]): Matcher | null {
  let matcher = matchers.get(products);
  if (matcher !== undefined) return matcher;
  const byKey = new Map<string, Product>();
  const alternatives: string[] = [];
  for (const product of products) {
    for (const key of [`#${product.id}`, shortTitle(product.title)]) {
      if (!key || byKey.has(key.toLowerCase())) continue;
      byKey.set(key.toLowerCase(), product);
      alternatives.push(escape(key));
    }
  }
  // Longest first, so "Robot vacuum X2 Pro" wins over "Robot vacuum X2". Word boundaries are
  // checked against Latin letters and digits only: CJK text has no spaces between words.
  alternatives.sort((a, b) => b.length - a.length);
  matcher = alternatives.length === 0
    ? null
    : {
        pattern: new RegExp(`(?<![\\p{Script=Latin}\\p{Nd}_#-])(?:${alternatives.join('|')})(?![\\p{Script=Latin}\\p{Nd}_-])`, 'giu'),
        byKey,
      };
  matchers.set(products, matcher);
  return matcher;
}
