/**
 * The player's shopping: the cart through the checkout hooks, "buy now" (with flash-sale holds),
 * presale deposits, and the UI that shows them (cart button, cart, buy-now sheet, error notice).
 * Loaded with the shopping elements once a show's state is in, so none of it is on the path to
 * the first frame.
 *
 * Every viewer intent fires its cancelable request event on the player first (`nm-add-to-cart`,
 * `nm-update-cart`, `nm-checkout`, `nm-reserve`, `nm-deposit`): the page's `respondWith` answer, or
 * `preventDefault()` alone ("handled"), or else the commerce adapter (or, for holds and deposits,
 * the show backend, which owns sale units and presales).
 */
import { html, nothing } from 'lit';
import {
  mergeProducts,
  ShowCart,
  type Cart,
  type CartLine,
  type CartState,
  type CheckoutRequest,
  type CheckoutResult,
  type CommerceAdapter,
  type NightmarketClient,
  type Order,
  type Product,
  type ProductPatch,
  type Reservation,
  type ShowState,
} from '@nightmarket/client';
import { problemText } from './commerce-text.js';
import {
  NmAddToCartEvent,
  NmBuyNowEvent,
  NmCheckoutEvent,
  NmDepositEvent,
  NmReserveEvent,
  NmUpdateCartEvent,
  type DepositIntent,
  type PurchaseIntent,
} from './events.js';
import type { Localizer } from './i18n/localize.js';
import { icons } from './icons.js';
import { safeUrl } from './shared-styles.js';

/** The buy-now sheet's content: what is bought, the units held or the presale, and the answer. */
interface Sheet {
  readonly intent: PurchaseIntent | null;
  readonly reservation: Reservation | null;
  readonly deposit: DepositIntent | null;
  readonly result: CheckoutResult | null;
  readonly busy: boolean;
  readonly error: unknown;
}

const NO_SHEET: Sheet = { intent: null, reservation: null, deposit: null, result: null, busy: false, error: null };

/** What the controller needs from `<nm-player>`. */
export interface CommerceControllerOptions {
  /** The player: request events are fired on it. */
  readonly host: HTMLElement;
  /** The client the player joined with. */
  readonly client: NightmarketClient;
  /** The show. */
  readonly showId: string;
  /** The player's `commerce` adapter, if set. */
  readonly adapter: CommerceAdapter | undefined;
  /** The player's `commerceTimeout`. */
  readonly timeoutMs: number;
  /** The show's state now. */
  readonly state: () => ShowState | null;
  /** The player's messages and formats now. */
  readonly localizer: () => Localizer;
  /** The server's time now. */
  readonly now: () => number;
  /** Speaks to screen readers (the player's polite live region). */
  readonly announce: (text: string) => void;
  /** Asks the player to render again. */
  readonly update: () => void;
}

/** The player's shopping for one show. Made by `<nm-player>`; not for use on its own. */
export class CommerceController {
  /** The viewer's cart. */
  readonly cart: ShowCart;
  /** The cart as last drawn. */
  cartState: CartState;
  /** Whether the cart dialog is open. */
  cartOpen = false;
  /** The buy-now sheet, or null when closed. */
  sheet: Sheet | null = null;
  /** The viewer's presale deposits in this show (kept across reloads). */
  deposits: readonly Order[] = [];
  /** Why the last balance payment or refund failed, for the cart to show. */
  depositError = '';
  readonly #o: CommerceControllerOptions;
  readonly #adapter: CommerceAdapter;
  readonly #depositsKey: string;
  readonly #off: () => void;
  #hydrated: { from: readonly Product[]; patches: readonly ProductPatch[]; to: readonly Product[] } | null = null;

  constructor(options: CommerceControllerOptions) {
    this.#o = options;
    this.#adapter = options.adapter ?? options.client.commerce;
    const scope = `${options.client.baseUrl.href}|${options.showId}`;
    this.cart = new ShowCart({ adapter: this.#adapter, showId: options.showId, timeoutMs: options.timeoutMs > 0 ? options.timeoutMs : undefined, scope });
    this.cartState = this.cart.state;
    this.#off = this.cart.subscribe((state) => {
      this.cartState = state;
      options.update();
    });
    this.#depositsKey = `nightmarket:deposits:${scope}`;
    // Load the cart at once only when there may be one: a merchant adapter, or a cart kept from an
    // earlier visit. Otherwise it loads when the viewer first uses it (an anonymous viewer of the
    // protocol's cart would only get a 401 in the console).
    if (options.adapter || this.cart.state.confirmed) void this.cart.refresh().catch(() => undefined);
    void this.#loadDeposits();
  }

  /** Stops following the cart. */
  dispose(): void {
    this.#off();
    this.cart.dispose();
  }

  // --- Intents ------------------------------------------------------------------------------------

  /** See `NmPlayer.addToCart`. */
  async addToCart(intent: PurchaseIntent): Promise<Cart | undefined> {
    const event = new NmAddToCartEvent(intent);
    this.#o.host.dispatchEvent(event);
    if (!event.response && event.defaultPrevented) return undefined;
    const { product, variantId, quantity } = intent;
    const variant = product.variants.find((v) => v.id === variantId);
    const title = variant && product.variants.length > 1 ? `${product.title} — ${variant.title}` : product.title;
    const response = event.response;
    const line = { productId: product.id, variantId, quantity, title, unitPrice: variant?.price ?? product.price };
    const result = await this.cart.add(line, response ? { via: () => response } : {});
    this.#o.announce(this.#o.localizer().t('addedToCart', { title: product.title }));
    return result;
  }

  /** See `NmPlayer.updateCart`. */
  async updateCart(line: CartLine, quantity: number): Promise<Cart | undefined> {
    const event = new NmUpdateCartEvent({ line, quantity });
    this.#o.host.dispatchEvent(event);
    if (!event.response && event.defaultPrevented) return undefined;
    const response = event.response;
    const options = response ? { via: () => response } : {};
    return quantity === 0 ? this.cart.remove(line.id, options) : this.cart.update(line.id, quantity, options);
  }

  /** See `NmPlayer.checkout`. */
  async checkout(request: CheckoutRequest): Promise<CheckoutResult | undefined> {
    const event = new NmCheckoutEvent(request);
    this.#o.host.dispatchEvent(event);
    if (!event.response && event.defaultPrevented) return undefined;
    const response = event.response;
    const sheet = this.sheet ?? NO_SHEET;
    this.cartOpen = false;
    this.#sheet({ ...sheet, busy: true, error: null });
    try {
      const result = await this.cart.checkout(request, response ? { via: () => response } : {});
      this.#sheet({ ...sheet, busy: false, result, error: null });
      if (result.kind === 'order') this.#o.announce(this.#o.localizer().t('orderPlaced'));
      return result;
    } catch (error) {
      // A cart checkout that failed goes back to the cart, which shows why.
      this.cartOpen = !sheet.intent;
      this.#sheet(sheet.intent ? { ...sheet, busy: false, error } : null);
      throw error;
    }
  }

  /** See `NmPlayer.buyNow`. */
  async buyNow(intent: PurchaseIntent): Promise<void> {
    const event = new NmBuyNowEvent(intent);
    this.#o.host.dispatchEvent(event);
    if (event.defaultPrevented) return;
    const sale = intent.saleId ? this.#o.state()?.sales.find((s) => s.id === intent.saleId && s.status === 'live') : undefined;
    this.#sheet({ ...NO_SHEET, intent, busy: Boolean(sale) });
    if (!sale) return;
    const reserve = new NmReserveEvent({ sale, product: intent.product, quantity: intent.quantity });
    this.#o.host.dispatchEvent(reserve);
    if (!reserve.response && reserve.defaultPrevented) return this.#sheet(null);
    try {
      const reservation: Reservation = await (reserve.response ?? this.#o.client.reserve(this.#o.showId, { saleId: sale.id, quantity: intent.quantity }));
      if (this.sheet?.intent === intent) this.#sheet({ ...this.sheet, reservation, busy: false });
    } catch (error) {
      if (this.sheet?.intent === intent) this.#sheet({ ...this.sheet, busy: false, error });
    }
  }

  /** Opens the sheet with a presale's terms; the viewer pays the deposit from there. */
  offerDeposit(intent: DepositIntent): void {
    this.#sheet({ ...NO_SHEET, deposit: intent });
  }

  /** See `NmPlayer.deposit`. */
  async deposit(intent: DepositIntent): Promise<Order | undefined> {
    const event = new NmDepositEvent(intent);
    this.#o.host.dispatchEvent(event);
    if (!event.response && event.defaultPrevented) return undefined;
    const sheet = this.sheet ?? { ...NO_SHEET, deposit: intent };
    this.#sheet({ ...sheet, busy: true, error: null });
    try {
      const order = await (event.response ?? this.#o.client.deposit(this.#o.showId, { presaleId: intent.presale.id, quantity: intent.quantity }));
      this.#keepDeposit(order);
      this.#sheet({ ...sheet, busy: false, result: { kind: 'order', order } });
      this.#o.announce(this.#o.localizer().t('depositPaid'));
      return order;
    } catch (error) {
      this.#sheet({ ...sheet, busy: false, error });
      throw error;
    }
  }

  /** Pays the balance of a deposit (within its window). */
  payBalance(order: Order): Promise<Order> {
    return this.#depositStep(() => this.#o.client.payBalance(this.#o.showId, order.id));
  }

  /** Refunds a refundable deposit whose balance is not paid. */
  refundDeposit(order: Order): Promise<Order> {
    return this.#depositStep(() => this.#o.client.refundDeposit(this.#o.showId, order.id));
  }

  // --- Views --------------------------------------------------------------------------------------

  /** The show's products with the merchant's catalogue data (`hydrateProducts`) merged over them. */
  products(state: ShowState): readonly Product[] {
    const hydrate = this.#adapter.hydrateProducts?.bind(this.#adapter);
    if (!hydrate) return state.products;
    const memo = this.#hydrated;
    if (memo?.from === state.products) return memo.to;
    const patches = memo?.patches ?? [];
    const merged = mergeProducts(state.products, patches).products;
    this.#hydrated = { from: state.products, patches, to: merged };
    // Ask the merchant's catalogue for these products (again when they change); merge when it answers.
    const asked = state.products;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#o.timeoutMs);
    hydrate(asked, { showId: this.#o.showId, signal: controller.signal, idempotencyKey: crypto.randomUUID() })
      .then((fresh) => {
        if (this.#o.state()?.products !== asked) return;
        const next = mergeProducts(asked, fresh);
        for (const problem of next.problems) console.warn(`<nm-player>: ${problem}`);
        this.#hydrated = { from: asked, patches: fresh, to: next.products };
        this.#o.update();
      })
      .catch((error: unknown) => console.warn("<nm-player>: hydrateProducts failed; showing the show's own product data.", error))
      .finally(() => clearTimeout(timer));
    return merged;
  }

  /** The cart button, with the count of units. */
  cartButton() {
    const lines = this.cartState.cart?.lines ?? [];
    if (lines.length === 0 && this.deposits.length === 0) return nothing;
    const count = lines.reduce((sum, line) => sum + line.quantity, 0);
    return html`<button class="products-button" part="cart-button" aria-haspopup="dialog" aria-expanded=${String(this.cartOpen)} @click=${this.#openCart}>
      ${icons.cart} ${this.#o.localizer().plural('cartButton', count)}
    </button>`;
  }

  /** A failed add or change, over the video while the cart is closed (a failed load is not the viewer's doing). */
  notice() {
    const problem = this.cartState.error;
    if (!problem || problem.action === 'load' || this.cartOpen || this.sheet) return nothing;
    const l = this.#o.localizer();
    return html`<div class="notice" part="notice" role="alert">
      <span>${problemText(l, problem.error)}</span>
      <button class="icon" aria-label=${l.t('dismiss')} @click=${() => this.cart.clearError()}>${icons.close}</button>
    </div>`;
  }

  /** The cart dialog and the buy-now sheet. */
  dialogs() {
    const l = this.#o.localizer();
    const sheet = this.sheet;
    return html`
      <nm-cart
        part="cart"
        mode="modal"
        .open=${this.cartOpen}
        .state=${this.cartState}
        .deposits=${this.deposits}
        .depositError=${this.depositError}
        .now=${this.#o.now}
        .localizer=${l}
        @nm-cart-close=${this.#cartClosed}
      ></nm-cart>
      <nm-buy-sheet
        part="sheet"
        .open=${sheet !== null}
        .intent=${sheet?.intent ?? null}
        .reservation=${sheet?.reservation ?? null}
        .deposit=${sheet?.deposit ?? null}
        .result=${sheet?.result ?? null}
        .busy=${sheet?.busy ?? false}
        .error=${sheet?.error ?? null}
        .now=${this.#o.now}
        .localizer=${l}
        @nm-sheet-confirm=${this.#confirm}
        @nm-sheet-pay=${this.#pay}
        @nm-sheet-close=${this.#sheetClosed}
      ></nm-buy-sheet>
    `;
  }

  // --- Internals ----------------------------------------------------------------------------------

  #sheet(sheet: Sheet | null): void {
    this.sheet = sheet;
    this.#o.update();
  }

  #confirm = (event: Event): void => {
    event.stopPropagation();
    const sheet = this.sheet;
    if (!sheet || sheet.busy) return;
    if (sheet.deposit) {
      this.deposit(sheet.deposit).catch(() => undefined);
      return;
    }
    if (!sheet.intent) return;
    const { intent, reservation } = sheet;
    const request: CheckoutRequest = reservation
      ? { source: 'reservation', reservationId: reservation.id }
      : { source: 'items', lines: [{ productId: intent.product.id, variantId: intent.variantId, quantity: intent.quantity }] };
    this.checkout(request).catch(() => undefined);
  };

  #pay = (event: Event): void => {
    event.stopPropagation();
    const result = this.sheet?.result;
    const url = result?.kind === 'redirect' ? safeUrl(result.url) : undefined;
    if (url) window.open(url, '_blank', 'noopener');
    this.#sheet(null);
    // The show keeps playing, docked in a corner, while the viewer pays.
    if (url) (this.#o.host as HTMLElement & { mini: boolean }).mini = true;
  };

  #sheetClosed = (event: Event): void => {
    event.stopPropagation();
    const sheet = this.sheet;
    this.#sheet(null);
    // Units held and not bought go back to the sale for everyone else.
    if (sheet?.reservation?.status === 'held' && !sheet.result) {
      void this.#o.client.releaseReservation(this.#o.showId, sheet.reservation.id).catch(() => undefined);
    }
  };

  #openCart = (): void => {
    this.cartOpen = true;
    void this.cart.refresh().catch(() => undefined);
    this.#o.update();
  };

  #cartClosed = (event: Event): void => {
    event.stopPropagation();
    this.cartOpen = false;
    this.#o.update();
    const host = this.#o.host as HTMLElement & { updateComplete: Promise<unknown> };
    void host.updateComplete.then(() => host.shadowRoot?.querySelector<HTMLButtonElement>('[part="cart-button"]')?.focus());
  };

  /** A balance payment or refund: the receipt is updated, or the viewer hears why not. */
  async #depositStep(step: () => Promise<Order>): Promise<Order> {
    try {
      const next = await step();
      this.#keepDeposit(next);
      return next;
    } catch (error) {
      this.depositError = problemText(this.#o.localizer(), error);
      this.#o.update();
      throw error;
    }
  }

  #keepDeposit(order: Order): void {
    this.depositError = '';
    const known = this.deposits.some((o) => o.id === order.id);
    this.deposits = known ? this.deposits.map((o) => (o.id === order.id ? order : o)) : [...this.deposits, order];
    try {
      localStorage.setItem(this.#depositsKey, JSON.stringify(this.deposits.map((o) => o.id)));
    } catch {
      // Blocked storage: the receipts stay for this page only.
    }
    this.#o.update();
  }

  /** Loads the deposits this browser paid in this show (their ids are kept; the backend has the rest). */
  async #loadDeposits(): Promise<void> {
    let ids: unknown;
    try {
      ids = JSON.parse(localStorage.getItem(this.#depositsKey) ?? '[]');
    } catch {
      ids = [];
    }
    if (!Array.isArray(ids)) return;
    const orders = await Promise.all(
      ids.filter((id): id is string => typeof id === 'string').map((id) => this.#o.client.getOrder(this.#o.showId, id).catch(() => null)),
    );
    const found = orders.filter((o): o is Order => o !== null);
    if (found.length > 0) {
      this.deposits = found;
      this.#o.update();
    }
  }
}
