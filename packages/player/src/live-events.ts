/**
 * The live room's public DOM events: a viewer asks to send a chat message, react or vote.
 *
 * Elements never talk to the network. An element (`<nm-chat>`, `<nm-reactions>`, `<nm-poll>`)
 * fires a request event; it bubbles out of the shadow DOM (`composed`) and is cancelable. Whoever
 * handles it answers with `respondWith(promise)` (the promise of the client call), so the element
 * can show the outcome (clear the input, a rate-limit countdown, the chosen option). Inside
 * `<nm-player>`, the player re-fires the event from itself; if the page does not
 * `preventDefault()` it (or answer it), the player makes the call with its client.
 *
 * (Kept apart from events.ts so that they load with the live-room chunk, not the player core.)
 */
import type { ChatMessage, Poll } from '@nightmarket/client';
import { NmRequestEvent } from './events.js';

/** Names of the live room's public events. */
export const LIVE_EVENTS = {
  chatSend: 'nm-chat-send',
  react: 'nm-react',
  vote: 'nm-vote',
} as const;

/**
 * A live-room request event: a {@link NmRequestEvent} the player re-fires from itself as a copy.
 *
 * @typeParam D - the request
 * @typeParam R - what the answer resolves with
 */
export abstract class NmLiveRequestEvent<D, R> extends NmRequestEvent<D, R> {
  /** A new, unanswered event with the same request (the player re-fires requests from itself). */
  abstract clone(): NmLiveRequestEvent<D, R>;
}

/** What a viewer asked to post in the chat. */
export interface ChatIntent {
  /** The message, 1–500 characters after trimming. */
  readonly text: string;
  /** Id of the message it answers, if any. */
  readonly replyTo?: string | undefined;
}

/** A viewer pressed "send" in the chat. Answer with the promise of the posted message (e.g. `client.sendChat(…)`). */
export class NmChatSendEvent extends NmLiveRequestEvent<ChatIntent, ChatMessage> {
  /** The event's name. */
  static readonly type = LIVE_EVENTS.chatSend;
  /** @param detail - the message to post */
  constructor(detail: ChatIntent) {
    super(NmChatSendEvent.type, detail);
  }
  /** A new, unanswered event with the same request. */
  clone(): NmChatSendEvent {
    return new NmChatSendEvent(this.detail);
  }
}

/** What a viewer sent: `count` taps of a reaction `kind`. */
export interface ReactIntent {
  /** Kind of reaction, e.g. `heart`. */
  readonly kind: string;
  /** Taps, 1–50 (taps in quick succession are sent together). */
  readonly count: number;
}

/** A viewer tapped a reaction. Answer with the promise of the call (e.g. `client.react(…)`). */
export class NmReactEvent extends NmLiveRequestEvent<ReactIntent, void> {
  /** The event's name. */
  static readonly type = LIVE_EVENTS.react;
  /** @param detail - the reactions to send */
  constructor(detail: ReactIntent) {
    super(NmReactEvent.type, detail);
  }
  /** A new, unanswered event with the same request. */
  clone(): NmReactEvent {
    return new NmReactEvent(this.detail);
  }
}

/** A viewer's vote. */
export interface VoteIntent {
  /** The poll, as the viewer saw it. */
  readonly poll: Poll;
  /** The chosen option's id. */
  readonly optionId: string;
}

/** A viewer voted in a poll. Answer with the promise of the updated poll (e.g. `client.vote(…)`). */
export class NmVoteEvent extends NmLiveRequestEvent<VoteIntent, Poll> {
  /** The event's name. */
  static readonly type = LIVE_EVENTS.vote;
  /** @param detail - the vote */
  constructor(detail: VoteIntent) {
    super(NmVoteEvent.type, detail);
  }
  /** A new, unanswered event with the same request. */
  clone(): NmVoteEvent {
    return new NmVoteEvent(this.detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'nm-chat-send': NmChatSendEvent;
    'nm-react': NmReactEvent;
    'nm-vote': NmVoteEvent;
  }
}
