/**
 * The player's public DOM events. Each is a typed class and appears in
 * `GlobalEventHandlersEventMap`, so `player.addEventListener('nm-add-to-cart', (e) => e.detail…)`
 * is typed. Request events bubble out of the shadow DOM (`composed`) and are cancelable: the
 * commerce layer (or the page) answers them; `preventDefault()` means "the page handled it".
 */
import type { Product, ShowState } from '@nightmarket/client';

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
  buyNow: 'nm-buy-now',
  productClick: 'nm-product-click',
  stateChange: 'nm-state-change',
  videoError: 'nm-video-error',
  drawerToggle: 'nm-drawer-toggle',
} as const;

/** A shopper pressed "add to cart". Cancelable; bubbles out of the player. */
export class NmAddToCartEvent extends Event {
  /** The event's name. */
  static readonly type = EVENTS.addToCart;
  /** What to add. */
  readonly detail: PurchaseIntent;
  /** @param detail - what to add */
  constructor(detail: PurchaseIntent) {
    super(NmAddToCartEvent.type, { bubbles: true, composed: true, cancelable: true });
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
    'nm-buy-now': NmBuyNowEvent;
    'nm-product-click': NmProductClickEvent;
    'nm-state-change': NmStateChangeEvent;
    'nm-video-error': NmVideoErrorEvent;
    'nm-drawer-toggle': NmDrawerToggleEvent;
  }
}
