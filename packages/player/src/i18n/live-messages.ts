/**
 * The live room's messages (chat, reactions, purchase ticker, polls): a catalogue of its own, so
 * that it loads with the live-room chunk rather than the player core. Same rules as
 * messages.ts: `{name}` placeholders filled in as text, plural forms chosen by `Intl.PluralRules`,
 * one complete module per locale beside this one.
 */
import type { PluralMessage } from './messages.js';

/** Every string of the live room. Placeholders are listed with each message. */
export interface LiveMessages {
  /** Accessible name of the chat. */
  readonly chat: string;
  /** Label of the chat input. */
  readonly chatInput: string;
  /** Placeholder of the chat input. */
  readonly chatPlaceholder: string;
  /** Send button. */
  readonly chatSend: string;
  /** Badge before a host's name. */
  readonly chatHost: string;
  /** Badge before a moderator's name. */
  readonly chatModerator: string;
  /** Label of the message the host pinned. */
  readonly chatPinned: string;
  /** Quote line of a reply. `{name}`: author of the quoted message. */
  readonly chatReplyTo: string;
  /** Button back to the newest messages while the reader is scrolled up. `{count}`: messages since. */
  readonly chatNewMessages: PluralMessage;
  /** Characters left, shown near the limit. `{count}`: characters. */
  readonly chatCharsLeft: PluralMessage;
  /** Rate limit countdown. `{count}`: seconds until the viewer may send again. */
  readonly chatSlowDown: PluralMessage;
  /** A message that could not be sent (the text stays in the box). */
  readonly chatFailed: string;
  /** The backend wants a signed-in viewer to chat. */
  readonly chatSignIn: string;
  /** The show ended: no more messages. */
  readonly chatClosed: string;
  /** The reaction button. */
  readonly react: string;
  /** Reactions received (shown instead of flying hearts under reduced motion). `{count}`: formatted count. */
  readonly reactions: PluralMessage;
  /** Social-proof notice. `{buyer}`: masked buyer, `{product}`: product title, `{count}`: units. */
  readonly purchased: PluralMessage;
  /** Stands for a product the show no longer lists. */
  readonly anItem: string;
  /** Accessible name of a poll. */
  readonly poll: string;
  /** Votes so far. `{count}`: votes. */
  readonly pollVotes: PluralMessage;
  /** Label of a closed poll's result. */
  readonly pollFinal: string;
  /** Shown once the viewer has voted. */
  readonly pollVoted: string;
  /** A vote that did not count. */
  readonly pollFailed: string;
}

/** English: the source catalogue and the fallback. */
export const liveEn: LiveMessages = {
  chat: 'Chat',
  chatInput: 'Message',
  chatPlaceholder: 'Ask the host…',
  chatSend: 'Send',
  chatHost: 'Host',
  chatModerator: 'Mod',
  chatPinned: 'Pinned',
  chatReplyTo: 'Replying to {name}',
  chatNewMessages: { one: '{count} new message', other: '{count} new messages' },
  chatCharsLeft: { one: '{count} character left', other: '{count} characters left' },
  chatSlowDown: { one: 'Slow down: you can send again in {count} second', other: 'Slow down: you can send again in {count} seconds' },
  chatFailed: 'Your message was not sent. Try again.',
  chatSignIn: 'Sign in to chat.',
  chatClosed: 'The chat is closed.',
  react: 'Send a heart',
  reactions: { one: '{count} heart', other: '{count} hearts' },
  purchased: { one: '{buyer} just bought {product}', other: '{buyer} just bought {count} × {product}' },
  anItem: 'an item',
  poll: 'Poll',
  pollVotes: { one: '{count} vote', other: '{count} votes' },
  pollFinal: 'Final result',
  pollVoted: 'Thanks for voting',
  pollFailed: 'Your vote did not count. Try again.',
};
