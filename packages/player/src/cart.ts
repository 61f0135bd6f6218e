import type { TemplateResult } from 'lit';
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import type { CartLine, CartState, CheckoutRequest, Order, ShowCart } from '@nightmarket/client';
import { presaleTerms, problemText } from './commerce-text.js';
import { Localizer } from './i18n/localize.js';
import { icons } from './icons.js';
import { ModalDialog } from './modal-dialog.js';
import { sharedStyles } from './shared-styles.js';

/** What `<nm-cart>` needs from the player it shows the cart of (`<nm-player>` is one). */
export interface CartHost extends HTMLElement {
  /** The player's cart (null until it joins a show). */
  readonly cart: ShowCart | null;
  /** Changes a line's quantity (0 removes it) through the player's checkout hooks. */
  updateCart(line: CartLine, quantity: number): Promise<unknown>;
  /** Checks out through the player's checkout hooks. */
  checkout(request: CheckoutRequest): Promise<unknown>;
  /** Pays the balance of a presale deposit. */
  payBalance(order: Order): Promise<unknown>;
  /** Refunds a presale deposit. */
  refundDeposit(order: Order): Promise<unknown>;
}

/**
 * `<nm-cart>`: the viewer's cart: lines with quantities, the subtotal in the show's currency, and
 * the checkout button.
 *
 * @tagname nm-cart
 * @summary The viewer's cart: lines with quantities, the subtotal in the show's currency, and the checkout button.
 *
 * Inside `<nm-player>` it opens from the cart button. On its own, point it at a player with
 * `for="player-id"`: it shows that player's cart and changes it through the player's checkout
 * hooks (the same events and adapter). Changes show at once and roll back if the shop refuses
 * them; the cart is the same in every tab of the shop and survives reloads.
 *
 * @fires nm-cart-close - the viewer closed the modal cart (close button or Escape); bubbles.
 *
 * @csspart dialog - the modal dialog (`mode="modal"`)
 * @csspart cart - the cart's content
 * @csspart heading - the heading
 * @csspart close - the close button (modal)
 * @csspart error - an error message
 * @csspart empty - the empty-cart text
 * @csspart lines - the list of lines
 * @csspart line - one line
 * @csspart stepper - a line's quantity buttons
 * @csspart remove - a line's remove button
 * @csspart subtotal - the subtotal row
 * @csspart checkout - the checkout button
 * @csspart deposits - the presale deposits
 * @csspart deposit - one deposit receipt
 * @csspart pay-balance - a deposit's "pay balance" button
 * @csspart refund - a deposit's "refund" button
 *
 * @cssproperty [--nm-color-accent=#e11d48] - the checkout button
 * @cssproperty [--nm-color-surface=#ffffff] - background
 * @cssproperty [--nm-drawer-width=380px] - width of the modal cart
 * @cssproperty [--nm-radius=12px] - corner radius
 * @cssproperty [--nm-space=8px] - spacing unit
 */
export class NmCart extends LitElement {
  /** Styles: the shared design tokens, then the element's own. */
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      :host([mode='modal']) {
        display: contents;
      }
      dialog {
        box-sizing: border-box;
        inline-size: min(100vw, var(--nm-drawer-width, 420px));
        max-inline-size: 100vw;
        max-block-size: min(85vh, 720px);
        margin-block: auto 0;
        padding: 0;
        border: 0;
        border-start-start-radius: var(--_radius);
        border-start-end-radius: var(--_radius);
        color: var(--_text);
        background: var(--_surface);
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.45);
      }
      .cart {
        display: grid;
        gap: var(--_space);
        padding: calc(var(--_space) * 1.5);
        color: var(--_text);
        background: var(--_surface);
      }
      header,
      .row {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: var(--_space);
      }
      h2,
      h3 {
        margin: 0;
        font-size: 1.05em;
      }
      p {
        margin: 0;
      }
      ul {
        display: grid;
        gap: var(--_space);
        margin: 0;
        padding: 0;
        list-style: none;
      }
      li {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: calc(var(--_space) / 2) var(--_space);
        padding-block-end: var(--_space);
        border-block-end: 1px solid color-mix(in srgb, var(--_muted) 25%, transparent);
      }
      .title {
        overflow-wrap: anywhere;
      }
      .stepper {
        display: inline-flex;
        align-items: center;
        gap: calc(var(--_space) / 2);
      }
      .stepper button,
      .icon {
        display: inline-flex;
        align-items: center;
        justify-content: center;
        min-inline-size: 32px;
        min-block-size: 32px;
        padding: 0;
        background: color-mix(in srgb, var(--_muted) 15%, transparent);
        color: inherit;
      }
      .icon {
        background: transparent;
      }
      output {
        min-inline-size: 2ch;
        text-align: center;
        font-variant-numeric: tabular-nums;
      }
      .error {
        display: flex;
        gap: var(--_space);
        align-items: start;
        justify-content: space-between;
        padding: var(--_space);
        border-radius: calc(var(--_radius) / 1.5);
        background: color-mix(in srgb, var(--_accent) 12%, var(--_surface));
      }
      .subtotal {
        font-weight: 700;
      }
      .checkout {
        inline-size: 100%;
        min-block-size: 44px;
      }
      .muted {
        color: var(--_muted);
        font-size: 0.875em;
      }
    `,
  ];

  /** Reactive properties (lit), with their attributes. */
  static override properties = {
    for: {},
    mode: { reflect: true },
    open: { type: Boolean, reflect: true },
    state: { attribute: false },
    deposits: { attribute: false },
    depositError: { attribute: false },
    now: { attribute: false },
    localizer: { attribute: false },
  };

  /** Id of the `<nm-player>` whose cart to show (standalone use). */
  declare for: string | undefined;
  /** `inline` (default): in the page's flow; `modal`: a dialog shown while `open`. */
  declare mode: 'inline' | 'modal';
  /** Whether the modal cart is showing. */
  declare open: boolean;
  /** The cart to draw (the player sets it; with `for`, it follows that player's cart). */
  declare state: CartState | null;
  /** The viewer's presale deposits: receipts, with the balance payment and refund. */
  declare deposits: readonly Order[];
  /** Why the last balance payment or refund failed. */
  declare depositError: string;
  /** The server's time now (the balance window opens on it). */
  declare now: () => number;
  /** Messages and formats (the player passes its own; standalone carts read the page's `lang`). */
  declare localizer: Localizer;
  #bound: { host: CartHost; cart: ShowCart | null; off: () => void } | undefined;
  #windowTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #dialog = new ModalDialog(this, () => new Event('nm-cart-close', { bubbles: true, composed: true }), () => this.mode === 'modal');

  constructor() {
    super();
    this.for = undefined;
    this.mode = 'inline';
    this.open = false;
    this.state = null;
    this.deposits = [];
    this.depositError = '';
    this.now = Date.now;
    this.localizer = new Localizer(typeof document === 'undefined' ? 'en' : document.documentElement.lang || 'en');
  }

  /** Follows the player named by `for`. */
  override connectedCallback(): void {
    super.connectedCallback();
    this.#bind();
  }

  /** Stops following it. */
  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#windowTimer);
    this.#unbind();
  }

  /** Rebinds when `for` changes. */
  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('for') && this.hasUpdated) this.#bind();
  }

  /** Keeps focus inside the modal cart, and draws again when a balance window opens. */
  protected override updated(changed: PropertyValues<this>): void {
    clearTimeout(this.#windowTimer);
    const now = this.now();
    const opens = this.deposits.map((o) => o.presale?.balanceDueFrom ?? 0).filter((t) => t > now);
    if (opens.length > 0) this.#windowTimer = setTimeout(() => this.requestUpdate(), Math.min(...opens) - now + 50);
    if (changed.has('open') && this.open) this.renderRoot.querySelector<HTMLButtonElement>('.close')?.focus();
  }

  /** Renders the element from its properties and state. */
  protected override render(): TemplateResult {
    if (this.mode !== 'modal') return this.#content();
    return html`<dialog part="dialog" aria-labelledby="heading" @cancel=${this.#dialog.cancel} @close=${this.#dialog.closed}>
      ${this.open ? this.#content() : nothing}
    </dialog>`;
  }

  #content() {
    const l = this.localizer;
    const state = this.state;
    const cart = state?.cart;
    const busy = (state?.pending.length ?? 0) > 0 || state?.checkingOut === true;
    return html`<section class="cart" part="cart" aria-labelledby="heading" aria-busy=${String(busy)}>
      <header>
        <h2 id="heading" part="heading">${l.t('cartTitle')}</h2>
        ${this.mode === 'modal'
          ? html`<button class="icon close" part="close" aria-label=${l.t('close')} @click=${this.#dialog.close}>${icons.close}</button>`
          : nothing}
      </header>
      ${state?.error
        ? html`<div class="error" part="error" role="alert">
            <p>${problemText(l, state.error.error)}</p>
            <button class="icon" aria-label=${l.t('dismiss')} @click=${this.#dismiss}>${icons.close}</button>
          </div>`
        : nothing}
      ${!cart || cart.lines.length === 0
        ? html`<p class="muted" part="empty">${l.t('cartEmpty')}</p>`
        : html`<ul part="lines">
              ${cart.lines.map((line) => this.#line(line))}
            </ul>
            <p class="row subtotal" part="subtotal"><span>${l.t('subtotal')}</span><span>${l.money(cart.subtotal)}</span></p>`}
      <p class="muted" role="status">${busy ? l.t('working') : ''}</p>
      <button
        class="primary checkout"
        part="checkout"
        ?disabled=${!cart || cart.lines.length === 0 || state?.checkingOut === true}
        @click=${this.#checkout}
      >
        ${l.t('checkout')}
      </button>
      ${this.deposits.length > 0 ? this.#deposits() : nothing}
    </section>`;
  }

  #deposits() {
    const l = this.localizer;
    const now = this.now();
    return html`<h3>${l.t('depositsTitle')}</h3>
      ${this.depositError ? html`<p class="error" part="error" role="alert">${this.depositError}</p>` : nothing}
      <ul part="deposits">
        ${this.deposits.map((order) => {
          const p = order.presale;
          const status = { 'deposit-paid': l.t('depositPaid'), paid: l.t('paidInFull'), refunded: l.t('refunded'), forfeited: l.t('forfeited'), confirmed: '' }[order.status];
          const open = order.status === 'deposit-paid' && p !== undefined;
          return html`<li part="deposit">
            <span class="title">${order.lines.map((line) => line.title).join(', ')}</span>
            <span>${l.money(order.total)}</span>
            <span class="muted">${status}${p && open ? html` · ${presaleTerms(l, { ...p, deposit: order.total })}` : nothing}</span>
            <span class="stepper">
              ${open
                ? html`<button class="primary" part="pay-balance" ?disabled=${now < p.balanceDueFrom || now > p.balanceDueUntil} @click=${() => this.#step('payBalance', order)}>
                      ${l.t('payBalance')}
                    </button>
                    ${p.refundable ? html`<button class="secondary" part="refund" @click=${() => this.#step('refundDeposit', order)}>${l.t('refundDeposit')}</button>` : nothing}`
                : nothing}
            </span>
          </li>`;
        })}
      </ul>`;
  }

  #step(action: 'payBalance' | 'refundDeposit', order: Order): void {
    void this.#host()?.[action](order).catch(() => undefined);
  }

  #line(line: CartLine) {
    const l = this.localizer;
    const pending = line.id.startsWith('pending:');
    return html`<li part="line">
      <span class="title">${line.title}</span>
      <span>${l.money({ ...line.unitPrice, amount: line.unitPrice.amount * line.quantity })}</span>
      <span class="stepper" part="stepper" role="group" aria-label=${l.t('quantityOf', { title: line.title })}>
        <button aria-label=${l.t('decrease', { title: line.title })} ?disabled=${pending} @click=${() => this.#change(line, line.quantity - 1)}>−</button>
        <output aria-live="off">${l.number(line.quantity)}</output>
        <button aria-label=${l.t('increase', { title: line.title })} ?disabled=${pending || line.quantity >= 99} @click=${() => this.#change(line, line.quantity + 1)}>+</button>
      </span>
      <button class="secondary" part="remove" aria-label=${l.t('removeLine', { title: line.title })} ?disabled=${pending} @click=${() => this.#change(line, 0)}>
        ${icons.close}
      </button>
    </li>`;
  }

  /** The player this cart belongs to: `for`, else the player whose shadow root holds it. */
  #host(): CartHost | null {
    const target = this.for ? document.getElementById(this.for) : (this.getRootNode() as ShadowRoot).host;
    return target && 'checkout' in target && 'updateCart' in target ? (target as CartHost) : null;
  }

  #bind(): void {
    this.#unbind();
    if (!this.for) return;
    const host = this.#host();
    if (!host) {
      const target = document.getElementById(this.for);
      // A player not defined yet (its elements still loading): bind once it is.
      if (target && target.localName.includes('-') && !customElements.get(target.localName)) {
        void customElements.whenDefined(target.localName).then(() => this.isConnected && this.#bind());
        return;
      }
      console.warn(`<nm-cart for="${this.for}">: no <nm-player id="${this.for}"> on the page; the cart stays empty.`);
      return;
    }
    // The player makes a new cart when it joins another show: follow it.
    let offCart = (): void => undefined;
    const follow = (): void => {
      if (this.#bound && this.#bound.cart === host.cart) return;
      offCart();
      const cart = host.cart;
      offCart = cart ? cart.subscribe((state) => (this.state = state)) : () => undefined;
      this.state = cart?.state ?? null;
      if (this.#bound) this.#bound.cart = cart;
    };
    host.addEventListener('nm-state-change', follow);
    host.addEventListener('nm-shop-ready', follow);
    this.#bound = {
      host,
      cart: null,
      off: () => {
        host.removeEventListener('nm-state-change', follow);
        host.removeEventListener('nm-shop-ready', follow);
        offCart();
      },
    };
    follow();
  }

  #unbind(): void {
    this.#bound?.off();
    this.#bound = undefined;
  }

  #change(line: CartLine, quantity: number): void {
    void this.#host()?.updateCart(line, Math.max(0, quantity)).catch(() => undefined);
  }

  #checkout = (): void => {
    void this.#host()?.checkout({ source: 'cart' }).catch(() => undefined);
  };

  #dismiss = (): void => {
    this.#host()?.cart?.clearError();
  };

}

declare global {
  interface HTMLElementTagNameMap {
    'nm-cart': NmCart;
  }
}
