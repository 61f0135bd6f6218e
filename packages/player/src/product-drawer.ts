import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import type { TemplateResult } from 'lit';
import type { FlashSale, Presale, Product } from '@nightmarket/client';
import { saleOf } from './commerce-text.js';
import { NmDrawerToggleEvent } from './events.js';
import { Localizer } from './i18n/localize.js';
import { icons } from './icons.js';
import { ModalDialog } from './modal-dialog.js';
import { sharedStyles } from './shared-styles.js';

/**
 * `<nm-product-drawer>`: every product of the show: a modal dialog on narrow screens, a side panel on wide ones.
 *
 * @tagname nm-product-drawer
 * @summary Every product of the show: a modal dialog on narrow screens, a side panel on wide ones.
 *
 * As a modal (`mode="modal"`) it is a native `<dialog>`: focus moves into it, the page behind is
 * inert, Escape closes it, and the player returns focus to the button that opened it. As a panel
 * (`mode="panel"`) it is a labelled region beside the video.
 *
 * @fires nm-drawer-toggle - the viewer closed the drawer (close button or Escape).
 *
 * @csspart dialog - the modal dialog
 * @csspart panel - the side panel
 * @csspart header - the heading row
 * @csspart heading - the heading
 * @csspart close - the close button
 * @csspart list - the list of products
 *
 * @cssproperty [--nm-drawer-width=380px] - width of the side panel and of the dialog on wide screens
 * @cssproperty [--nm-color-surface=#ffffff] - background
 * @cssproperty [--nm-radius=12px] - corner radius
 */
export class NmProductDrawer extends LitElement {
  /** Styles: the shared design tokens, then the element's own. */
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: contents;
      }
      dialog,
      .panel {
        box-sizing: border-box;
        color: var(--_text);
        background: color-mix(in srgb, var(--_muted) 8%, var(--_surface));
        padding: 0;
        border: 0;
      }
      dialog {
        inline-size: min(100vw, var(--nm-drawer-width, 420px));
        max-inline-size: 100vw;
        block-size: min(80vh, 720px);
        margin-block: auto 0;
        border-start-start-radius: var(--_radius);
        border-start-end-radius: var(--_radius);
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.45);
      }
      .panel {
        block-size: 100%;
        inline-size: var(--nm-drawer-width, 380px);
        overflow: auto;
      }
      header {
        position: sticky;
        inset-block-start: 0;
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: var(--_space);
        padding: var(--_space) calc(var(--_space) * 1.5);
        background: inherit;
        z-index: 1;
      }
      h2 {
        margin: 0;
        font-size: 1.05em;
      }
      .close {
        display: inline-flex;
        align-items: center;
        justify-content: center;
        background: transparent;
        color: inherit;
        font-size: 1.2em;
        line-height: 1;
        min-inline-size: 40px;
        min-block-size: 40px;
      }
      ul {
        display: grid;
        gap: var(--_space);
        margin: 0;
        padding: 0 calc(var(--_space) * 1.5) calc(var(--_space) * 1.5);
        list-style: none;
      }
    `,
  ];

  /** Reactive properties (lit), with their attributes. */
  static override properties = {
    open: { type: Boolean, reflect: true },
    mode: { reflect: true },
    products: { attribute: false },
    sales: { attribute: false },
    presales: { attribute: false },
    now: { attribute: false },
    localizer: { attribute: false },
  };

  /** Whether the drawer is showing. */
  declare open: boolean;
  /** `modal`: a dialog over the page (narrow screens); `panel`: a region beside the video. */
  declare mode: 'modal' | 'panel';
  /** The products, in the show's order. */
  declare products: readonly Product[];
  /** The show's flash sales (a product in a live sale shows its sale price). */
  declare sales: readonly FlashSale[];
  /** The show's presales (a product with an open one shows its deposit terms). */
  declare presales: readonly Presale[];
  /** The server's time now, for sale countdowns (default `Date.now`). */
  declare now: () => number;
  /** Messages and formats. */
  declare localizer: Localizer;

  readonly #dialog = new ModalDialog(this, () => new NmDrawerToggleEvent(false), () => this.mode === 'modal');

  constructor() {
    super();
    this.open = false;
    this.mode = 'modal';
    this.products = [];
    this.sales = [];
    this.presales = [];
    this.now = Date.now;
    this.localizer = new Localizer(typeof document === 'undefined' ? 'en' : document.documentElement.lang || 'en');
  }

  /** Moves focus into the drawer when it opens. */
  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('open') && this.open) this.renderRoot.querySelector<HTMLButtonElement>('.close')?.focus();
  }

  /** Renders the element from its properties and state. */
  protected override render(): TemplateResult | typeof nothing {
    if (this.mode === 'panel') {
      return this.open
        ? html`<section class="panel" part="panel" aria-labelledby="heading">${this.#content()}</section>`
        : nothing;
    }
    // The cards are rendered only while the dialog is open: a show's catalogue costs nothing until asked for.
    return html`<dialog part="dialog" aria-labelledby="heading" @cancel=${this.#dialog.cancel} @close=${this.#dialog.closed}>
      ${this.open ? this.#content() : nothing}
    </dialog>`;
  }

  #content() {
    const l = this.localizer;
    return html`
      <header part="header">
        <h2 id="heading" part="heading">${l.t('productsTitle')}</h2>
        <button class="close" part="close" aria-label=${l.t('close')} @click=${this.#dialog.close}>${icons.close}</button>
      </header>
      <ul part="list">
        ${this.products.map(
          (product) =>
            html`<li>
              <nm-product-card
                .product=${product}
                .sale=${saleOf(this.sales, product.id)}
                .presale=${this.presales.find((p) => p.productId === product.id && p.status === 'open')}
                .now=${this.now}
                .localizer=${l}
              ></nm-product-card>
            </li>`,
        )}
      </ul>
    `;
  }

}

declare global {
  interface HTMLElementTagNameMap {
    'nm-product-drawer': NmProductDrawer;
  }
}
