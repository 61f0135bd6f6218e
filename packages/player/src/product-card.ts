import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import type { TemplateResult } from 'lit';
import type { FlashSale, Money, Presale, Product, Variant } from '@nightmarket/client';
import { NmAddToCartEvent, NmBuyNowEvent, NmDepositOfferEvent, NmProductClickEvent, type PurchaseIntent } from './events.js';
import { presaleTerms } from './commerce-text.js';
import { Localizer } from './i18n/localize.js';
import { safeUrl, sharedStyles } from './shared-styles.js';

/** Units left at or below which a variant shows "only N left". */
const FEW_LEFT = 10;

/**
 * `<nm-product-card>`: one product: image, title, price (with the regular price struck through when
 * discounted), variant picker, availability, delivery promise, trust badges, and buttons.
 *
 * @tagname nm-product-card
 * @summary One product: image, title, price (with the regular price struck through when discounted), variant picker, availability, delivery promise, trust badges, and buttons.
 *
 * Renders untrusted text as text only. The buttons do not buy anything themselves: they fire
 * request events that the player's commerce layer (or the page) answers.
 *
 * @fires nm-add-to-cart - "Add to cart" pressed; cancelable.
 * @fires nm-buy-now - "Buy now" pressed; cancelable.
 * @fires nm-product-click - the image or title pressed; cancelable.
 * @fires nm-deposit-offer - "Pay deposit" pressed on a presale product (the player shows the terms to confirm).
 *
 * @csspart card - the whole card
 * @csspart image - the product image
 * @csspart body - everything beside the image
 * @csspart title - the product title
 * @csspart price - the current price
 * @csspart compare-at - the regular price, struck through
 * @csspart sale - the flash-sale line (units left, time left, per-buyer limit)
 * @csspart stock-bar - the flash sale's units left, as a bar
 * @csspart variant-select - the variant picker
 * @csspart availability - in stock, few left or sold out
 * @csspart delivery - the delivery promise
 * @csspart badges - the trust badges list
 * @csspart badge - one trust badge
 * @csspart actions - the buttons
 * @csspart add-to-cart - the "add to cart" button
 * @csspart buy-now - the "buy now" button
 * @csspart presale - the presale's terms
 * @csspart deposit - the "pay deposit" button
 *
 * @cssproperty [--nm-color-accent=#e11d48] - buttons and sale price
 * @cssproperty [--nm-color-surface=#ffffff] - card background
 * @cssproperty [--nm-color-text=#18181b] - text
 * @cssproperty [--nm-color-muted=#52525b] - secondary text
 * @cssproperty [--nm-radius=12px] - corner radius
 * @cssproperty [--nm-space=8px] - spacing unit
 * @cssproperty [--nm-font=system-ui] - font family
 */
export class NmProductCard extends LitElement {
  /** Styles: the shared design tokens, then the element's own. */
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      article {
        display: grid;
        grid-template-columns: 96px 1fr;
        gap: calc(var(--_space) * 1.5);
        padding: calc(var(--_space) * 1.5);
        background: var(--_surface);
        border-radius: var(--_radius);
      }
      :host([compact]) article {
        grid-template-columns: 64px 1fr;
        gap: var(--_space);
        padding: var(--_space);
      }
      .image {
        inline-size: 100%;
        aspect-ratio: 1;
        object-fit: cover;
        border-radius: calc(var(--_radius) / 1.5);
        background: color-mix(in srgb, var(--_muted) 15%, transparent);
        cursor: pointer;
      }
      .body {
        display: flex;
        flex-direction: column;
        gap: calc(var(--_space) / 2);
        min-inline-size: 0;
      }
      h2,
      h3,
      h4 {
        margin: 0;
        font-size: 1em;
        line-height: 1.3;
      }
      :host([compact]) .title {
        display: -webkit-box;
        -webkit-line-clamp: 2;
        -webkit-box-orient: vertical;
        overflow: hidden;
      }
      .title {
        all: unset;
        cursor: pointer;
        overflow-wrap: anywhere;
      }
      .title:focus-visible {
        outline: 3px solid var(--_focus);
        outline-offset: 2px;
      }
      .prices {
        display: flex;
        flex-wrap: wrap;
        gap: var(--_space);
        align-items: baseline;
        margin: 0;
      }
      .price {
        font-weight: 700;
        font-size: 1.1em;
      }
      .price.discounted {
        color: var(--_accent);
      }
      s {
        color: var(--_muted);
      }
      .small {
        margin: 0;
        font-size: 0.875em;
        color: var(--_muted);
      }
      .sale {
        color: var(--_accent);
        font-weight: 600;
      }
      div.sale {
        display: grid;
        gap: 2px;
      }
      meter {
        inline-size: 100%;
        block-size: 8px;
      }
      .sold-out {
        color: var(--_accent);
        font-weight: 600;
      }
      ul {
        display: flex;
        flex-wrap: wrap;
        gap: calc(var(--_space) / 2);
        margin: 0;
        padding: 0;
        list-style: none;
      }
      li {
        font-size: 0.8em;
        padding: 2px 6px;
        border-radius: 999px;
        background: color-mix(in srgb, var(--_muted) 15%, transparent);
      }
      select {
        font: inherit;
        min-block-size: 32px;
        border-radius: calc(var(--_radius) / 1.5);
        max-inline-size: 100%;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: var(--_space);
        margin-block-start: calc(var(--_space) / 2);
      }
      :host([compact]) .detail {
        display: none;
      }
    `,
  ];

  /** Reactive properties (lit), with their attributes. */
  static override properties = {
    product: { attribute: false },
    sale: { attribute: false },
    presale: { attribute: false },
    now: { attribute: false },
    localizer: { attribute: false },
    compact: { type: Boolean, reflect: true },
    headingLevel: { type: Number, attribute: 'heading-level' },
    variantId: { state: true },
  };

  /** The product to show (required). */
  declare product: Product | undefined;
  /** The flash sale the product is in, if any (its price and units left are shown while it is live). */
  declare sale: FlashSale | undefined;
  /** The open presale of the product, if any (its deposit terms and a "pay deposit" button are shown). */
  declare presale: Presale | undefined;
  /** The server's time now, for the sale countdown (the player passes the room's; default `Date.now`). */
  declare now: () => number;
  /** Messages and formats (the player passes its own; standalone cards read the page's `lang`). */
  declare localizer: Localizer;
  /** A smaller card without description lines: the pinned product over the video. */
  declare compact: boolean;
  /** Heading level of the title (default 3). */
  declare headingLevel: number;
  /** The chosen variant's id. */
  declare variantId: string | undefined;

  constructor() {
    super();
    this.product = undefined;
    this.sale = undefined;
    this.presale = undefined;
    this.now = Date.now;
    this.localizer = new Localizer(typeof document === 'undefined' ? 'en' : document.documentElement.lang || 'en');
    this.compact = false;
    this.headingLevel = 3;
    this.variantId = undefined;
  }

  /** The variant shown: the chosen one, else the sale's, else the first available, else the first. */
  get variant(): Variant | undefined {
    const variants = this.product?.variants ?? [];
    return (
      variants.find((v) => v.id === this.variantId) ??
      variants.find((v) => this.#saleLive() && v.id === this.sale?.variantId) ??
      variants.find((v) => v.available) ??
      variants[0]
    );
  }

  /** Derives what the next render needs from changed properties. */
  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('product') && this.variantId && !this.product?.variants.some((v) => v.id === this.variantId)) {
      this.variantId = undefined;
    }
  }

  /** Renders the element from its properties and state. */
  protected override render(): TemplateResult | typeof nothing {
    const product = this.product;
    if (!product) return nothing;
    const l = this.localizer;
    const variant = this.variant;
    const onSale = this.#saleLive() && variant?.id === this.sale?.variantId;
    const regular: Money = variant?.price ?? product.price;
    const price = onSale ? this.sale!.price : regular;
    const compareAt = onSale ? regular : (variant?.compareAtPrice ?? product.compareAtPrice);
    const available = variant?.available === true && !(onSale && this.sale!.unitsLeft === 0);
    const image = product.images[0];
    const src = safeUrl(image?.url);
    return html`
      <article part="card" aria-labelledby="title">
        ${src
          ? html`<img class="image" part="image" src=${src} alt=${image?.alt ?? ''} decoding="async" @click=${this.#click} />`
          : html`<div class="image" part="image" aria-hidden="true"></div>`}
        <div class="body" part="body">
          ${this.#heading(html`<button class="title" part="title" id="title" @click=${this.#click}>${product.title}</button>`)}
          <p class="prices">
            ${compareAt && compareAt.amount > price.amount
              ? html`<span class="visually-hidden">${l.t('nowPrice', { price: l.money(price) })}</span
                  ><span class="price discounted" part="price" aria-hidden="true">${l.money(price)}</span>
                  <s part="compare-at"
                    ><span class="visually-hidden">${l.t('regularPrice', { price: l.money(compareAt) })}</span
                    ><span aria-hidden="true">${l.money(compareAt)}</span></s
                  >`
              : html`<span class="price" part="price">${l.money(price)}</span>`}
          </p>
          ${onSale ? this.#saleLine(this.sale!) : this.#upcoming(variant)}
          ${product.variants.length > 1 ? this.#picker(product, variant) : nothing}
          <p class="small ${available ? (onSale ? 'detail' : '') : 'sold-out'}" part="availability">${this.#availability(variant, available)}</p>
          ${this.#delivery(product)} ${this.#badges(product)} ${this.#presale()}
          <div class="actions" part="actions">
            ${onSale
              ? nothing
              : html`<button class="primary" part="add-to-cart" ?disabled=${!available} @click=${this.#addToCart}>${l.t('addToCart')}</button>`}
            <button class="secondary" part="buy-now" ?disabled=${!available} @click=${this.#buyNow}>${l.t('buyNow')}</button>
          </div>
        </div>
      </article>
    `;
  }

  #heading(content: unknown) {
    switch (this.headingLevel) {
      case 2:
        return html`<h2>${content}</h2>`;
      case 4:
        return html`<h4>${content}</h4>`;
      default:
        return html`<h3>${content}</h3>`;
    }
  }

  /** A live sale: units left as a bar, the per-buyer limit, and the time left (flash-sale units are bought through "buy now", which holds them). */
  #saleLine(sale: FlashSale) {
    const l = this.localizer;
    return html`<div class="small sale" part="sale">
      <p class="small sale">${l.t('flashSale')} · ${sale.unitsLeft === 0 ? l.t('soldOut') : l.plural('unitsLeft', sale.unitsLeft)}</p>
      <meter part="stock-bar" min="0" max=${sale.units} value=${sale.unitsLeft} aria-label=${l.plural('unitsLeft', sale.unitsLeft)}></meter>
      <p class="small">
        <nm-countdown .until=${sale.endsAt} .now=${this.now} .localizer=${l}></nm-countdown>
        · ${l.plural('limitPerBuyer', sale.limitPerBuyer)}
      </p>
    </div>`;
  }

  /** An open presale: its terms, and the button that offers the deposit. */
  #presale() {
    const presale = this.presale;
    if (presale?.status !== 'open' || !this.product) return nothing;
    const l = this.localizer;
    const full = presale.units !== undefined && presale.depositsTaken >= presale.units;
    return html`<div class="small" part="presale">
      <p class="small sale">${l.t('presale')}</p>
      <p class="small">${presaleTerms(l, presale)}</p>
      <button class="secondary" part="deposit" ?disabled=${full} @click=${this.#offerDeposit}>${l.t('payDeposit')}</button>
    </div>`;
  }

  /** A sale of this variant that has not started (when it starts) or has ended (sold out, or over). */
  #upcoming(variant: Variant | undefined) {
    const sale = this.sale;
    if (!sale || sale.variantId !== variant?.id) return nothing;
    const l = this.localizer;
    if (sale.status === 'ended') return html`<p class="small sale" part="sale">${l.t('flashSale')} · ${sale.endReason === 'sold-out' ? l.t('soldOut') : l.t('saleEnded')}</p>`;
    return html`<p class="small sale" part="sale">
      ${l.t('flashSale')} · ${l.money(sale.price)} ·
      <nm-countdown message="saleStartsIn" .until=${sale.startsAt} .now=${this.now} .localizer=${l}></nm-countdown>
    </p>`;
  }

  #picker(product: Product, variant: Variant | undefined) {
    return html`<label class="small detail"
      >${this.localizer.t('option')}
      <select part="variant-select" @change=${this.#choose}>
        ${product.variants.map(
          (v) => html`<option value=${v.id} ?selected=${v.id === variant?.id}>${v.title}${v.available ? '' : ` (${this.localizer.t('soldOut')})`}</option>`,
        )}
      </select></label
    >`;
  }

  #availability(variant: Variant | undefined, available: boolean): string {
    const l = this.localizer;
    if (!available) return l.t('soldOut');
    const stock = variant?.stock;
    return stock !== null && stock !== undefined && stock <= FEW_LEFT ? l.plural('fewLeft', stock) : l.t('inStock');
  }

  #delivery(product: Product) {
    const d = product.delivery;
    if (!d) return nothing;
    const l = this.localizer;
    const when = d.minDays === d.maxDays ? l.plural('deliveryDays', d.minDays, { days: d.minDays }) : l.t('deliveryRange', { min: d.minDays, max: d.maxDays });
    const parts = [when, d.fulfilledBy ? l.t('fulfilledBy', { name: d.fulfilledBy }) : '', d.freeShipping ? l.t('freeShipping') : ''].filter(Boolean);
    return html`<p class="small detail" part="delivery">${parts.join(' · ')}</p>`;
  }

  #badges(product: Product) {
    if (!product.badges?.length) return nothing;
    return html`<ul class="detail" part="badges">
      ${product.badges.map((b) => html`<li part="badge" title=${b.detail ?? ''}>${b.label}</li>`)}
    </ul>`;
  }

  #saleLive(): boolean {
    return this.sale?.status === 'live';
  }

  #intent(): PurchaseIntent | undefined {
    const product = this.product;
    const variant = this.variant;
    if (!product || !variant) return undefined;
    const inSale = this.#saleLive() && this.sale?.variantId === variant.id;
    return { product, variantId: variant.id, quantity: 1, ...(inSale ? { saleId: this.sale!.id } : {}) };
  }

  #choose = (event: Event): void => {
    this.variantId = (event.target as HTMLSelectElement).value;
  };

  #click = (): void => {
    if (this.product) this.dispatchEvent(new NmProductClickEvent(this.product));
  };

  #addToCart = (): void => {
    const intent = this.#intent();
    if (intent) this.dispatchEvent(new NmAddToCartEvent(intent));
  };

  #offerDeposit = (): void => {
    if (this.product && this.presale) this.dispatchEvent(new NmDepositOfferEvent({ presale: this.presale, product: this.product, quantity: 1 }));
  };

  #buyNow = (): void => {
    const intent = this.#intent();
    if (intent) this.dispatchEvent(new NmBuyNowEvent(intent));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'nm-product-card': NmProductCard;
  }
}
