import type { TemplateResult } from 'lit';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { Localizer } from './i18n/localize.js';
import { liveLocalizer } from './i18n/live-localize.js';
import type { Messages } from './i18n/messages.js';

/** How long (ms) the number takes to move to a new count. */
const TWEEN_MS = 600;

/**
 * `<nm-viewer-count>`: how many watch, in the locale's compact notation ("1.2K watching",
 * "1.2万 人在看", "1,2 mil assistindo"), moving smoothly to each new count.
 *
 * @tagname nm-viewer-count
 * @summary The viewer count in the locale's compact notation, moving smoothly to each new count.
 *
 * The number eases to a new count over 0.6 s (at once under reduced motion); the words come from
 * the player's `viewers` message.
 *
 * @csspart count - the text
 */
export class NmViewerCount extends LitElement {
  /** Styles of the element. */
  static override styles = css`
    :host {
      display: inline-block;
      font-variant-numeric: tabular-nums;
    }
  `;

  /** Reactive properties (lit), with their attributes. */
  static override properties = {
    count: { type: Number },
    localizer: { attribute: false },
    labels: { attribute: false },
    _shown: { state: true },
  };

  /** Viewers watching. */
  declare count: number;
  /** Locale and formats (the player passes its own). */
  declare localizer: Localizer;
  /** Messages that replace the built-in ones (`viewers`). */
  declare labels: Partial<Messages> | undefined;

  declare private _shown: number;
  #frame: number | undefined;

  constructor() {
    super();
    this.count = 0;
    this.localizer = new Localizer(typeof document === 'undefined' ? 'en' : document.documentElement.lang || 'en');
    this.labels = undefined;
    this._shown = 0;
  }

  /** The text on screen. */
  get text(): string {
    const l = this.labels ? new Localizer(this.localizer.locale, this.labels) : this.localizer;
    return l.plural('viewers', this._shown, { count: liveLocalizer(this.localizer).compact(this._shown) });
  }

  /** Stops the animation when the element leaves the page. */
  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    this.#frame = undefined;
  }

  /** Eases the number on screen to a new count. */
  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('count')) return;
    const to = this.count;
    const from = this._shown;
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    this.#frame = undefined;
    const still = !this.hasUpdated || matchMedia('(prefers-reduced-motion: reduce)').matches;
    // A change the compact notation does not show needs no animation.
    const l = liveLocalizer(this.localizer);
    if (still || l.compact(from) === l.compact(to)) {
      this._shown = to;
      return;
    }
    const start = performance.now();
    const step = (now: number): void => {
      const t = Math.min(1, (now - start) / TWEEN_MS);
      const eased = 1 - (1 - t) ** 3;
      this._shown = Math.round(from + (to - from) * eased);
      this.#frame = t < 1 ? requestAnimationFrame(step) : undefined;
    };
    this.#frame = requestAnimationFrame(step);
  }

  /** Renders the element from its properties and state. */
  protected override render(): TemplateResult {
    return html`<span part="count">${this.text}</span>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'nm-viewer-count': NmViewerCount;
  }
}
