/**
 * The player's public DOM events. Each is a typed class and appears in
 * `GlobalEventHandlersEventMap`, so `player.addEventListener('nm-add-to-cart', (e) => e.detail…)`
 * is typed. Request events bubble out of the shadow DOM (`composed`) and are cancelable: the
 * commerce layer (or the page) answers them; `preventDefault()` means "the page handled it".
 */
import type { Cart, CartLine, CheckoutRequest, CheckoutResult, FlashSale, Order, Presale, Product, Reservation, ShowState } from '@nightmarket/client';

/** What a shopper asked to buy. */
export interface PurchaseIntent {
  /** The product, as the show lists it. */
  readonly product: Product;
  /** The chosen variant's id. */
  readonly variantId: string;
  /** Units (at least 1). */
  readonly quantity: number;
  /** The flash sale the product is in, if it is live. */
  readonly saleId?: string | undefined;
}

/** Names of every public event, in one place. */
export const EVENTS = {
  addToCart: 'nm-add-to-cart',
  updateCart: 'nm-update-cart',
  checkout: 'nm-checkout',
  reserve: 'nm-reserve',
  deposit: 'nm-deposit',
  depositOffer: 'nm-deposit-offer',
  cartChanged: 'nm-cart-changed',
  buyNow: 'nm-buy-now',
  productClick: 'nm-product-click',
  stateChange: 'nm-state-change',
  videoError: 'nm-video-error',
  drawerToggle: 'nm-drawer-toggle',
} as const;

/**
 * A request the page may answer itself: cancelable, and with {@link NmRequestEvent.respondWith}
 * for an answer that takes time. The player acts on it after every listener has run:
 *
 * - `event.respondWith(promise)`: the page does it; the player shows the change at once, waits
 *   for the promise (up to the player's `commerceTimeout`), and rolls back if it rejects.
 * - `event.preventDefault()` alone: the page handled it; the player does nothing.
 * - neither: the player's `commerce` adapter does it (by default, the show backend's cart).
 *
 * @typeParam D - the detail
 * @typeParam R - what the response promise resolves with
 */
export class NmRequestEvent<D, R> extends Event {
  /** What the viewer asked for. */
  readonly detail: D;
  #response: Promise<R> | undefined;

  /**
   * @param type - the event's name
   * @param detail - what the viewer asked for
   */
  constructor(type: string, detail: D) {
    super(type, { bubbles: true, composed: true, cancelable: true });
    this.detail = detail;
  }

  /** The page's answer, if a listener called {@link NmRequestEvent.respondWith}. */
  get response(): Promise<R> | undefined {
    return this.#response;
  }

  /**
   * Answers the request: the page does the work and `response` settles when it is done. Call it
   * synchronously in the listener, once. It also cancels the event (the player's adapter is not called).
   */
  respondWith(response: R | Promise<R>): void {
    if (this.eventPhase === Event.NONE) {
      throw new DOMException(`${this.type}: respondWith() must be called synchronously inside the event listener.`, 'InvalidStateError');
    }
    if (this.#response) throw new DOMException(`${this.type}: respondWith() was already called for this event.`, 'InvalidStateError');
    this.preventDefault();
    this.#response = Promise.resolve(response);
    // Whoever asked awaits it; an unobserved rejection here is not an unhandled one.
    this.#response.catch(() => undefined);
  }
}

/**
 * A shopper pressed "add to cart". Cancelable; bubbles out of the player. Respond with the cart
 * after the change (in the protocol's `Cart` shape), or with nothing to have the player reload it
 * through its adapter's `getCart`.
 */
export class NmAddToCartEvent extends NmRequestEvent<PurchaseIntent, Cart | void> {
  /** The event's name. */
  static readonly type = EVENTS.addToCart;
  /** @param detail - what to add */
  constructor(detail: PurchaseIntent) {
    super(NmAddToCartEvent.type, detail);
  }
}

/** What a shopper changed in the cart. */
export interface CartChange {
  /** The line, as the cart shows it. */
  readonly line: CartLine;
  /** Its new quantity; 0 removes the line. */
  readonly quantity: number;
}

/** A shopper changed a line's quantity or removed it (quantity 0). Cancelable, with `respondWith` (the cart after the change). */
export class NmUpdateCartEvent extends NmRequestEvent<CartChange, Cart | void> {
  /** The event's name. */
  static readonly type = EVENTS.updateCart;
  /** @param detail - the line and its new quantity */
  constructor(detail: CartChange) {
    super(NmUpdateCartEvent.type, detail);
  }
}

/**
 * A shopper confirmed a checkout: of the cart, of a flash-sale reservation, or of items bought
 * directly ("buy now"). Cancelable; respond with the checkout result: the order (the player shows
 * the confirmation) or a URL (opened when the viewer confirms).
 */
export class NmCheckoutEvent extends NmRequestEvent<CheckoutRequest, CheckoutResult> {
  /** The event's name. */
  static readonly type = EVENTS.checkout;
  /** @param detail - what to check out */
  constructor(detail: CheckoutRequest) {
    super(NmCheckoutEvent.type, detail);
  }
}

/** What a shopper wants to hold in a flash sale. */
export interface ReserveIntent {
  /** The sale. */
  readonly sale: FlashSale;
  /** Its product. */
  readonly product: Product;
  /** Units to hold. */
  readonly quantity: number;
}

/**
 * A shopper pressed "buy now" on a product in a live flash sale: the player holds the units (a
 * reservation) before the checkout sheet opens. Cancelable; respond with the reservation.
 */
export class NmReserveEvent extends NmRequestEvent<ReserveIntent, Reservation> {
  /** The event's name. */
  static readonly type = EVENTS.reserve;
  /** @param detail - the sale and the units */
  constructor(detail: ReserveIntent) {
    super(NmReserveEvent.type, detail);
  }
}

/** What a shopper wants to put a deposit on. */
export interface DepositIntent {
  /** The presale. */
  readonly presale: Presale;
  /** Its product. */
  readonly product: Product;
  /** Units. */
  readonly quantity: number;
}

/**
 * A shopper confirmed a presale deposit (after reading its terms). Cancelable; respond with the
 * deposit order.
 */
export class NmDepositEvent extends NmRequestEvent<DepositIntent, Order> {
  /** The event's name. */
  static readonly type = EVENTS.deposit;
  /** @param detail - the presale and the units */
  constructor(detail: DepositIntent) {
    super(NmDepositEvent.type, detail);
  }
}

/**
 * A shopper asked to put a deposit on a presale product (the card's button): the player shows
 * the presale's terms, and fires `nm-deposit` when the shopper confirms. Fired by
 * `<nm-product-card>`; bubbles.
 */
export class NmDepositOfferEvent extends Event {
  /** The event's name. */
  static readonly type = EVENTS.depositOffer;
  /** The presale and the units. */
  readonly detail: DepositIntent;
  /** @param detail - the presale and the units */
  constructor(detail: DepositIntent) {
    super(NmDepositOfferEvent.type, { bubbles: true, composed: true, cancelable: true });
    this.detail = detail;
  }
}

/** A shopper pressed "buy now". Cancelable; bubbles out of the player. */
export class NmBuyNowEvent extends Event {
  /** The event's name. */
  static readonly type = EVENTS.buyNow;
  /** What to buy. */
  readonly detail: PurchaseIntent;
  /** @param detail - what to buy */
  constructor(detail: PurchaseIntent) {
    super(NmBuyNowEvent.type, { bubbles: true, composed: true, cancelable: true });
    this.detail = detail;
  }
}

/** A shopper opened a product's details (its title or image). Cancelable: prevent it to handle navigation yourself. */
export class NmProductClickEvent extends Event {
  /** The event's name. */
  static readonly type = EVENTS.productClick;
  /** The product. */
  readonly detail: { readonly product: Product };
  /** @param product - the product clicked */
  constructor(product: Product) {
    super(NmProductClickEvent.type, { bubbles: true, composed: true, cancelable: true });
    this.detail = { product };
  }
}

/** The show's state changed (an event applied or a snapshot loaded). Fired on the player; does not bubble. */
export class NmStateChangeEvent extends Event {
  /** The event's name. */
  static readonly type = EVENTS.stateChange;
  /** The new state. */
  readonly detail: { readonly state: ShowState };
  /** @param state - the new state */
  constructor(state: ShowState) {
    super(NmStateChangeEvent.type);
    this.detail = { state };
  }
}

/** Kinds of video failure: the network, the media (decoding), or the player could not play the stream at all. */
export type VideoErrorKind = 'network' | 'media' | 'unsupported';

/** The video failed for good after its recoveries (the player shows a retry button). Fired on the player. */
export class NmVideoErrorEvent extends Event {
  /** The event's name. */
  static readonly type = EVENTS.videoError;
  /** What failed, and the underlying detail (an hls.js error name or a MediaError code). */
  readonly detail: { readonly kind: VideoErrorKind; readonly detail: string };
  /**
   * @param kind - what failed
   * @param detail - the underlying error
   */
  constructor(kind: VideoErrorKind, detail: string) {
    super(NmVideoErrorEvent.type);
    this.detail = { kind, detail };
  }
}

/** The product drawer opened or closed (by the viewer: its button, close button or Escape). Bubbles within the player. */
export class NmDrawerToggleEvent extends Event {
  /** The event's name. */
  static readonly type = EVENTS.drawerToggle;
  /** Whether the drawer is open now. */
  readonly detail: { readonly open: boolean };
  /** @param open - whether the drawer is open now */
  constructor(open: boolean) {
    super(NmDrawerToggleEvent.type, { bubbles: true, composed: true });
    this.detail = { open };
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'nm-add-to-cart': NmAddToCartEvent;
    'nm-update-cart': NmUpdateCartEvent;
    'nm-checkout': NmCheckoutEvent;
    'nm-reserve': NmReserveEvent;
    'nm-deposit': NmDepositEvent;
    'nm-deposit-offer': NmDepositOfferEvent;
    'nm-buy-now': NmBuyNowEvent;
    'nm-product-click': NmProductClickEvent;
    'nm-state-change': NmStateChangeEvent;
    'nm-video-error': NmVideoErrorEvent;
    'nm-drawer-toggle': NmDrawerToggleEvent;
  }
}
