/**
 * The live room inside `<nm-player>`: chat, reactions, polls, the purchase ticker and the viewer
 * count. The player imports this module on demand, once a show has any of them (in the CDN build
 * it is a chunk of its own, outside the player core's size budget). Importing it defines the
 * live-room elements (a tag already taken by another copy is left alone, with one warning).
 *
 * What it gives the player: {@link attach} (its styles, and the relay of the elements' request
 * events to the page and then the client) and {@link renderLive} (the elements, where the player
 * lays them out).
 */
import { css, html, nothing, type CSSResult } from 'lit';
import type { NightmarketClient, Room, ShowState } from '@nightmarket/client';
import { NmChat } from './chat.js';
import type { LiveMessages } from './i18n/live-messages.js';
import type { Localizer } from './i18n/localize.js';
import type { Messages } from './i18n/messages.js';
import { LIVE_EVENTS, NmChatSendEvent, NmLiveRequestEvent, NmReactEvent, NmVoteEvent } from './live-events.js';
import { NmPoll } from './poll.js';
import { NmPurchaseTicker } from './purchase-ticker.js';
import { NmReactions } from './reactions.js';
import { NmViewerCount } from './viewer-count.js';
import { defineElements } from './register.js';

const ELEMENTS: Readonly<Record<string, CustomElementConstructor>> = {
  'nm-chat': NmChat,
  'nm-poll': NmPoll,
  'nm-reactions': NmReactions,
  'nm-purchase-ticker': NmPurchaseTicker,
  'nm-viewer-count': NmViewerCount,
};

/** The tags this module defines; their classes are exported by `@nightmarket/player`. */
export const LIVE_TAGS: readonly string[] = Object.keys(ELEMENTS);

defineElements(ELEMENTS);

/** Where the player puts the live room: over the bottom of the video, in the side panel, or the viewer count in the top bar. */
export type LiveSlot = 'bottom' | 'panel' | 'viewers';

/** What {@link renderLive} needs from the player. */
export interface LiveContext {
  /** The player's room. */
  readonly room: Room;
  /** The state the player renders. */
  readonly state: ShowState;
  /** The player's localizer. */
  readonly localizer: Localizer;
  /** The player's `labels` (live-room messages may be among them). */
  readonly labels: Partial<Messages & LiveMessages> | undefined;
  /** Whether the player has a side panel (the chat goes there). */
  readonly side: boolean;
}

/** Layout of the live room in the player's shadow root (adopted beside the player's own styles). */
export const liveStyles: CSSResult = css`
  .live {
    display: flex;
    align-items: flex-end;
    gap: var(--_space);
    pointer-events: none;
  }
  .live > * {
    pointer-events: auto;
  }
  .live-main {
    flex: 1;
    min-inline-size: 0;
    max-inline-size: 78%;
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: calc(var(--_space) / 2);
  }
  .live-main > * {
    inline-size: 100%;
  }
  .live-main nm-purchase-ticker {
    inline-size: auto;
    max-inline-size: 100%;
  }
  .live nm-poll {
    max-inline-size: 320px;
    font-size: 0.9em;
  }
  .live nm-chat {
    /* A third of the video area (the stage's block size, as player.styles.ts computes it). */
    --nm-chat-max-height: calc(min(var(--_max-block), calc(100cqi / (var(--_stage-ratio)))) * 0.3);
  }
  .side .panel-host {
    display: flex;
    flex-direction: column;
    gap: var(--_space);
  }
  .side .panel-host nm-product-drawer {
    flex: 1 1 50%;
    min-block-size: 0;
  }
  .panel-host nm-chat {
    flex: 1 1 50%;
    block-size: auto;
    min-block-size: 0;
    inline-size: var(--nm-drawer-width, 380px);
    max-inline-size: 100%;
    padding: var(--_space);
    box-sizing: border-box;
    background: var(--_surface);
    border-radius: var(--_radius);
  }
`;

/** Renders the live room's elements for one slot of the player. */
export function renderLive(slot: LiveSlot, ctx: LiveContext) {
  const { room, state, localizer: l, labels, side } = ctx;
  const has = (capability: string): boolean => state.capabilities.includes(capability);
  const live = state.show.status === 'live' || state.show.status === 'paused';
  switch (slot) {
    case 'viewers':
      return html`<nm-viewer-count class="viewers" part="viewers" .count=${state.viewers} .localizer=${l} .labels=${labels}></nm-viewer-count>`;
    case 'panel':
      return side && has('chat')
        ? html`<nm-chat part="chat" variant="panel" .room=${room} .localizer=${l} .labels=${labels}></nm-chat>`
        : nothing;
    case 'bottom':
      if (!live) return nothing;
      return html`<div class="live" part="live">
        <div class="live-main">
          <nm-purchase-ticker part="ticker" .room=${room} .localizer=${l} .labels=${labels}></nm-purchase-ticker>
          ${has('polls') ? html`<nm-poll part="poll" .room=${room} .localizer=${l} .labels=${labels}></nm-poll>` : nothing}
          ${!side && has('chat') ? html`<nm-chat part="chat" variant="overlay" .room=${room} .localizer=${l} .labels=${labels}></nm-chat>` : nothing}
        </div>
        ${has('reactions') ? html`<nm-reactions part="reactions" .room=${room} .localizer=${l} .labels=${labels}></nm-reactions>` : nothing}
      </div>`;
  }
}

/** What {@link attach} needs of the player. */
export interface LiveHost extends HTMLElement {
  /** The room the player follows. */
  readonly room: Room | null;
}

/**
 * Adopts the live room's styles into the player's shadow root, and relays the elements' request
 * events: each is stopped inside the player and fired again from the player itself, so the page
 * sees it once, from the player; if the page neither prevents nor answers it, the player's
 * client makes the call, and the element sees the outcome. Returns a function that detaches.
 */
export function attach(player: LiveHost, root: ShadowRoot, client: () => NightmarketClient | undefined): () => void {
  const sheet = liveStyles.styleSheet;
  if (sheet && !root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  const relay = (event: Event): void => {
    if (!(event instanceof NmLiveRequestEvent)) return;
    event.stopPropagation();
    const outer = event.clone();
    player.dispatchEvent(outer);
    if (outer.response) return event.respondWith(outer.response);
    if (outer.defaultPrevented) return event.preventDefault();
    const c = client();
    const room = player.room;
    if (c && room) event.respondWith(call(c, room.showId, outer));
  };
  const types = Object.values(LIVE_EVENTS);
  for (const type of types) root.addEventListener(type, relay);
  return () => {
    for (const type of types) root.removeEventListener(type, relay);
  };
}

/** The client call that answers a request event. */
function call(client: NightmarketClient, showId: string, event: NmLiveRequestEvent<unknown, unknown>): Promise<never> {
  let result: Promise<unknown>;
  if (event instanceof NmChatSendEvent) result = client.sendChat(showId, event.detail);
  else if (event instanceof NmReactEvent) result = client.react(showId, event.detail);
  else if (event instanceof NmVoteEvent) result = client.vote(showId, event.detail.poll.id, { optionId: event.detail.optionId });
  else result = Promise.reject(new TypeError(`<nm-player>: no call answers ${event.type}.`));
  return result as Promise<never>;
}
