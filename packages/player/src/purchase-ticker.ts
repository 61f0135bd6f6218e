import type { TemplateResult } from 'lit';
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import type { Room, ShowEventMap, ShowState } from '@nightmarket/client';
import { liveLocalizer } from './i18n/live-localize.js';
import type { LiveMessages } from './i18n/live-messages.js';
import { Localizer } from './i18n/localize.js';
import { RoomLink } from './room-link.js';
import { sharedStyles } from './shared-styles.js';
import { cleanText } from './text.js';

/** A purchase, as the `purchase` event carries it. */
export type PurchaseNotice = ShowEventMap['purchase']['data'];

/**
 * `<nm-purchase-ticker>`: social proof: "L** from Hangzhou just bought 2 × Robot vacuum X2".
 *
 * @tagname nm-purchase-ticker
 * @summary Social-proof notices from purchases, rate-limited on screen and announced politely at most every few seconds.
 *
 * Follows the `purchase` events of its `room` (the buyer is masked by the server). A burst does
 * not flood: one notice at a time, each on screen at least `interval` ms (default 2500), and only
 * the newest purchase waiting is shown next (the rest are skipped). Screen readers hear a notice
 * at most every `announce-every` ms (default 8000), through a polite live region.
 *
 * @csspart notice - the notice on screen
 *
 * @cssproperty [--nm-color-overlay=rgb(0 0 0 / 0.55)] - the notice's background
 */
export class NmPurchaseTicker extends LitElement {
  /** Styles: the shared design tokens, then the element's own. */
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        min-block-size: 0;
      }
      .notice {
        display: inline-block;
        max-inline-size: 100%;
        margin: 0;
        padding: 4px 10px;
        border-radius: 999px;
        background: var(--_overlay);
        color: #fff;
        font-size: 0.8em;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
        animation: in 0.3s ease-out;
      }
      @keyframes in {
        from {
          opacity: 0;
          transform: translateY(8px);
        }
      }
    `,
  ];

  /** Reactive properties (lit), with their attributes. */
  static override properties = {
    room: { attribute: false },
    state: { attribute: false },
    localizer: { attribute: false },
    labels: { attribute: false },
    interval: { type: Number },
    announceEvery: { type: Number, attribute: 'announce-every' },
    _shown: { state: true },
    _announced: { state: true },
  };

  /** The room whose `purchase` events to show (and whose state names the products). */
  declare room: Room | undefined;
  /** The show's state, for product titles (taken from `room` when not set). */
  declare state: ShowState | null;
  /** Locale and formats (the player passes its own). */
  declare localizer: Localizer;
  /** Messages that replace the built-in ones. */
  declare labels: Partial<LiveMessages> | undefined;
  /** Shortest time (ms) a notice stays before the next replaces it; it fades after twice that. */
  declare interval: number;
  /** Shortest time (ms) between two announcements to screen readers. */
  declare announceEvery: number;

  declare private _shown: PurchaseNotice | null;
  declare private _announced: string;

  readonly #link = new RoomLink(this, (room) => [room.on('purchase', (event) => this.push(event.data))]);
  #waiting: PurchaseNotice | null = null;
  #shownAt = Number.NEGATIVE_INFINITY;
  #announcedAt = Number.NEGATIVE_INFINITY;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #count = 0;

  constructor() {
    super();
    this.room = undefined;
    this.state = null;
    this.localizer = new Localizer(typeof document === 'undefined' ? 'en' : document.documentElement.lang || 'en');
    this.labels = undefined;
    this.interval = 2500;
    this.announceEvery = 8000;
    this._shown = null;
    this._announced = '';
  }

  /** The text on screen ('' when nothing is). */
  get notice(): string {
    return this._shown ? this.#text(this._shown) : '';
  }

  /** Notices shown since the element was created. */
  get shownCount(): number {
    return this.#count;
  }

  /** Queues a purchase (what the element does with each `purchase` event of its room). */
  push(purchase: PurchaseNotice): void {
    this.#waiting = purchase;
    this.#next();
  }

  /** Stops its timer when the element leaves the page. */
  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Follows a new room. */
  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('room')) this.#link.set(this.room);
  }

  /** Renders the element from its properties and state. */
  protected override render(): TemplateResult {
    const shown = this._shown;
    return html`${shown ? html`<p class="notice" part="notice" aria-hidden="true">${this.#text(shown)}</p>` : nothing}
      <p class="visually-hidden" role="status">${this._announced}</p>`;
  }

  #next(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const now = Date.now();
    const wait = this.#shownAt + this.interval - now;
    if (this.#waiting && wait > 0) {
      this.#timer = setTimeout(() => this.#next(), wait);
      return;
    }
    if (!this.#waiting) {
      // Nothing new: the notice fades after twice the interval.
      const fade = this.#shownAt + 2 * this.interval - now;
      if (fade > 0) this.#timer = setTimeout(() => this.#next(), fade);
      else this._shown = null;
      return;
    }
    this._shown = this.#waiting;
    this.#waiting = null;
    this.#shownAt = now;
    this.#count++;
    if (now - this.#announcedAt >= this.announceEvery) {
      this.#announcedAt = now;
      this._announced = this.#text(this._shown);
    }
    this.#timer = setTimeout(() => this.#next(), this.interval);
  }

  #text(p: PurchaseNotice): string {
    const l = liveLocalizer(this.localizer, this.labels);
    const state = this.state ?? this.room?.state;
    const product = state?.products.find((x) => x.id === p.productId);
    return l.plural('purchased', p.quantity, { buyer: cleanText(p.buyer), product: product ? cleanText(product.title) : l.t('anItem') });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'nm-purchase-ticker': NmPurchaseTicker;
  }
}
