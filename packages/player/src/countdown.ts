import type { TemplateResult } from 'lit';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { Localizer } from './i18n/localize.js';
import type { TextKey } from './i18n/localize.js';
import { sharedStyles } from './shared-styles.js';

/** Seconds left at which a countdown is spoken to screen readers (and when it reaches zero). */
const ANNOUNCE_AT = [600, 300, 120, 60, 30, 10];

/**
 * `<nm-countdown>`: time left until a moment on the server's clock (a flash sale's start or end,
 * a reservation's expiry), right even when the viewer's own clock is off by an hour.
 *
 * @tagname nm-countdown
 * @summary Time left until a moment on the server's clock (a flash sale's start or end, a reservation's expiry), right even when the viewer's own clock is off by an hour.
 *
 * Give it `until` (epoch ms, server time) and `now` (a function returning the server's time, e.g.
 * `() => room.serverNow()`). It ticks on the server's second boundaries, so the digits change
 * within a frame of the true second. Screen readers hear it at sensible moments (10, 5, 2 and 1
 * minutes, 30 and 10 seconds, and the end), not every second.
 *
 * @fires nm-countdown-end - the moment was reached (fired once; does not bubble).
 *
 * @csspart time - the time left
 *
 * @cssproperty [--nm-font=system-ui] - font family
 */
export class NmCountdown extends LitElement {
  /** Styles: the shared design tokens, then the element's own. */
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: inline;
        color: inherit;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  /** Reactive properties (lit), with their attributes. */
  static override properties = {
    until: { type: Number },
    now: { attribute: false },
    message: {},
    localizer: { attribute: false },
    _left: { state: true },
    _spoken: { state: true },
  };

  /** The moment counted down to, epoch ms on the server's clock. */
  declare until: number;
  /** The server's time now (default `Date.now`: pass the room's `serverNow`). */
  declare now: () => number;
  /** Catalogue message around the time, with a `{time}` placeholder (default `endsIn`). */
  declare message: TextKey;
  /** Messages and formats. */
  declare localizer: Localizer;
  declare private _left: number;
  declare private _spoken: string;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #ended = false;

  constructor() {
    super();
    this.until = 0;
    this.now = Date.now;
    this.message = 'endsIn';
    this.localizer = new Localizer(typeof document === 'undefined' ? 'en' : document.documentElement.lang || 'en');
    this._left = 0;
    this._spoken = '';
  }

  /** Milliseconds left now (0 once the moment has passed). */
  get remaining(): number {
    return Math.max(0, this.until - this.now());
  }

  /** Starts ticking. */
  override connectedCallback(): void {
    super.connectedCallback();
    this.#tick();
  }

  /** Stops ticking. */
  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
  }

  /** Restarts the count when the moment or the clock changes. */
  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('until') || changed.has('now')) {
      if (changed.has('until')) this.#ended = false;
      if (this.isConnected && this.hasUpdated) this.#tick();
    }
  }

  /** Renders the element from its properties and state. */
  protected override render(): TemplateResult {
    const text = this.localizer.t(this.message, { time: this.localizer.duration(this._left) });
    return html`<span role="timer" aria-live="off" part="time">${text}</span><span class="visually-hidden" aria-live="polite">${this._spoken}</span>`;
  }

  #tick(): void {
    clearTimeout(this.#timer);
    const before = Math.ceil(this._left / 1000);
    const left = this.remaining;
    this._left = left;
    const seconds = Math.ceil(left / 1000);
    // Spoken when a threshold is crossed, not on every tick (and not on the first render).
    if (this.hasUpdated && seconds !== before && ANNOUNCE_AT.some((at) => seconds <= at && before > at)) {
      this._spoken = this.localizer.t(this.message, { time: this.localizer.duration(left) });
    }
    if (left <= 0) {
      if (!this.#ended) {
        this.#ended = true;
        this.dispatchEvent(new Event('nm-countdown-end'));
      }
      return;
    }
    // Next change of the displayed second, on the server's clock (+5 ms so it has ticked over).
    const next = left % 1000 || 1000;
    this.#timer = setTimeout(() => this.#tick(), next + 5);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'nm-countdown': NmCountdown;
  }
}
