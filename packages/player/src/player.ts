import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { TemplateResult } from 'lit';
import {
  createClient,
  type ConnectionStatus,
  type NightmarketClient,
  type Pin,
  type Product,
  type Room,
  type ShowState,
} from '@nightmarket/client';
import { icsFileName, showToIcs } from './calendar.js';
import { icons } from './icons.js';
import { NmDrawerToggleEvent, NmStateChangeEvent, NmVideoErrorEvent } from './events.js';
import { Localizer } from './i18n/localize.js';
import type { Messages } from './i18n/messages.js';
import { PinSchedule } from './pin-schedule.js';
import { playerStyles } from './player.styles.js';
import { safeUrl, sharedStyles } from './shared-styles.js';
import { loadHls, nativeSuffices, VideoController, type HlsBuild, type PlaybackEngine, type VideoSource, type VideoStatus } from './video/video-controller.js';

/** How the player arranges video and products. */
export type PlayerLayout = 'overlay' | 'side' | 'auto';

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
 * @fires nm-add-to-cart - "Add to cart" pressed on a product; cancelable.
 * @fires nm-buy-now - "Buy now" pressed on a product; cancelable.
 * @fires nm-product-click - a product's title or image pressed; cancelable.
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
    labels: { attribute: false },
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
  /** Messages that replace the built-in ones (your own wording, or a language the player lacks). */
  declare labels: Partial<Messages> | undefined;

  declare private _state: ShowState | null;
  declare private _connection: ConnectionStatus;
  declare private _failed: string | null;
  declare private _drawerOpen: boolean;
  declare private _wide: boolean;
  declare private _replay: boolean;
  declare private _announcement: string;

  readonly #video = new VideoController({
    onChange: () => this.requestUpdate(),
    onError: (kind, detail) => this.dispatchEvent(new NmVideoErrorEvent(kind, detail)),
  });
  readonly #pins = new PinSchedule();
  #localizer = new Localizer('en');
  #room: Room | null = null;
  #offs: (() => void)[] = [];
  #pinFrame: number | undefined;
  #clock: ReturnType<typeof setInterval> | undefined;
  #resize: ResizeObserver | undefined;
  #visibility: IntersectionObserver | undefined;

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
    this._state = null;
    this._connection = 'connecting';
    this._failed = null;
    this._drawerOpen = false;
    this._wide = false;
    this._replay = false;
    this._announcement = '';
  }

  /** The show's state as the player last rendered it (null until the snapshot loads). */
  get state(): ShowState | null {
    return this._state;
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
    this.#join();
  }

  /** Leaves the show and stops the video. */
  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#leave();
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

  /** Derives what the next render needs from changed properties. */
  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('locale') || changed.has('labels') || !this.hasUpdated) {
      const lang = this.locale || this.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang || 'en';
      this.#localizer = new Localizer(lang, this.labels);
    }
    if (changed.has('hlsBuild') && this.hlsBuild !== 'full' && this.hlsBuild !== 'light') {
      console.warn(`<nm-player>: hls-build="${String(this.hlsBuild)}" is neither "full" nor "light"; the video plays with the full build.`);
    }
    if (this.hasUpdated && (changed.has('api') || changed.has('show') || changed.has('client'))) this.#join();
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
                .products=${state.products}
                .sales=${state.sales}
                .localizer=${l}
                @nm-drawer-toggle=${this.#drawerToggled}
              ></nm-product-drawer>
            </div>`
          : nothing}
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
      ${live && state.viewers > 0 ? html`<span class="viewers" part="viewers">${l.plural('viewers', state.viewers)}</span>` : nothing}
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
    if (this.#video.autoplayMuted && this.video?.muted) {
      parts.push(html`<button class="unmute" part="unmute" @click=${() => this.#video.setMuted(false)}>${icons.soundOn} ${l.t('tapToUnmute')}</button>`);
    }
    return parts;
  }

  #bottomBar(state: ShowState | null, side: boolean) {
    if (!state) return nothing;
    const l = this.#localizer;
    const video = this.video;
    const pinned = state.show.status === 'live' || state.show.status === 'paused' ? this.pinnedProduct : null;
    const sale = pinned ? state.sales.find((s) => s.productId === pinned.id && s.status !== 'ended') : undefined;
    const playing = this.#video.status === 'playing' || this.#video.status === 'buffering';
    const pip = typeof document !== 'undefined' && document.pictureInPictureEnabled && video && !video.disablePictureInPicture;
    const tracks = video ? [...video.textTracks].filter((t) => t.kind === 'subtitles' || t.kind === 'captions') : [];
    const captionsOn = tracks.some((t) => t.mode === 'showing');
    return html`<div class="bottom" part="bottom-bar">
      ${pinned && !this.mini
        ? html`<div class="pinned" part="pinned">
            <p class="pinned-label">${l.t('nowShowing')}</p>
            <nm-product-card compact heading-level="2" .product=${pinned} .sale=${sale} .localizer=${l}></nm-product-card>
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

  // --- The room -----------------------------------------------------------------------------------

  #join(): void {
    this.#leave();
    if (!this.isConnected) return;
    // `api` may be relative to the page (`/nightmarket/`), like any URL attribute.
    const client = this.client ?? (this.api ? createClient({ baseUrl: new URL(this.api, document.baseURI) }) : undefined);
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
    const room = client.join(this.show);
    this.#room = room;
    this.#offs.push(
      room.subscribe((state) => this.#setState(state)),
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

  #addToCalendar = (): void => {
    const show = this._state?.show;
    if (!show) return;
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
