/**
 * Messages of the live room for a locale, beside the player's {@link Localizer} (whose locale,
 * numbers and direction it shares), plus compact numbers (`1.2K`, `1.2万`, `1,2 mil`).
 */
import type { Localizer } from './localize.js';
import { liveKo } from './live-ko.js';
import { liveEn, type LiveMessages } from './live-messages.js';
import { livePt } from './live-pt.js';
import { liveZhCN } from './live-zh-cn.js';
import { liveZhTW } from './live-zh-tw.js';
import type { PluralMessage } from './messages.js';

const CATALOGUES = { en: liveEn, 'zh-CN': liveZhCN, 'zh-TW': liveZhTW, pt: livePt, ko: liveKo } as const;

/** Keys of live-room messages with plural forms. */
export type LivePluralKey = { [K in keyof LiveMessages]: LiveMessages[K] extends PluralMessage ? K : never }[keyof LiveMessages];
/** Keys of plain live-room messages. */
export type LiveTextKey = Exclude<keyof LiveMessages, LivePluralKey>;

/** The live room's messages and compact numbers for one locale. Immutable. */
export class LiveLocalizer {
  /** The player's localizer this one extends (locale, numbers, money, durations). */
  readonly base: Localizer;
  readonly #messages: LiveMessages;
  readonly #plural: Intl.PluralRules;
  readonly #compact: Intl.NumberFormat;

  /**
   * @param base - the player's localizer (its locale and catalogue choice are used)
   * @param overrides - messages that replace the catalogue's
   */
  constructor(base: Localizer, overrides: Partial<LiveMessages> = {}) {
    this.base = base;
    this.#messages = { ...CATALOGUES[base.catalogue], ...overrides };
    this.#plural = new Intl.PluralRules(base.locale);
    this.#compact = new Intl.NumberFormat(base.locale, { notation: 'compact', maximumFractionDigits: 1 });
  }

  /** A plain message with its `{placeholders}` filled in as text. */
  t(key: LiveTextKey, params: Readonly<Record<string, string | number>> = {}): string {
    return this.#fill(this.#messages[key], params);
  }

  /** A plural message for `count` (`{count}` is the number, formatted; pass `count` in `params` to show it otherwise). */
  plural(key: LivePluralKey, count: number, params: Readonly<Record<string, string | number>> = {}): string {
    const forms = this.#messages[key];
    const form = forms[this.#plural.select(count) as keyof PluralMessage] ?? forms.other;
    return this.#fill(form, { count, ...params });
  }

  /** A count in the locale's compact notation: `1.2K` (en), `1.2万` (zh-CN), `1,2 mil` (pt-BR). */
  compact(value: number): string {
    return this.#compact.format(value);
  }

  #fill(template: string, params: Readonly<Record<string, string | number>>): string {
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      return typeof value === 'number' ? this.base.number(value) : value;
    });
  }
}

const shared = new WeakMap<Localizer, LiveLocalizer>();

/** The live localizer for a player's localizer (one per localizer when there are no overrides). */
export function liveLocalizer(base: Localizer, overrides?: Partial<LiveMessages>): LiveLocalizer {
  if (overrides) return new LiveLocalizer(base, overrides);
  let live = shared.get(base);
  if (!live) shared.set(base, (live = new LiveLocalizer(base)));
  return live;
}
