import type { TemplateResult } from 'lit';
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { CHAT_MAX_LENGTH, type ChatMessage, type Product, type Room, type ShowState } from '@nightmarket/client';
import { chatStyles } from './chat.styles.js';
import { NmProductClickEvent } from './events.js';
import { liveLocalizer } from './i18n/live-localize.js';
import type { LiveMessages } from './i18n/live-messages.js';
import { Localizer } from './i18n/localize.js';
import { NmChatSendEvent } from './live-events.js';
import { RoomLink } from './room-link.js';
import { sharedStyles } from './shared-styles.js';
import { cleanText, mentionSegments } from './text.js';

/** Distance from the bottom (px) within which the reader counts as following the newest messages. */
const FOLLOW_SLACK = 24;
/** Messages per second above which the log stops announcing each one (a screen reader cannot keep up). */
const BUSY_PER_SECOND = 4;
/** Characters left from which the counter shows. */
const COUNTER_FROM = 50;

/**
 * `<nm-chat>`: the show's chat: messages as a log, host and moderator messages (and host replies
 * quoting the viewer) set apart, the message the host pinned, and a send box.
 *
 * @tagname nm-chat
 * @summary The show's chat: messages as a log, host replies set apart, the pinned message, and a send box with the rate limit shown as a countdown.
 *
 * Give it a `room` (it follows the room's state, at most once per frame) or set `state` yourself.
 * Every name and message is untrusted text: it is rendered as text only (no HTML, no links but
 * product mentions), with bidirectional overrides removed and names isolated. Mentions of a
 * product (`#<product id>`, or the product's short title) become buttons that fire
 * `nm-product-click`.
 *
 * The DOM stays bounded (`max-messages`, default 50). The list is anchored at its bottom by CSS
 * (no script reads layout to follow new messages, so a chat storm costs no forced layout). While
 * the reader is scrolled up, the list holds still and a "new messages" button counts what arrived;
 * back at the bottom it follows again. Give the element a height (it has 320 px by default in the
 * `panel` variant; the `overlay` variant's list is `--nm-chat-max-height` tall).
 *
 * Sending does not touch the network: the element fires `nm-chat-send`, which the player (or the
 * page) answers with `respondWith(promise)`; a 429 answer shows its Retry-After as a countdown and
 * the text stays in the box.
 *
 * @fires nm-chat-send - the viewer sent a message; cancelable, answer with `respondWith()`.
 * @fires nm-product-click - a product mention pressed; cancelable.
 *
 * @csspart base - the whole chat
 * @csspart pinned-message - the message the host pinned
 * @csspart messages - the message log
 * @csspart message - one message
 * @csspart host-message - a host's or moderator's message (also has part `message`)
 * @csspart role-badge - "Host" / "Mod" before a name
 * @csspart author - an author's name
 * @csspart text - a message's text
 * @csspart quote - the quoted message of a reply
 * @csspart mention - a product mention (a button)
 * @csspart new-messages - the "new messages" button
 * @csspart form - the send box
 * @csspart input - the text input
 * @csspart send - the send button
 * @csspart status - the rate-limit countdown, errors and characters left
 *
 * @cssproperty [--nm-color-accent=#e11d48] - the send button, host badge
 * @cssproperty [--nm-color-surface=#ffffff] - background (panel variant)
 * @cssproperty [--nm-color-text=#18181b] - text (panel variant)
 * @cssproperty [--nm-color-muted=#52525b] - names and quotes
 * @cssproperty [--nm-chat-host-color=#fde68a] - host message highlight (overlay variant)
 * @cssproperty [--nm-chat-max-height=200px] - height of the message list (overlay variant)
 * @cssproperty [--nm-radius=12px] - corner radius
 * @cssproperty [--nm-space=8px] - spacing unit
 */
export class NmChat extends LitElement {
  /** Styles: the shared design tokens, then the element's own. */
  static override styles = [sharedStyles, chatStyles];

  /** Reactive properties (lit), with their attributes. */
  static override properties = {
    room: { attribute: false },
    state: { attribute: false },
    localizer: { attribute: false },
    labels: { attribute: false },
    variant: { reflect: true },
    maxMessages: { type: Number, attribute: 'max-messages' },
    _frozen: { state: true },
    _sending: { state: true },
    _error: { state: true },
    _retryAt: { state: true },
    _length: { state: true },
  };

  /** The room to follow; the element then keeps `state` up to date itself. */
  declare room: Room | undefined;
  /** The show's state (chat, pinned message, products, status). */
  declare state: ShowState | null;
  /** Locale and formats (the player passes its own). */
  declare localizer: Localizer;
  /** Messages that replace the built-in ones. */
  declare labels: Partial<LiveMessages> | undefined;
  /** `overlay`: light text over the video; `panel`: on a surface, beside it. */
  declare variant: 'overlay' | 'panel';
  /** Most messages kept in the DOM. */
  declare maxMessages: number;

  /** Messages on screen while the reader is scrolled up (null: following the newest). */
  declare private _frozen: readonly ChatMessage[] | null;
  declare private _sending: boolean;
  declare private _error: string;
  declare private _retryAt: number;
  declare private _length: number;

  readonly #link = new RoomLink(this, (room) => {
    if (room.state) this.state = room.state;
    return [
      room.subscribe((state) => (this.state = state), { coalesce: 'frame' }),
      room.on('chat.removed', (event) => {
        this.#removed.add(event.data.messageId);
        this.requestUpdate();
      }),
    ];
  });
  /** Ids removed by moderation (for the frozen list). */
  readonly #removed = new Set<string>();
  #mentions = new Map<string, ReturnType<typeof mentionSegments>>();
  #mentionProducts: readonly Product[] | undefined;
  #lastSeenId: string | undefined;
  #burst = { second: 0, count: 0 };
  #busy = false;
  #tick: ReturnType<typeof setInterval> | undefined;
  #warned = false;

  constructor() {
    super();
    this.room = undefined;
    this.state = null;
    this.localizer = new Localizer(typeof document === 'undefined' ? 'en' : document.documentElement.lang || 'en');
    this.labels = undefined;
    this.variant = 'panel';
    this.maxMessages = 50;
    this._frozen = null;
    this._sending = false;
    this._error = '';
    this._retryAt = 0;
    this._length = 0;
  }

  /** Whether the list follows the newest messages (false while the reader is scrolled up). */
  get following(): boolean {
    return this._frozen === null;
  }

  /** Scrolls to the newest message and follows new ones again. */
  scrollToLatest(): void {
    this._frozen = null;
    void this.updateComplete.then(() => this.#toBottom());
  }

  /** Stops the countdown timer when the element leaves the page. */
  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#tick);
    this.#tick = undefined;
  }

  /** Follows a new room; notes the pace of messages. */
  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('room')) this.#link.set(this.room);
    if (changed.has('state')) this.#arrived(changed.get('state') as ShowState | null | undefined);
  }

  /** Renders the element from its properties and state. */
  protected override render(): TemplateResult {
    const l = liveLocalizer(this.localizer, this.labels);
    const state = this.state;
    const messages = this.#visible();
    const pinned = state?.pinnedMessage;
    const unread = this._frozen ? this.#unread() : 0;
    const closed = state?.show.status === 'ended';
    const waitS = Math.ceil((this._retryAt - Date.now()) / 1000);
    const status = waitS > 0
      ? l.plural('chatSlowDown', waitS)
      : this._error || (CHAT_MAX_LENGTH - this._length <= COUNTER_FROM ? l.plural('chatCharsLeft', CHAT_MAX_LENGTH - this._length) : '');
    return html`<section class="base" part="base" aria-label=${l.t('chat')}>
      ${pinned
        ? html`<div class="pinned" part="pinned-message">
            <span class="pin-label">${l.t('chatPinned')}</span>
            ${this.#message(pinned, l)}
          </div>`
        : nothing}
      <div
        class="messages"
        part="messages"
        role="log"
        tabindex="0"
        aria-label=${l.t('chat')}
        aria-live=${this.#busy ? 'off' : 'polite'}
        @scroll=${this.#scrolled}
      >
        <div class="list">
          ${repeat(
            messages,
            (m) => m.id,
            (m) => html`<div class="message ${m.author.role}" part=${m.author.role === 'viewer' ? 'message' : 'message host-message'}>
              ${this.#message(m, l)}
            </div>`,
          )}
        </div>
      </div>
      ${unread > 0
        ? html`<button class="new" part="new-messages" @click=${this.scrollToLatest}>${l.plural('chatNewMessages', unread)}</button>`
        : nothing}
      ${closed
        ? html`<p class="status" part="status">${l.t('chatClosed')}</p>`
        : html`<form class="form" part="form" @submit=${this.#submit}>
              <label class="visually-hidden" for="input">${l.t('chatInput')}</label>
              <input
                id="input"
                part="input"
                maxlength=${CHAT_MAX_LENGTH}
                placeholder=${l.t('chatPlaceholder')}
                autocomplete="off"
                enterkeyhint="send"
                aria-describedby="status"
                @input=${this.#typed}
              />
              <button class="send" part="send" type="submit" ?disabled=${waitS > 0 || this._sending}>${l.t('chatSend')}</button>
            </form>
            <p id="status" class="status" part="status" role="status">${status}</p>`}
    </section>`;
  }

  // --- Rendering pieces ---------------------------------------------------------------------------

  #message(m: ChatMessage, l: ReturnType<typeof liveLocalizer>) {
    const role = m.author.role;
    const quoted = m.replyTo && !this.#removed.has(m.replyTo.id);
    return html`${m.replyTo
        ? html`<p class="quote" part="quote">${l.t('chatReplyTo', { name: cleanText(m.replyTo.authorName) })}${quoted
            ? html`: <bdi>${cleanText(m.replyTo.text)}</bdi>`
            : nothing}</p>`
        : nothing}<p class="line">
        ${role === 'viewer' ? nothing : html`<span class="badge" part="role-badge">${l.t(role === 'host' ? 'chatHost' : 'chatModerator')}</span>`}
        <bdi class="author" part="author">${cleanText(m.author.name)}</bdi><span class="colon">: </span
        ><bdi class="text" part="text">${this.#segments(m).map((s) =>
          s.product ? html`<button class="mention" part="mention" @click=${() => this.#productClick(s.product!)}>${s.text}</button>` : s.text,
        )}</bdi>
      </p>`;
  }

  /** The messages on screen: the newest (bounded), or the frozen ones minus those removed since. */
  #visible(): readonly ChatMessage[] {
    const chat = this.state?.chat ?? [];
    if (this._frozen === null) return chat.slice(-this.maxMessages);
    const present = new Set(chat.map((m) => m.id));
    const oldest = chat[0]?.at ?? Number.POSITIVE_INFINITY;
    // Gone from the state while still inside its window: removed by a moderator (with no room to say so).
    return this._frozen.filter((m) => !this.#removed.has(m.id) && (present.has(m.id) || m.at < oldest));
  }

  /** Messages that arrived after the last one on the frozen screen. */
  #unread(): number {
    const chat = this.state?.chat ?? [];
    const last = this._frozen?.at(-1);
    if (!last) return chat.length;
    const index = chat.findIndex((m) => m.id === last.id);
    return index === -1 ? chat.filter((m) => m.at >= last.at && m.id !== last.id).length : chat.length - 1 - index;
  }

  #segments(m: ChatMessage) {
    const products = this.state?.products ?? [];
    if (products !== this.#mentionProducts) {
      this.#mentionProducts = products;
      this.#mentions = new Map();
    }
    let segments = this.#mentions.get(m.id);
    if (!segments) {
      segments = mentionSegments(cleanText(m.text), products);
      // Bounded like the DOM: a cache entry per message on screen, give or take one state's worth.
      if (this.#mentions.size > 4 * this.maxMessages) this.#mentions.clear();
      this.#mentions.set(m.id, segments);
    }
    return segments;
  }

  // --- Handlers -----------------------------------------------------------------------------------

  #arrived(before: ShowState | null | undefined): void {
    const chat = this.state?.chat ?? [];
    if (before?.chat === chat) return;
    const lastId = this.#lastSeenId;
    const index = lastId === undefined ? -1 : chat.findIndex((m) => m.id === lastId);
    const fresh = index === -1 ? chat.length : chat.length - 1 - index;
    this.#lastSeenId = chat.at(-1)?.id;
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.#burst.second) this.#burst = { second, count: 0 };
    this.#burst.count += fresh;
    this.#busy = this.#burst.count > BUSY_PER_SECOND;
    if (this.#removed.size > 1000) this.#removed.clear();
  }

  #scrolled = (event: Event): void => {
    // The list scrolls from the bottom (column-reverse): 0 is the newest message, up is negative.
    const atBottom = Math.abs((event.currentTarget as HTMLElement).scrollTop) <= FOLLOW_SLACK;
    if (atBottom && this._frozen !== null) this._frozen = null;
    else if (!atBottom && this._frozen === null) this._frozen = this.#visible();
  };

  #toBottom(): void {
    const list = this.renderRoot.querySelector<HTMLElement>('.messages');
    if (list) list.scrollTop = 0;
  }

  #typed = (event: Event): void => {
    this._length = (event.target as HTMLInputElement).value.trim().length;
    if (this._error) this._error = '';
  };

  #submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#input');
    const text = input?.value.trim() ?? '';
    if (!input || !text || this._sending || this._retryAt > Date.now()) return;
    const request = new NmChatSendEvent({ text });
    this.dispatchEvent(request);
    const response = request.response;
    if (!response) {
      if (request.defaultPrevented) this.#sent(input);
      else if (!this.#warned) {
        this.#warned = true;
        console.warn('<nm-chat>: nobody answered nm-chat-send. Put the chat in <nm-player>, or answer it: chat.addEventListener("nm-chat-send", (e) => e.respondWith(client.sendChat(showId, e.detail))).');
      }
      return;
    }
    this._sending = true;
    try {
      await response;
      this.#sent(input);
    } catch (error) {
      this.#failed(error);
    } finally {
      this._sending = false;
    }
  };

  #sent(input: HTMLInputElement): void {
    input.value = '';
    this._length = 0;
    this._error = '';
    this.scrollToLatest();
  }

  #failed(error: unknown): void {
    const l = liveLocalizer(this.localizer, this.labels);
    const { type, retryAfter } = (error ?? {}) as { type?: string; retryAfter?: number };
    if (type === 'rate-limited') {
      this._retryAt = Date.now() + Math.max(1, retryAfter ?? 5) * 1000;
      this._error = '';
      clearInterval(this.#tick);
      this.#tick = setInterval(() => {
        this.requestUpdate();
        if (Date.now() >= this._retryAt) {
          clearInterval(this.#tick);
          this.#tick = undefined;
        }
      }, 1000);
    } else if (type === 'unauthorized' || type === 'forbidden') this._error = l.t('chatSignIn');
    else if (type === 'show-not-live') this._error = l.t('chatClosed');
    else this._error = l.t('chatFailed');
  }

  #productClick(product: Product): void {
    this.dispatchEvent(new NmProductClickEvent(product));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'nm-chat': NmChat;
  }
}
