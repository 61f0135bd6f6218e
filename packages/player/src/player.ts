import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { TemplateResult } from 'lit';
import {
  createClient,
  type Cart,
  type CartLine,
  type CheckoutRequest,
  type CheckoutResult,
  type CommerceAdapter,
  type ConnectionStatus,
  type NightmarketClient,
  type Order,
  type Pin,
  type Product,
  type Room,
  type ShowCart,
  type ShowState,
} from '@nightmarket/client';
import { icons } from './icons.js';
import type { CommerceController } from './commerce-controller.js';
import { saleOf } from './commerce-text.js';
import {
  NmDrawerToggleEvent,
  NmStateChangeEvent,
  NmVideoErrorEvent,
  type DepositIntent,
  type NmAddToCartEvent,
  type NmBuyNowEvent,
  type NmDepositOfferEvent,
  type PurchaseIntent,
} from './events.js';
import { hasCatalogue, loadCatalogue, Localizer } from './i18n/localize.js';
import type { Messages } from './i18n/messages.js';
import { PinSchedule } from './pin-schedule.js';
import { playerStyles } from './player.styles.js';
import { safeUrl, sharedStyles } from './shared-styles.js';
import { loadHls, nativeSuffices, VideoController, type HlsBuild, type PlaybackEngine, type VideoSource, type VideoStatus } from './video/video-controller.js';

/** The live room (chat, reactions, polls, purchases, viewer count): a module loaded on demand. */
type LiveModule = typeof import('./live-room.js');

/** How the player arranges video and products. */
export type PlayerLayout = 'overlay' | 'side' | 'auto';

/**
 * One client per backend for the players that make their own: players of one show then share one
 * event stream (a browser opens at most six HTTP/1.1 connections to a host).
 */
const CLIENTS = new Map<string, NightmarketClient>();
function clientFor(baseUrl: string): NightmarketClient {
  let client = CLIENTS.get(baseUrl);
  if (!client) CLIENTS.set(baseUrl, (client = createClient({ baseUrl })));
  return client;
}

/** Width (px) from which `layout="auto"` puts the products beside the video. */
const SIDE_MIN_WIDTH = 720;

/**
 * `<nm-player>`: a live shopping show: the live video with its host, the pinned product in sync with
 * the video, the products, and every show state (waiting room, live, paused, ended, reconnecting).
 *
 * @tagname nm-player
 * @summary A live shopping show: the live video with its host, the pinned product in sync with the video, the products, and every show state (waiting room, live, paused, ended, reconnecting).
 *
 * The player joins the show through `@nightmarket/client` (it creates a client from `api`, or uses
 * the `client` property) and renders from the room's state only. Video plays natively where the
 * browser can do what the show needs, else through hls.js, loaded on demand.
 *
 * A pinned product appears when the viewer's playhead reaches the moment the host pinned it
 * (the pin's program date-time), not when the event arrives: a viewer 10 s behind live sees it
 * 10 s later, exactly as the host holds the product up.
 *
 * @fires nm-state-change - the show's state changed.
 * @fires nm-video-error - the video failed after its recoveries.
 * @fires nm-add-to-cart - "Add to cart" pressed on a product; cancelable, `respondWith` the cart.
 * @fires nm-update-cart - a cart line's quantity changed or the line was removed; cancelable, `respondWith` the cart.
 * @fires nm-checkout - a checkout was confirmed (cart, reservation or buy now); cancelable, `respondWith` the result.
 * @fires nm-reserve - "Buy now" on a product in a live flash sale: units are held first; cancelable, `respondWith` the reservation.
 * @fires nm-buy-now - "Buy now" pressed on a product; cancelable (the player then shows nothing).
 * @fires nm-product-click - a product's title or image (or a product mentioned in the chat) pressed; cancelable.
 * @fires nm-chat-send - the viewer sent a chat message; cancelable (then answer it with `respondWith()`), else the player posts it.
 * @fires nm-react - the viewer tapped a reaction; cancelable, else the player sends it.
 * @fires nm-vote - the viewer voted in a poll; cancelable, else the player sends the vote.
 *
 * @csspart base - the player's frame (video and products)
 * @csspart stage - the video area
 * @csspart video - the `<video>` element
 * @csspart top-bar - the bar over the top of the video
 * @csspart live-badge - the LIVE badge (a button back to the live edge when behind)
 * @csspart host - the host's name
 * @csspart viewers - the viewer count
 * @csspart unmute - the "tap to unmute" button
 * @csspart banner - the reconnecting banner
 * @csspart spinner - the buffering indicator
 * @csspart screen - a full-stage state screen (waiting room, paused, ended, error)
 * @csspart countdown - the waiting room's countdown
 * @csspart calendar - the "add to calendar" button
 * @csspart preview - the waiting room's products preview
 * @csspart replay - the "watch the replay" button
 * @csspart retry - a "try again" button
 * @csspart bottom-bar - the bar over the bottom of the video
 * @csspart pinned - the pinned product
 * @csspart controls - the row of video controls
 * @csspart control - one video control button
 * @csspart products-button - the button that opens the product drawer
 * @csspart expand - the mini-player's button back to the full player
 * @csspart drawer - the product drawer
 * @csspart cart-button - the button that opens the cart, with its count
 * @csspart cart - the cart (`<nm-cart>`)
 * @csspart sheet - the buy-now sheet (`<nm-buy-sheet>`)
 * @csspart notice - a commerce error shown over the video
 * @csspart live - the live room over the bottom of the video (ticker, poll, chat, reactions)
 * @csspart chat - the chat (`<nm-chat>`: over the video, or in the side panel)
 * @csspart poll - the live poll (`<nm-poll>`)
 * @csspart ticker - the purchase ticker (`<nm-purchase-ticker>`)
 * @csspart reactions - the reaction button and hearts (`<nm-reactions>`)
 *
 * @cssproperty [--nm-color-accent=#e11d48] - buttons, sale prices
 * @cssproperty [--nm-color-on-accent=#ffffff] - text on accent
 * @cssproperty [--nm-color-surface=#ffffff] - cards and drawer background
 * @cssproperty [--nm-color-text=#18181b] - text on surfaces
 * @cssproperty [--nm-color-muted=#52525b] - secondary text
 * @cssproperty [--nm-color-live=#dc2626] - the LIVE badge
 * @cssproperty [--nm-color-focus=#2563eb] - focus ring
 * @cssproperty [--nm-color-overlay=rgb(0 0 0 / 0.55)] - buttons over the video
 * @cssproperty [--nm-radius=12px] - corner radius
 * @cssproperty [--nm-space=8px] - spacing unit
 * @cssproperty [--nm-font=system-ui] - font family
 * @cssproperty [--nm-player-aspect-ratio=9 / 16] - shape of the video area (portrait, like phone-shot live commerce)
 * @cssproperty [--nm-player-max-height=90vh] - tallest the video area gets
 * @cssproperty [--nm-drawer-width=380px] - width of the product panel
 * @cssproperty [--nm-mini-z-index=2147483000] - stacking of the docked mini-player
 */
export class NmPlayer extends LitElement {
  /** Styles: the shared design tokens, then the element's own. */
  static override styles = [sharedStyles, playerStyles];

  /** Reactive properties (lit), with their attributes. */
  static override properties = {
    api: {},
    show: {},
    locale: {},
    poster: {},
    muted: { type: Boolean },
    autoplay: { type: Boolean },
    controls: { type: Boolean },
    layout: { reflect: true },
    mini: { type: Boolean, reflect: true },
    autoMini: { type: Boolean, attribute: 'auto-mini' },
    hlsBuild: { attribute: 'hls-build' },
    client: { attribute: false },
    commerce: { attribute: false },
    commerceTimeout: { type: Number, attribute: 'commerce-timeout' },
    labels: { attribute: false },
    _shop: { state: true },
    _state: { state: true },
    _connection: { state: true },
    _failed: { state: true },
    _drawerOpen: { state: true },
    _wide: { state: true },
    _replay: { state: true },
    _announcement: { state: true },
  };

  /** Base URL of the show's Night Market backend (the protocol's base URL, e.g. `https://shop.example/nightmarket/`). */
  declare api: string | undefined;
  /** Id of the show to play. */
  declare show: string | undefined;
  /** BCP 47 locale of the player's text and formats; default: the closest `lang` attribute, else the page's. */
  declare locale: string | undefined;
  /** Image shown before the first frame (http or https URL). */
  declare poster: string | undefined;
  /** Start muted. */
  declare muted: boolean;
  /** Start playing at once (muted, with a "tap to unmute" prompt, if the browser requires it). */
  declare autoplay: boolean;
  /** Show play/pause, captions and picture-in-picture buttons (mute and LIVE are always there). */
  declare controls: boolean;
  /** `overlay`: products over the video; `side`: products beside it; `auto` (default): side when the player is at least 720 px wide. */
  declare layout: PlayerLayout;
  /** Dock the video to a corner of the viewport (the player keeps its place in the page). */
  declare mini: boolean;
  /** Dock automatically while the player is scrolled out of view and the video plays. */
  declare autoMini: boolean;
  /**
   * The hls.js build, where the video plays through hls.js: `full` (default) or `light`, 66 KB
   * (gzip) less to load before the first frame, for streams without subtitles or captions,
   * alternate audio or DRM (the light build plays none of them). Read when a stream starts.
   */
  declare hlsBuild: HlsBuild;
  /** A ready client to use instead of creating one from `api` (share one between players, add auth…). */
  declare client: NightmarketClient | undefined;
  /**
   * Checkout hooks that keep your own cart the single source of truth (see `CommerceAdapter` in
   * `@nightmarket/client`). Default: the client's (the show backend's own cart and checkout).
   */
  declare commerce: CommerceAdapter | undefined;
  /** How long a checkout hook or a page's `respondWith` may take before it is given up, in ms (default 15,000). */
  declare commerceTimeout: number;
  /** Messages that replace the built-in ones (your own wording, or a language the player lacks). */
  declare labels: Partial<Messages> | undefined;

  declare private _state: ShowState | null;
  declare private _connection: ConnectionStatus;
  declare private _failed: string | null;
  declare private _drawerOpen: boolean;
  declare private _wide: boolean;
  declare private _replay: boolean;
  declare private _announcement: string;
  /** The shopping (cart, sheet, deposits), once its module has loaded for the joined show. */
  declare private _shop: CommerceController | null;

  readonly #video = new VideoController({
    onChange: () => this.requestUpdate(),
    onError: (kind, detail) => this.dispatchEvent(new NmVideoErrorEvent(kind, detail)),
  });
  readonly #pins = new PinSchedule();
  #localizer = new Localizer('en');
  #lang = 'en';
  #room: Room | null = null;
  #client: NightmarketClient | null = null;
  #shopLoading: Promise<CommerceController> | null = null;
  #offs: (() => void)[] = [];
  #pinFrame: number | undefined;
  #clock: ReturnType<typeof setInterval> | undefined;
  #resize: ResizeObserver | undefined;
  #visibility: IntersectionObserver | undefined;
  #live: LiveModule | undefined;
  #liveLoading = false;

  constructor() {
    super();
    this.api = undefined;
    this.show = undefined;
    this.locale = undefined;
    this.poster = undefined;
    this.muted = false;
    this.autoplay = false;
    this.controls = false;
    this.layout = 'auto';
    this.mini = false;
    this.autoMini = false;
    this.hlsBuild = 'full';
    this.client = undefined;
    this.labels = undefined;
    this.commerce = undefined;
    this.commerceTimeout = 15_000;
    this._shop = null;
    this._state = null;
    this._connection = 'connecting';
    this._failed = null;
    this._drawerOpen = false;
    this._wide = false;
    this._replay = false;
    this._announcement = '';
    this.addEventListener('nm-cart-changed', this.#cartChanged);
  }

  /** The show's state as the player last rendered it (null until the snapshot loads). */
  get state(): ShowState | null {
    return this._state;
  }

  /**
   * The viewer's cart for this show (null until the player joins one): its `state`, `refresh()`
   * after your page changed the cart, `subscribe()` to draw your own cart UI.
   */
  get cart(): ShowCart | null {
    return this._shop?.cart ?? null;
  }

  /** The room the player follows (null until it joins). */
  get room(): Room | null {
    return this.#room;
  }

  /** The pinned product on screen now: the latest pin the viewer's playhead has reached. */
  get pinnedProduct(): Product | null {
    const pin = this.#pins.shown;
    return (pin && this._state?.products.find((p) => p.id === pin.productId)) ?? null;
  }

  /**
   * Program date-time (epoch ms) of the video frame on screen: when, on the host's clock, the
   * viewer's picture was shot. Null when the stream has none or nothing plays yet.
   */
  get streamTime(): number | null {
    return this.#video.programDateTime();
  }

  /** What the video is doing (`loading`, `playing`, `buffering`, `error`…). */
  get videoStatus(): VideoStatus {
    return this.#video.status;
  }

  /** How the video plays: `native` HLS or `hls.js` (null before it starts). */
  get playback(): PlaybackEngine | null {
    return this.#video.engine;
  }

  /** The `<video>` element (for analytics or custom controls; do not change its source). */
  get video(): HTMLVideoElement | null {
    return this.renderRoot?.querySelector('video') ?? null;
  }

  /** Starts following the show (and watching the player's size and visibility). */
  override connectedCallback(): void {
    super.connectedCallback();
    this.#resize = new ResizeObserver(([entry]) => {
      const wide = (entry?.contentRect.width ?? 0) >= SIDE_MIN_WIDTH;
      if (wide !== this._wide) this._wide = wide;
    });
    this.#resize.observe(this);
    this.#visibility = new IntersectionObserver(([entry]) => this.#visible(entry?.isIntersecting ?? true), { threshold: 0.25 });
    this.#visibility.observe(this);
    document.addEventListener('nm-cart-changed', this.#cartChanged);
    // The first join waits for the first update (a microtask away): properties set on the element
    // before it was defined (a `client` given before the elements loaded) are only restored then.
    if (this.hasUpdated) this.#join();
  }

  /** Leaves the show and stops the video. */
  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#leave();
    document.removeEventListener('nm-cart-changed', this.#cartChanged);
    this.#resize?.disconnect();
    this.#visibility?.disconnect();
  }

  /** Opens the product drawer (overlay layout). */
  openProducts(): void {
    this._drawerOpen = true;
  }

  /** Closes the product drawer and returns focus to its button. */
  closeProducts(): void {
    this._drawerOpen = false;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>('.products-button')?.focus());
  }

  /** Jumps to the live edge. */
  goLive(): void {
    this.#video.seekToLive();
  }

  /** Leaves the show and joins it again (after a failure). */
  reload(): void {
    this.#join();
  }

  /**
   * Adds to the cart as the viewer's "add to cart" does: fires `nm-add-to-cart`, then does what
   * the page answered, or calls the `commerce` adapter. Resolves with the cart (undefined when the
   * page handled it); rejects when the shop refused (the cart is rolled back and the error shown).
   */
  addToCart(intent: PurchaseIntent): Promise<Cart | undefined> {
    // Fired at once when shopping has loaded (it has, once a product shows), so listeners see it in the same task.
    return this._shop ? this._shop.addToCart(intent) : this.#shopFor('addToCart').then((shop) => shop.addToCart(intent));
  }

  /** Changes a cart line's quantity (0 removes it) as the cart's buttons do: fires `nm-update-cart`, then the page's answer or the adapter. */
  updateCart(line: CartLine, quantity: number): Promise<Cart | undefined> {
    return this._shop ? this._shop.updateCart(line, quantity) : this.#shopFor('updateCart').then((shop) => shop.updateCart(line, quantity));
  }

  /**
   * Checks out as the viewer's confirmation does: fires `nm-checkout`, then the page's answer or
   * the adapter, and shows the result (the order, or the way to payment) in the sheet.
   */
  checkout(request: CheckoutRequest): Promise<CheckoutResult | undefined> {
    return this._shop ? this._shop.checkout(request) : this.#shopFor('checkout').then((shop) => shop.checkout(request));
  }

  /**
   * "Buy now": fires `nm-buy-now`; unless the page cancels it, holds flash-sale units first
   * (`nm-reserve`) when the product is in a live sale, then opens the sheet to confirm.
   */
  buyNow(intent: PurchaseIntent): Promise<void> {
    return this._shop ? this._shop.buyNow(intent) : this.#shopFor('buyNow').then((shop) => shop.buyNow(intent));
  }

  /**
   * Pays a presale deposit as the sheet's confirmation does: fires `nm-deposit`, then the page's
   * answer or the show backend; the receipt is shown and kept with the viewer's deposits.
   */
  deposit(intent: DepositIntent): Promise<Order | undefined> {
    return this._shop ? this._shop.deposit(intent) : this.#shopFor('deposit').then((shop) => shop.deposit(intent));
  }

  /** Pays the balance of one of the viewer's deposits (within its window). */
  payBalance(order: Order): Promise<Order> {
    return this._shop ? this._shop.payBalance(order) : this.#shopFor('payBalance').then((shop) => shop.payBalance(order));
  }

  /** Refunds one of the viewer's refundable deposits whose balance is not paid. */
  refundDeposit(order: Order): Promise<Order> {
    return this._shop ? this._shop.refundDeposit(order) : this.#shopFor('refundDeposit').then((shop) => shop.refundDeposit(order));
  }

  /** Derives what the next render needs from changed properties. */
  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('locale') || changed.has('labels') || !this.hasUpdated) {
      const lang = this.locale || this.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang || 'en';
      this.#lang = lang;
      this.#localizer = new Localizer(lang, this.labels);
      // Other languages than English load on demand: draw again in the viewer's once it is here.
      if (!hasCatalogue(lang)) {
        void loadCatalogue(lang).then(() => {
          if (this.#lang !== lang) return;
          this.#localizer = new Localizer(lang, this.labels);
          this.requestUpdate();
        }, (error: unknown) => console.warn(`<nm-player>: the "${lang}" messages could not be loaded; showing English.`, error));
      }
    }
    if (changed.has('hlsBuild') && this.hlsBuild !== 'full' && this.hlsBuild !== 'light') {
      console.warn(`<nm-player>: hls-build="${String(this.hlsBuild)}" is neither "full" nor "light"; the video plays with the full build.`);
    }
    if (!this.hasUpdated || changed.has('api') || changed.has('show') || changed.has('client')) this.#join();
    else if (this.hasUpdated && (changed.has('commerce') || changed.has('commerceTimeout')) && this._shop) this.#loadShop(true);
  }

  /** Keeps the video in step with the rendered state. */
  protected override updated(): void {
    this.#syncVideo();
  }

  /** Renders the element from its properties and state. */
  protected override render(): TemplateResult {
    const l = this.#localizer;
    const state = this._state;
    const effective = this.layout === 'auto' ? (this._wide ? 'side' : 'overlay') : this.layout;
    const side = effective === 'side' && !this.mini;
    const label = state ? l.t('playerLabel', { title: state.show.title }) : l.t('playerLabel', { title: this.show ?? '' });
    return html`
      <section
        class="base ${side ? 'side' : 'overlay'}"
        part="base"
        aria-label=${label}
        lang=${l.locale}
        dir=${l.dir}
        @nm-add-to-cart=${this.#onAddToCart}
        @nm-buy-now=${this.#onBuyNow}
        @nm-deposit-offer=${this.#onDepositOffer}
      >
        <div class="stage" part="stage">
          <video
            part="video"
            playsinline
            poster=${safeUrl(this.poster) ?? nothing}
            ?hidden=${!this.#video.source}
            aria-label=${state?.show.title ?? ''}
          ></video>
          ${this.#topBar(state)} ${this.#screens(state)} ${this.#overlays(state)} ${this.#bottomBar(state, side)}
        </div>
        ${state && (side || !this.mini)
          ? html`<div class=${side ? 'panel-host' : ''}>
              <nm-product-drawer
                part="drawer"
                .mode=${side ? 'panel' : 'modal'}
                .open=${side || this._drawerOpen}
                .products=${this.#products(state)}
                .sales=${state.sales}
                .presales=${state.presales}
                .now=${this.#serverNow}
                .localizer=${l}
                @nm-drawer-toggle=${this.#drawerToggled}
              ></nm-product-drawer>
              ${this.#liveRoom('panel', state, side)}
            </div>`
          : nothing}
        ${state ? this._shop?.dialogs() : nothing}
        <div class="visually-hidden" role="status" aria-live="polite">${this._announcement}</div>
      </section>
    `;
  }

  // --- Rendering pieces ---------------------------------------------------------------------------

  #topBar(state: ShowState | null) {
    if (!state) return nothing;
    const l = this.#localizer;
    const live = state.show.status === 'live' && !this._replay;
    const atEdge = this.#video.atLiveEdge;
    return html`<div class="top" part="top-bar">
      ${live
        ? html`<button
            class="live ${atEdge ? 'at-edge' : ''}"
            part="live-badge"
            aria-label=${atEdge ? l.t('live') : l.t('goLive')}
            @click=${this.goLive}
          >
            ${l.t('live')}
          </button>`
        : nothing}
      <span class="host" part="host">${state.show.host.name}</span>
      <span class="spacer"></span>
      ${live && state.viewers > 0 ? (this.#liveRoom('viewers', state, false) ?? html`<span class="viewers" part="viewers">${l.plural('viewers', state.viewers)}</span>`) : nothing}
      ${this.mini ? html`<button class="icon" part="expand" @click=${this.#expand}>${l.t('expand')}</button>` : nothing}
    </div>`;
  }

  #screens(state: ShowState | null) {
    const l = this.#localizer;
    if (this._failed !== null && !state) {
      return html`<div class="screen" part="screen" role="alert">
        <p>${l.t('loadFailed')}</p>
        <button class="primary-on-dark" part="retry" @click=${this.reload}>${l.t('retry')}</button>
      </div>`;
    }
    if (!state) return html`<div class="spinner" part="spinner" role="img" aria-label=${l.t('buffering')}></div>`;
    const show = state.show;
    if (this.#video.status === 'error' && (show.status === 'live' || this._replay)) {
      return html`<div class="screen" part="screen" role="alert">
        <p>${l.t('videoError')}</p>
        <button class="primary-on-dark" part="retry" @click=${() => this.#video.retry()}>${l.t('retry')}</button>
      </div>`;
    }
    switch (show.status) {
      case 'scheduled':
        return this.#waitingRoom(state);
      case 'paused':
        return html`<div class="screen" part="screen">
          <h2>${l.t('pausedTitle')}</h2>
          <p>${l.t('pausedBody')}</p>
        </div>`;
      case 'ended': {
        if (this._replay) return nothing;
        const replay = safeUrl(show.replay?.hls);
        return html`<div class="screen" part="screen">
          <h2>${l.t('endedTitle')}</h2>
          <p>${l.t('endedBody')}</p>
          ${replay ? html`<button class="primary" part="replay" @click=${this.#watchReplay}>${l.t('watchReplay')}</button>` : nothing}
        </div>`;
      }
      default:
        return nothing;
    }
  }

  #waitingRoom(state: ShowState) {
    const l = this.#localizer;
    const show = state.show;
    const left = show.startsAt - (this.#room?.serverNow() ?? Date.now());
    return html`<div class="screen" part="screen">
      <h2>${show.title}</h2>
      <p>${l.t('hostedBy', { host: show.host.name })}</p>
      <p class="countdown" part="countdown" role="timer" aria-live="off">
        ${left > 0 ? l.t('startsIn', { time: l.duration(left) }) : l.t('startingSoon')}
      </p>
      <p>${l.t('startsAt', { date: l.dateTime(show.startsAt) })}</p>
      <button class="primary" part="calendar" @click=${this.#addToCalendar}>${l.t('addToCalendar')}</button>
      ${state.products.length > 0
        ? html`<p>${l.t('comingUp')}</p>
            <ul class="preview" part="preview">
              ${state.products.slice(0, 4).map((p) => {
                const src = safeUrl(p.images[0]?.url);
                return html`<li>${src ? html`<img src=${src} alt="" />` : nothing}<span>${p.title}</span></li>`;
              })}
            </ul>`
        : nothing}
    </div>`;
  }

  #overlays(state: ShowState | null) {
    const l = this.#localizer;
    const parts = [];
    if (state && this._connection === 'reconnecting') {
      parts.push(html`<div class="banner" part="banner">${l.t('reconnecting')}</div>`);
    }
    const status = this.#video.status;
    if (this.#video.source && (status === 'loading' || status === 'buffering')) {
      parts.push(html`<div class="spinner" part="spinner" role="img" aria-label=${l.t('buffering')}></div>`);
    }
    parts.push(this._shop?.notice() ?? nothing);
    if (this.#video.autoplayMuted && this.video?.muted) {
      parts.push(html`<button class="unmute" part="unmute" @click=${() => this.#video.setMuted(false)}>${icons.soundOn} ${l.t('tapToUnmute')}</button>`);
    }
    return parts;
  }

  #bottomBar(state: ShowState | null, side: boolean) {
    if (!state) return nothing;
    const l = this.#localizer;
    const video = this.video;
    const shown = state.show.status === 'live' || state.show.status === 'paused' ? this.pinnedProduct : null;
    const pinned = shown ? (this.#products(state).find((p) => p.id === shown.id) ?? shown) : null;
    const sale = pinned ? saleOf(state.sales, pinned.id) : undefined;
    const playing = this.#video.status === 'playing' || this.#video.status === 'buffering';
    const pip = typeof document !== 'undefined' && document.pictureInPictureEnabled && video && !video.disablePictureInPicture;
    const tracks = video ? [...video.textTracks].filter((t) => t.kind === 'subtitles' || t.kind === 'captions') : [];
    const captionsOn = tracks.some((t) => t.mode === 'showing');
    return html`<div class="bottom" part="bottom-bar">
      ${this.mini ? nothing : this.#liveRoom('bottom', state, side)}
      ${pinned && !this.mini
        ? html`<div class="pinned" part="pinned">
            <p class="pinned-label">${l.t('nowShowing')}</p>
            <nm-product-card compact heading-level="2" .product=${pinned} .sale=${sale} .now=${this.#serverNow} .localizer=${l}></nm-product-card>
          </div>`
        : nothing}
      <div class="controls" part="controls">
        ${this.#video.source && this.controls
          ? html`<button class="icon" part="control" aria-label=${playing ? l.t('pause') : l.t('play')} @click=${this.#togglePlay}>
              ${playing ? icons.pause : icons.play}
            </button>`
          : nothing}
        ${this.#video.source
          ? html`<button class="icon" part="control" aria-label=${video?.muted ? l.t('unmute') : l.t('mute')} aria-pressed=${String(!!video?.muted)} @click=${this.#toggleMute}>
              ${video?.muted ? icons.soundOff : icons.soundOn}
            </button>`
          : nothing}
        ${this.controls && tracks.length > 0
          ? html`<button class="icon" part="control" aria-label=${l.t('captions')} aria-pressed=${String(captionsOn)} @click=${this.#toggleCaptions}>${icons.captions}</button>`
          : nothing}
        ${this.controls && pip && this.#video.source
          ? html`<button class="icon" part="control" aria-label=${l.t('pictureInPicture')} @click=${this.#pictureInPicture}>${icons.pictureInPicture}</button>`
          : nothing}
        <span class="spacer"></span>
        ${this.mini ? nothing : this._shop?.cartButton()}
        ${!side && !this.mini && state.products.length > 0
          ? html`<button
              class="products-button"
              part="products-button"
              aria-haspopup="dialog"
              aria-expanded=${String(this._drawerOpen)}
              @click=${this.openProducts}
            >
              ${icons.bag} ${l.plural('products', state.products.length)}
            </button>`
          : nothing}
      </div>
    </div>`;
  }

  /** The show's products, with the merchant's catalogue data merged over them once shopping has loaded. */
  #products(state: ShowState): readonly Product[] {
    return this._shop?.products(state) ?? state.products;
  }

  /** The shopping for the joined show, loaded first if needed; throws when no show is joined. */
  async #shopFor(method: string): Promise<CommerceController> {
    const shop = this._shop ?? (await this.#loadShop());
    if (!shop) throw new Error(`<nm-player>.${method}(): the player has not joined a show yet; set \`api\` (or \`client\`) and \`show\` first.`);
    return shop;
  }

  /**
   * Loads the shopping elements and the commerce controller (a chunk of its own: nothing of it is
   * on the path to the first frame) and makes the controller for the joined show.
   */
  #loadShop(remake = false): Promise<CommerceController | null> {
    const client = this.#client;
    const show = this.show;
    if (!client || !show) return Promise.resolve(null);
    if (this.#shopLoading && !remake) return this.#shopLoading;
    const loading = import('./shop-elements.js').then(({ CommerceController }) => {
      if (this.#client !== client || this.show !== show) throw new Error('<nm-player>: the show changed while shopping loaded.');
      this._shop?.dispose();
      const shop = new CommerceController({
        host: this,
        client,
        showId: show,
        adapter: this.commerce,
        timeoutMs: this.commerceTimeout,
        state: () => this._state,
        localizer: () => this.#localizer,
        now: this.#serverNow,
        announce: (text) => this.#announce(text),
        update: () => this.requestUpdate(),
      });
      this._shop = shop;
      // A standalone <nm-cart for="…"> follows the new cart.
      this.dispatchEvent(new Event('nm-shop-ready'));
      return shop;
    });
    this.#shopLoading = loading;
    return loading;
  }

  #serverNow = (): number => this.#room?.serverNow() ?? Date.now();

  // --- The room -----------------------------------------------------------------------------------

  #join(): void {
    this.#leave();
    if (!this.isConnected) return;
    // `api` may be relative to the page (`/nightmarket/`), like any URL attribute.
    const client = this.client ?? (this.api ? clientFor(new URL(this.api, document.baseURI).href) : undefined);
    if (!client || !this.show) {
      if (!this.client && !this.api) console.warn('<nm-player>: set the `api` and `show` attributes (or the `client` property and `show`) to play a show.');
      return;
    }
    // hls.js will be needed wherever native HLS cannot play a show with program date-time (no
    // native HLS, or no getStartDate() as in Chromium), and most shows have it: start fetching it
    // alongside the snapshot rather than after it, which put the import on the path to the first frame.
    if (!nativeSuffices(document.createElement('video'), { programDateTime: true })) void loadHls(this.#hlsBuild());
    this._failed = null;
    this._connection = 'connecting';
    this.#client = client;
    const room = client.join(this.show);
    this.#room = room;
    this.#offs.push(
      // At most one render a frame, however many events arrive (10,000 a second in a storm).
      room.subscribe((state) => this.#setState(state), { coalesce: 'frame' }),
      room.on('status', (status) => {
        this._connection = status;
        if (status === 'reconnecting') this.#announce(this.#localizer.t('reconnecting'));
      }),
      room.on('product.pinned', (event) => this.#queuePin(event.data)),
      room.on('product.unpinned', (event) => this.#queuePin(null, event.data.streamTime)),
      room.on('resync', (state) => {
        this.#pins.reset(state.pinned);
        this.#advancePins();
      }),
      room.on('error', (error) => {
        if (error.fatal) this._failed = error.error.message;
      }),
    );
    room.ready.then(
      (state) => {
        if (room !== this.#room) return;
        this.#pins.reset(state.pinned);
        this.#setState(state);
        this.#advancePins();
        // The shopping elements and the cart, once the video has been asked for.
        this.#loadShop().catch(() => undefined);
      },
      (error: unknown) => {
        if (room === this.#room) this._failed = error instanceof Error ? error.message : String(error);
      },
    );
  }

  #leave(): void {
    for (const off of this.#offs.splice(0)) off();
    this.#room?.close();
    this.#room = null;
    this._shop?.dispose();
    this._shop = null;
    this.#shopLoading = null;
    this.#client = null;
    this.#video.destroy();
    clearInterval(this.#clock);
    this.#clock = undefined;
    if (this.#pinFrame !== undefined) cancelAnimationFrame(this.#pinFrame);
    this.#pinFrame = undefined;
    this._state = null;
    this._replay = false;
  }

  #setState(state: ShowState): void {
    const before = this._state;
    this._state = state;
    this.#loadLive(state);
    // Start the stream now, before the re-render of the whole UI: the first frame is what viewers wait for.
    this.#syncVideo();
    if (before?.show.status !== state.show.status) {
      const l = this.#localizer;
      const words: Partial<Record<string, string>> = { paused: l.t('pausedTitle'), ended: l.t('endedTitle'), live: l.t('live') };
      if (before) this.#announce(words[state.show.status] ?? '');
      // The waiting room counts down once a second; nothing else needs a clock.
      clearInterval(this.#clock);
      this.#clock = state.show.status === 'scheduled' ? setInterval(() => this.requestUpdate(), 1000) : undefined;
    }
    this.dispatchEvent(new NmStateChangeEvent(state));
  }

  // --- Live room (its own module, loaded once a show has chat, reactions or polls) ------------------

  #loadLive(state: ShowState): void {
    if (this.#liveLoading || !state.capabilities.some((c) => c === 'chat' || c === 'reactions' || c === 'polls')) return;
    this.#liveLoading = true;
    import('./live-room.js').then(
      (live) => {
        this.#live = live;
        live.attach(this, this.renderRoot as ShadowRoot, () => this.#client ?? undefined);
        this.requestUpdate();
      },
      (error: unknown) => {
        this.#liveLoading = false;
        console.error('<nm-player>: the live room (chat, reactions, polls) could not be loaded:', error);
      },
    );
  }

  #liveRoom(slot: 'bottom' | 'panel' | 'viewers', state: ShowState, side: boolean) {
    const room = this.#room;
    return this.#live && room ? this.#live.renderLive(slot, { room, state, localizer: this.#localizer, labels: this.labels, side }) : null;
  }

  // --- Pins ---------------------------------------------------------------------------------------

  #queuePin(pin: Pin | null, streamTime?: number | null): void {
    this.#pins.push(pin, streamTime === undefined ? (pin?.streamTime ?? null) : streamTime);
    this.#advancePins();
  }

  /** Applies the pin changes the playhead has reached, and keeps checking every frame while some wait. */
  #advancePins(): void {
    if (this.#pinFrame !== undefined) return;
    const step = (): void => {
      this.#pinFrame = undefined;
      const before = this.#pins.shown;
      if (this.#pins.advance(this.#playhead())) {
        this.requestUpdate();
        const product = this.pinnedProduct;
        if (product && this.#pins.shown !== before) this.#announce(`${this.#localizer.t('nowShowing')}: ${product.title}`);
      }
      if (this.#pins.pending && this.isConnected) this.#pinFrame = requestAnimationFrame(step);
    };
    step();
  }

  /**
   * Program date-time on screen, for the pin schedule: null applies pins at once (no stream time
   * to wait for); -Infinity holds them (the stream has stream time but the first frame is not
   * on screen yet). The playhead or the frame presented, whichever is earlier: never early.
   */
  #playhead(): number | null {
    const source = this.#video.source;
    if (!source?.programDateTime || this._replay) return null;
    const pdt = this.#video.shownProgramDateTime();
    if (pdt !== null) return pdt;
    const status = this.#video.status;
    return status === 'loading' || status === 'buffering' ? Number.NEGATIVE_INFINITY : null;
  }

  // --- Video --------------------------------------------------------------------------------------

  #syncVideo(): void {
    const video = this.video;
    if (!video) return;
    const wanted = this.#wantedSource();
    const current = this.#video.source;
    if (!wanted) {
      if (current) this.#video.destroy();
      return;
    }
    if (current?.url === wanted.url && current.live === wanted.live) return;
    video.muted = this.muted;
    this.#video.load(video, wanted, { autoplay: this.autoplay || this._replay });
  }

  #wantedSource(): VideoSource | null {
    const show = this._state?.show;
    if (!show) return null;
    if (this._replay) {
      const url = safeUrl(show.replay?.hls);
      return url ? { url, live: false, programDateTime: false, hlsBuild: this.#hlsBuild() } : null;
    }
    if (show.status !== 'live' && show.status !== 'paused') return null;
    const url = safeUrl(show.stream.hls);
    return url ? { url, live: true, programDateTime: show.stream.programDateTime === true, hlsBuild: this.#hlsBuild() } : null;
  }

  #hlsBuild(): HlsBuild {
    return this.hlsBuild === 'light' ? 'light' : 'full';
  }

  // --- Handlers -----------------------------------------------------------------------------------

  #announce(text: string): void {
    // Re-announcing the same words needs a change in the live region.
    this._announcement = this._announcement === text ? `${text}\u00a0` : text;
  }

  /** A card's "add to cart": the player answers it as its own event, after the page's listeners. */
  #onAddToCart = (event: NmAddToCartEvent): void => {
    event.stopPropagation();
    this.addToCart(event.detail).catch(() => undefined);
  };

  #onBuyNow = (event: NmBuyNowEvent): void => {
    event.stopPropagation();
    this.buyNow(event.detail).catch(() => undefined);
  };

  #onDepositOffer = (event: NmDepositOfferEvent): void => {
    event.stopPropagation();
    this._shop?.offerDeposit(event.detail);
  };

  /** The page said its cart changed (`nm-cart-changed` on the player or anywhere in the document). */
  #cartChanged = (): void => {
    void this._shop?.cart.refresh().catch(() => undefined);
  };

  #drawerToggled = (event: NmDrawerToggleEvent): void => {
    if (!event.detail.open) this.closeProducts();
  };

  #togglePlay = (): void => {
    if (this.video?.paused) void this.#video.play();
    else this.#video.pause();
  };

  #toggleMute = (): void => {
    this.#video.setMuted(!this.video?.muted);
  };

  #toggleCaptions = (): void => {
    const tracks = [...(this.video?.textTracks ?? [])].filter((t) => t.kind === 'subtitles' || t.kind === 'captions');
    const on = tracks.some((t) => t.mode === 'showing');
    // On: the track in the player's language, else the first. Off: `disabled`, not `hidden`,
    // which hls.js (like a browser) takes as still selected and keeps loading.
    const language = this.#localizer.locale.toLowerCase().split('-')[0];
    const wanted = on ? null : (tracks.find((t) => t.language.toLowerCase().split('-')[0] === language) ?? tracks[0]);
    for (const t of tracks) t.mode = t === wanted ? 'showing' : 'disabled';
    this.requestUpdate();
  };

  #pictureInPicture = (): void => {
    const video = this.video;
    if (!video) return;
    if (document.pictureInPictureElement === video) void document.exitPictureInPicture();
    else void video.requestPictureInPicture().catch(() => undefined);
  };

  #watchReplay = (): void => {
    this._replay = true;
    this.controls = true;
  };

  #addToCalendar = async (): Promise<void> => {
    const show = this._state?.show;
    if (!show) return;
    // The .ics writer loads when asked for: most viewers never press this.
    const { icsFileName, showToIcs } = await import('./calendar.js');
    const blob = new Blob([showToIcs(show, location.href)], { type: 'text/calendar;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = icsFileName(show);
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  #visible(visible: boolean): void {
    if (!this.autoMini) return;
    const playing = this.#video.status === 'playing' || this.#video.status === 'buffering';
    if (!visible && playing && !this.mini) {
      // Keep the player's place in the page while the video docks (CSSOM, not a style attribute: CSP-safe).
      this.style.setProperty('--nm-mini-placeholder-height', `${this.getBoundingClientRect().height}px`);
      this.mini = true;
    } else if (visible && this.mini) {
      this.mini = false;
    }
  }

  #expand = (): void => {
    this.mini = false;
    if (this.autoMini) this.scrollIntoView({ block: 'center', behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'nm-player': NmPlayer;
  }
}
