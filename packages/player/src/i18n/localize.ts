/**
 * Picks the catalogue for a locale and formats everything a viewer reads: messages, money,
 * numbers, durations and dates, all through `Intl` for the viewer's locale.
 */
import type { Money } from '@nightmarket/client';
import { en, type Messages, type PluralMessage } from './messages.js';

/** Locales the player has a catalogue for. Any other locale formats with `Intl` and reads English. */
export type CatalogueLocale = 'en' | 'zh-CN' | 'zh-TW' | 'pt' | 'ko';

/**
 * Catalogues other than English load on demand (a viewer downloads one language, not five):
 * {@link loadCatalogue} fetches one, and Localizers made after that read it.
 */
const IMPORTS: Readonly<Record<Exclude<CatalogueLocale, 'en'>, () => Promise<Messages>>> = {
  'zh-CN': () => import('./zh-cn.js').then((m) => m.zhCN),
  'zh-TW': () => import('./zh-tw.js').then((m) => m.zhTW),
  pt: () => import('./pt.js').then((m) => m.pt),
  ko: () => import('./ko.js').then((m) => m.ko),
};
const LOADED = new Map<CatalogueLocale, Messages>([['en', en]]);
const LOADING = new Map<CatalogueLocale, Promise<void>>();

/**
 * Loads the catalogue a locale reads (see {@link catalogueFor}); resolves at once when it is
 * already loaded. Localizers made before it resolves read English.
 */
export function loadCatalogue(locale: string): Promise<void> {
  const catalogue = catalogueFor(locale);
  if (catalogue === 'en' || LOADED.has(catalogue)) return Promise.resolve();
  let loading = LOADING.get(catalogue);
  if (!loading) {
    loading = IMPORTS[catalogue]().then((messages) => void LOADED.set(catalogue, messages));
    LOADING.set(catalogue, loading);
  }
  return loading;
}

/** Whether the catalogue a locale reads is loaded (English always is). */
export function hasCatalogue(locale: string): boolean {
  return LOADED.has(catalogueFor(locale));
}

/** Keys of messages with plural forms. */
export type PluralKey = { [K in keyof Messages]: Messages[K] extends PluralMessage ? K : never }[keyof Messages];
/** Keys of plain messages. */
export type TextKey = Exclude<keyof Messages, PluralKey>;

/**
 * The catalogue for a BCP 47 locale: an exact match, then by language and script (`zh-Hant`,
 * `zh-HK` and `zh-MO` read Traditional Chinese; other `zh` Simplified), else English.
 */
export function catalogueFor(locale: string): CatalogueLocale {
  let parsed: Intl.Locale;
  try {
    parsed = new Intl.Locale(locale).maximize();
  } catch {
    return 'en';
  }
  switch (parsed.language) {
    case 'zh':
      return parsed.script === 'Hant' ? 'zh-TW' : 'zh-CN';
    case 'pt':
      return 'pt';
    case 'ko':
      return 'ko';
    default:
      return 'en';
  }
}

/** A valid BCP 47 tag for `Intl`, or `en` when `tag` is not one. */
function canonical(tag: string): string {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? 'en';
  } catch {
    return 'en';
  }
}

/** Messages and formatting for one locale. Immutable; make a new one when the locale changes. */
export class Localizer {
  /** The locale used for `Intl` (the requested one, canonicalized). */
  readonly locale: string;
  /** The catalogue the messages come from. */
  readonly catalogue: CatalogueLocale;
  /** Writing direction of the locale. */
  readonly dir: 'ltr' | 'rtl';
  readonly #messages: Messages;
  readonly #plural: Intl.PluralRules;
  readonly #number: Intl.NumberFormat;
  readonly #money = new Map<string, { format: Intl.NumberFormat; scale: number }>();

  /**
   * @param locale - BCP 47 tag, e.g. `zh-CN`, `pt-BR`; an invalid tag reads as `en`
   * @param overrides - messages that replace the catalogue's (a merchant's own wording)
   */
  constructor(locale: string, overrides: Partial<Messages> = {}) {
    this.locale = canonical(locale);
    this.catalogue = catalogueFor(this.locale);
    this.#messages = { ...(LOADED.get(this.catalogue) ?? en), ...overrides };
    this.#plural = new Intl.PluralRules(this.locale);
    this.#number = new Intl.NumberFormat(this.locale);
    const info = new Intl.Locale(this.locale) as Intl.Locale & { textInfo?: { direction?: string }; getTextInfo?: () => { direction?: string } };
    const direction = info.getTextInfo?.().direction ?? info.textInfo?.direction;
    this.dir = direction === 'rtl' ? 'rtl' : 'ltr';
  }

  /** A plain message with its `{placeholders}` filled in as text. */
  t(key: TextKey, params: Readonly<Record<string, string | number>> = {}): string {
    return fill(this.#messages[key], params, this.#number);
  }

  /** A plural message for `count` (also available as `{count}`, formatted). */
  plural(key: PluralKey, count: number, params: Readonly<Record<string, string | number>> = {}): string {
    const forms = this.#messages[key];
    const form = forms[this.#plural.select(count) as keyof PluralMessage] ?? forms.other;
    return fill(form, { count, ...params }, this.#number);
  }

  /** A number, e.g. `12,480` or `12.480`. */
  number(value: number): string {
    return this.#number.format(value);
  }

  /** Money in integer minor units, e.g. `{ amount: 199900, currency: 'CNY' }` → `¥1,999.00`. */
  money(money: Money): string {
    let entry = this.#money.get(money.currency);
    if (!entry) {
      const format = new Intl.NumberFormat(this.locale, { style: 'currency', currency: money.currency });
      // Minor units per major unit from the currency's own digits: 2 for CNY, 0 for JPY, 3 for KWD.
      entry = { format, scale: 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2) };
      this.#money.set(money.currency, entry);
    }
    return entry.format.format(money.amount / entry.scale);
  }

  /** A countdown, e.g. `4:05` or `1:02:03`, with the locale's digits; days are prefixed (`2d 1:02:03`). */
  duration(ms: number): string {
    const total = Math.max(0, Math.ceil(ms / 1000));
    const days = Math.floor(total / 86_400);
    const hours = Math.floor((total % 86_400) / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const seconds = total % 60;
    const two = (n: number): string => this.#pad(n);
    const clock = hours > 0 || days > 0 ? `${this.number(hours)}:${two(minutes)}:${two(seconds)}` : `${this.number(minutes)}:${two(seconds)}`;
    if (days === 0) return clock;
    const unit = new Intl.NumberFormat(this.locale, { style: 'unit', unit: 'day', unitDisplay: 'narrow' });
    return `${unit.format(days)} ${clock}`;
  }

  /** A date and time, e.g. `Fri, Jan 15, 4:00 PM`. */
  dateTime(ms: number): string {
    return new Intl.DateTimeFormat(this.locale, { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }).format(ms);
  }

  #pad(n: number): string {
    return new Intl.NumberFormat(this.locale, { minimumIntegerDigits: 2 }).format(n);
  }
}

function fill(template: string, params: Readonly<Record<string, string | number>>, numbers: Intl.NumberFormat): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? numbers.format(value) : value;
  });
}
