import type { TemplateResult } from 'lit';
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import type { CheckoutResult, Money, Reservation } from '@nightmarket/client';
import { presaleTerms, problemText } from './commerce-text.js';
import type { DepositIntent, PurchaseIntent } from './events.js';
import { Localizer } from './i18n/localize.js';
import { icons } from './icons.js';
import { ModalDialog } from './modal-dialog.js';
import { safeUrl, sharedStyles } from './shared-styles.js';

/**
 * `<nm-buy-sheet>`: "buy now" without leaving the stream: a sheet over the video with the order
 * summary and the delivery promise, then what the merchant's checkout answered — the order
 * placed, or a button to the merchant's payment page.
 *
 * @tagname nm-buy-sheet
 * @summary "Buy now" without leaving the stream: the order summary and delivery promise, then the order placed or the way to payment.
 *
 * A modal native `<dialog>` (focus inside, Escape closes). A flash-sale purchase shows how long
 * the units are held. The player drives it; it fires `nm-sheet-confirm`, `nm-sheet-pay` and
 * `nm-sheet-close` (bubbling, composed) for the player to act on.
 *
 * @fires nm-sheet-confirm - "Place order" pressed.
 * @fires nm-sheet-pay - "Continue to payment" pressed (the player opens the URL).
 * @fires nm-sheet-close - the viewer closed the sheet (close button or Escape).
 *
 * @csspart dialog - the dialog
 * @csspart heading - the heading
 * @csspart close - the close button
 * @csspart summary - the order summary
 * @csspart delivery - the delivery promise
 * @csspart hold - the flash-sale hold countdown
 * @csspart error - an error message
 * @csspart confirm - the "place order" button
 * @csspart result - the order placed, or the way to payment
 * @csspart pay - the "continue to payment" button
 *
 * @cssproperty [--nm-color-accent=#e11d48] - the main button
 * @cssproperty [--nm-color-surface=#ffffff] - background
 * @cssproperty [--nm-drawer-width=380px] - width on wide screens
 * @cssproperty [--nm-radius=12px] - corner radius
 */
export class NmBuySheet extends LitElement {
  /** Styles: the shared design tokens, then the element's own. */
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: contents;
      }
      dialog {
        box-sizing: border-box;
        inline-size: min(100vw, var(--nm-drawer-width, 420px));
        max-inline-size: 100vw;
        margin-block: auto 0;
        padding: calc(var(--_space) * 1.5);
        border: 0;
        border-start-start-radius: var(--_radius);
        border-start-end-radius: var(--_radius);
        color: var(--_text);
        background: var(--_surface);
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.45);
      }
      header,
      .row {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: var(--_space);
      }
      h2 {
        margin: 0;
        font-size: 1.05em;
      }
      dl {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: calc(var(--_space) / 2) var(--_space);
        margin: var(--_space) 0;
      }
      dt {
        color: var(--_muted);
      }
      dd {
        margin: 0;
        text-align: end;
      }
      .title {
        grid-column: 1 / -1;
        font-weight: 600;
        color: var(--_text);
        overflow-wrap: anywhere;
      }
      .total {
        font-weight: 700;
        color: var(--_text);
      }
      p {
        margin: 0 0 var(--_space);
      }
      .muted {
        color: var(--_muted);
        font-size: 0.875em;
      }
      .hold {
        color: var(--_accent);
        font-weight: 600;
      }
      .error {
        padding: var(--_space);
        border-radius: calc(var(--_radius) / 1.5);
        background: color-mix(in srgb, var(--_accent) 12%, var(--_surface));
      }
      .wide {
        inline-size: 100%;
        min-block-size: 44px;
      }
      .close {
        display: inline-flex;
        align-items: center;
        justify-content: center;
        min-inline-size: 40px;
        min-block-size: 40px;
        padding: 0;
        background: transparent;
        color: inherit;
      }
    `,
  ];

  /** Reactive properties (lit), with their attributes. */
  static override properties = {
    open: { type: Boolean, reflect: true },
    intent: { attribute: false },
    reservation: { attribute: false },
    deposit: { attribute: false },
    result: { attribute: false },
    busy: { type: Boolean },
    error: { attribute: false },
    now: { attribute: false },
    localizer: { attribute: false },
  };

  /** Whether the sheet is showing. */
  declare open: boolean;
  /** What the viewer is buying. */
  declare intent: PurchaseIntent | null;
  /** The flash-sale units held for this purchase, if any. */
  declare reservation: Reservation | null;
  /** A presale deposit the viewer is about to pay (instead of `intent`). */
  declare deposit: DepositIntent | null;
  /** What the checkout answered (null until then). */
  declare result: CheckoutResult | null;
  /** A reservation or checkout is in flight. */
  declare busy: boolean;
  /** What failed last, if anything. */
  declare error: unknown;
  /** The server's time now (for the hold countdown). */
  declare now: () => number;
  /** Messages and formats. */
  declare localizer: Localizer;

  readonly #dialog = new ModalDialog(this, () => new Event('nm-sheet-close', { bubbles: true, composed: true }));

  constructor() {
    super();
    this.open = false;
    this.intent = null;
    this.reservation = null;
    this.deposit = null;
    this.result = null;
    this.busy = false;
    this.error = null;
    this.now = Date.now;
    this.localizer = new Localizer(typeof document === 'undefined' ? 'en' : document.documentElement.lang || 'en');
  }

  /** Moves focus into the sheet when it opens or shows the checkout's answer. */
  protected override updated(changed: PropertyValues<this>): void {
    if ((changed.has('open') && this.open) || changed.has('result')) {
      this.renderRoot.querySelector<HTMLElement>('[autofocus]')?.focus();
    }
  }

  /** Renders the element from its properties and state. */
  protected override render(): TemplateResult {
    const l = this.localizer;
    return html`<dialog part="dialog" aria-labelledby="heading" @cancel=${this.#dialog.cancel} @close=${this.#dialog.closed}>
      ${this.open && (this.intent || this.deposit || this.result)
        ? html`<header>
              <h2 id="heading" part="heading">${this.#heading()}</h2>
              <button class="close" part="close" aria-label=${l.t('close')} @click=${this.#dialog.close}>${icons.close}</button>
            </header>
            ${this.result ? this.#result(this.result) : this.deposit ? this.#depositSummary(this.deposit) : this.#summary()}`
        : nothing}
    </dialog>`;
  }

  #heading(): string {
    const l = this.localizer;
    if (this.result?.kind === 'order') return this.result.order.kind === 'deposit' ? l.t('depositPaid') : l.t('orderPlaced');
    return this.deposit ? l.t('presale') : l.t('orderSummary');
  }

  /** A presale's terms, shown before the viewer pays: deposit, balance and its window, refundability. */
  #depositSummary(intent: DepositIntent) {
    const l = this.localizer;
    const { presale, product, quantity } = intent;
    return html`
      <dl part="summary">
        <dt class="title">${product.title}</dt>
        <dt>${l.t('quantity')}</dt>
        <dd>${l.number(quantity)}</dd>
        <dt class="total">${l.t('payDeposit')}</dt>
        <dd class="total">${l.money({ ...presale.deposit, amount: presale.deposit.amount * quantity })}</dd>
      </dl>
      <p>${presaleTerms(l, presale)}</p>
      <p class="muted" part="terms">
        ${presale.refundable ? l.t('refundableTerms') : l.t('nonRefundableTerms', { until: l.dateTime(presale.balanceDueUntil) })}
      </p>
      ${this.error ? html`<p class="error" part="error" role="alert">${problemText(l, this.error)}</p>` : nothing}
      <p class="muted" role="status">${this.busy ? l.t('working') : ''}</p>
      <button class="primary wide" part="confirm" autofocus ?disabled=${this.busy} @click=${this.#confirm}>${l.t('payDeposit')}</button>
    `;
  }

  #summary() {
    const l = this.localizer;
    const intent = this.intent!;
    const { product, quantity } = intent;
    const variant = product.variants.find((v) => v.id === intent.variantId);
    const unit: Money = this.reservation?.unitPrice ?? variant?.price ?? product.price;
    const d = product.delivery;
    const title = variant && variant.title !== product.title && product.variants.length > 1 ? `${product.title} — ${variant.title}` : product.title;
    return html`
      <dl part="summary">
        <dt class="title">${title}</dt>
        <dt>${l.t('quantity')}</dt>
        <dd>${l.number(quantity)}</dd>
        <dt class="total">${l.t('total')}</dt>
        <dd class="total">${l.money({ ...unit, amount: unit.amount * quantity })}</dd>
      </dl>
      ${d
        ? html`<p class="muted" part="delivery">
            ${[
              d.minDays === d.maxDays ? l.plural('deliveryDays', d.minDays, { days: d.minDays }) : l.t('deliveryRange', { min: d.minDays, max: d.maxDays }),
              d.fulfilledBy ? l.t('fulfilledBy', { name: d.fulfilledBy }) : '',
              d.freeShipping ? l.t('freeShipping') : '',
            ]
              .filter(Boolean)
              .join(' · ')}
          </p>`
        : nothing}
      ${this.reservation?.status === 'held'
        ? html`<p class="hold" part="hold"><nm-countdown message="heldFor" .until=${this.reservation.expiresAt} .now=${this.now} .localizer=${l}></nm-countdown></p>`
        : nothing}
      ${this.error ? html`<p class="error" part="error" role="alert">${problemText(l, this.error)}</p>` : nothing}
      <p class="muted" role="status">${this.busy ? l.t('working') : ''}</p>
      <button class="primary wide" part="confirm" autofocus ?disabled=${this.busy} @click=${this.#confirm}>${l.t('placeOrder')}</button>
    `;
  }

  #result(result: CheckoutResult) {
    const l = this.localizer;
    if (result.kind === 'order') {
      const order = result.order;
      return html`<div part="result" role="status">
        <p>${l.t('orderNumber', { id: order.id })}</p>
        <p class="row"><span>${l.t('total')}</span><strong>${l.money(order.total)}</strong></p>
        ${order.presale ? html`<p class="muted">${presaleTerms(l, { ...order.presale, deposit: order.total })}</p>` : nothing}
        <button class="secondary wide" autofocus @click=${this.#dialog.close}>${l.t('close')}</button>
      </div>`;
    }
    return html`<div part="result">
      <button class="primary wide" part="pay" autofocus ?disabled=${!safeUrl(result.url)} @click=${this.#pay}>${l.t('continueToPayment')}</button>
      <p class="muted">${l.t('paymentNote')}</p>
    </div>`;
  }

  #confirm = (): void => {
    this.dispatchEvent(new Event('nm-sheet-confirm', { bubbles: true, composed: true }));
  };

  #pay = (): void => {
    this.dispatchEvent(new Event('nm-sheet-pay', { bubbles: true, composed: true }));
  };

}

declare global {
  interface HTMLElementTagNameMap {
    'nm-buy-sheet': NmBuySheet;
  }
}
