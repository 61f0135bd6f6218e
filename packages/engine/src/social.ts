/**
 * Chat, reactions and polls: the rules of the show's social side.
 *
 * None of this is commerce, so it lives in the engine's memory rather than the store: chat
 * history is the public state itself, rate-limit buckets and who voted are soft state that a
 * restart may forget without anyone losing money.
 */
import {
  ChatRequestSchema,
  ReactionRequestSchema,
  VoteRequestSchema,
  type AdminCommand,
  type ChatMessage,
  type Poll,
} from '@nightmarket/client';
import type { EngineContext, Viewer } from './context.js';
import { parseBody, ProblemError } from './problem.js';

type Command<T extends AdminCommand['type']> = Extract<AdminCommand, { type: T }>;

interface Bucket {
  tokens: number;
  at: number;
}

export class Social {
  readonly #ctx: EngineContext;
  /** Token buckets of the chat rate limit, per viewer. */
  readonly #buckets = new Map<string, Bucket>();
  /** Viewers who voted, per poll. */
  readonly #voters = new Map<string, Set<string>>();
  /** Reactions received since the last `reaction` event, by kind. */
  #reactions = new Map<string, number>();
  #reactionsFlushedAt = Number.NEGATIVE_INFINITY;

  constructor(ctx: EngineContext) {
    this.#ctx = ctx;
  }

  // --- Viewer requests ------------------------------------------------------------------------

  chat(viewer: Viewer, body: unknown): ChatMessage {
    const request = parseBody(ChatRequestSchema, body);
    const { state } = this.#ctx;
    if (state.show.status === 'ended') throw new ProblemError('show-not-live', 'The show has ended; its chat is closed.');
    const now = this.#ctx.now();
    const bucket = this.#refill(viewer.id, now);
    if (bucket.tokens < 1) {
      const { chatMessages, chatPerMs } = this.#ctx.settings;
      const waitMs = ((1 - bucket.tokens) * chatPerMs) / chatMessages;
      const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
      throw new ProblemError(
        'rate-limited',
        `You can send ${chatMessages} messages every ${Math.round(chatPerMs / 1000)} s; try again in ${retryAfter} s.`,
        { retryAfter },
      );
    }
    const replyTo = request.replyTo === undefined ? undefined : this.#quote(request.replyTo);
    bucket.tokens -= 1;
    const message: ChatMessage = {
      id: this.#ctx.newId(),
      author: { id: viewer.id, name: viewer.name, role: 'viewer' },
      text: request.text,
      at: now,
      ...(replyTo ? { replyTo } : {}),
    };
    this.#ctx.emit('chat.message', message);
    return message;
  }

  react(_viewer: Viewer, body: unknown): void {
    const request = parseBody(ReactionRequestSchema, body);
    if (this.#ctx.state.show.status === 'ended') throw new ProblemError('show-not-live', 'The show has ended.');
    this.#reactions.set(request.kind, (this.#reactions.get(request.kind) ?? 0) + (request.count ?? 1));
  }

  vote(viewer: Viewer, pollId: string, body: unknown): Poll {
    const request = parseBody(VoteRequestSchema, body);
    const poll = this.#ctx.state.polls.find((p) => p.id === pollId);
    if (!poll) throw new ProblemError('not-found', `Poll "${pollId}" is not in this show.`);
    if (poll.status === 'closed') throw new ProblemError('poll-closed', `Poll "${pollId}" is closed.`);
    if (!poll.options.some((o) => o.id === request.optionId)) {
      throw new ProblemError('invalid-request', `optionId: poll "${pollId}" has no option "${request.optionId}"`, {
        errors: [{ path: 'optionId', message: `poll "${pollId}" has no option "${request.optionId}"` }],
      });
    }
    const voters = this.#voters.get(pollId) ?? new Set<string>();
    if (voters.has(viewer.id)) throw new ProblemError('already-voted', `You have already voted in poll "${pollId}".`);
    voters.add(viewer.id);
    this.#voters.set(pollId, voters);
    const updated: Poll = {
      ...poll,
      options: poll.options.map((o) => (o.id === request.optionId ? { ...o, votes: o.votes + 1 } : o)),
      totalVotes: poll.totalVotes + 1,
    };
    this.#ctx.emit('poll.updated', updated);
    return updated;
  }

  // --- Admin commands -------------------------------------------------------------------------

  openPoll(command: Command<'poll.open'>): string {
    const now = this.#ctx.now();
    const input = command.poll;
    if (this.#ctx.state.show.status === 'ended') throw new ProblemError('show-not-live', 'The show has ended; no new polls.');
    if (input.endsAt !== undefined && input.endsAt <= now) throw fieldError('poll.endsAt', 'must be in the future');
    const id = input.id ?? this.#ctx.newId();
    if (this.#ctx.state.polls.some((p) => p.id === id)) throw fieldError('poll.id', `a poll "${id}" already exists`);
    this.#ctx.emit('poll.opened', {
      id,
      question: input.question,
      // Option ids are positional: short, stable, and valid ids whatever the labels say.
      options: input.options.map((label, i) => ({ id: `o${i + 1}`, label, votes: 0 })),
      totalVotes: 0,
      status: 'open',
      openedAt: now,
      ...(input.endsAt === undefined ? {} : { endsAt: input.endsAt }),
    });
    return id;
  }

  closePoll(pollId: string): void {
    const poll = this.#ctx.state.polls.find((p) => p.id === pollId);
    if (!poll) throw new ProblemError('not-found', `Poll "${pollId}" is not in this show.`);
    if (poll.status === 'open') this.#ctx.emit('poll.closed', { ...poll, status: 'closed' });
  }

  post(command: Command<'chat.post'>): string {
    const { state } = this.#ctx;
    const replyTo = command.replyTo === undefined ? undefined : this.#quote(command.replyTo);
    const role = command.role ?? 'host';
    const message: ChatMessage = {
      id: this.#ctx.newId(),
      author: { id: role, name: (command.name ?? state.show.host.name).slice(0, 60), role },
      text: command.text,
      at: this.#ctx.now(),
      ...(replyTo ? { replyTo } : {}),
    };
    this.#ctx.emit('chat.message', message);
    return message.id;
  }

  remove(messageId: string): void {
    this.#message(messageId);
    this.#ctx.emit('chat.removed', { messageId });
  }

  pin(messageId: string | null): void {
    this.#ctx.emit('chat.pinned', { message: messageId === null ? null : this.#message(messageId) });
  }

  // --- Time -----------------------------------------------------------------------------------

  /** Closes polls whose time is up. */
  advance(now: number): void {
    for (const poll of this.#ctx.state.polls) {
      if (poll.status === 'open' && poll.endsAt !== undefined && now >= poll.endsAt) {
        this.#ctx.emit('poll.closed', { ...poll, status: 'closed' });
      }
    }
  }

  /** Sends the reactions of the window as one event, if there were any. */
  flushReactions(now: number, force = false): void {
    if (this.#reactions.size === 0) return;
    if (!force && now - this.#reactionsFlushedAt < this.#ctx.settings.reactionWindowMs) return;
    this.#ctx.emit('reaction', { counts: Object.fromEntries(this.#reactions) });
    this.#reactions = new Map();
    this.#reactionsFlushedAt = now;
  }

  /** Forgets buckets that have refilled: they would behave exactly like a new one. */
  sweep(now: number): void {
    for (const [viewerId, bucket] of this.#buckets) {
      if (this.#level(bucket, now) >= this.#ctx.settings.chatMessages) this.#buckets.delete(viewerId);
    }
  }

  /** Who voted in each open poll (saved with the show, so a restart does not allow a second vote). */
  openPollVoters(): Record<string, string[]> {
    const voters: Record<string, string[]> = {};
    for (const poll of this.#ctx.state.polls) {
      const set = this.#voters.get(poll.id);
      if (poll.status === 'open' && set && set.size > 0) voters[poll.id] = [...set];
    }
    return voters;
  }

  /** Takes back the voters saved by {@link Social.openPollVoters}. */
  restoreVoters(voters: Readonly<Record<string, readonly string[]>>): void {
    for (const [pollId, ids] of Object.entries(voters)) this.#voters.set(pollId, new Set(ids));
  }

  /** The show ended: open polls close. */
  closeAll(): void {
    for (const poll of this.#ctx.state.polls) {
      if (poll.status === 'open') this.#ctx.emit('poll.closed', { ...poll, status: 'closed' });
    }
  }

  // --- Internals ------------------------------------------------------------------------------

  #message(messageId: string): ChatMessage {
    const message = this.#ctx.state.chat.find((m) => m.id === messageId);
    if (!message) throw new ProblemError('not-found', `Message "${messageId}" is not in the chat history.`);
    return message;
  }

  #quote(messageId: string): NonNullable<ChatMessage['replyTo']> {
    const message = this.#message(messageId);
    return { id: message.id, authorName: message.author.name, text: message.text };
  }

  #refill(viewerId: string, now: number): Bucket {
    const bucket = this.#buckets.get(viewerId) ?? { tokens: this.#ctx.settings.chatMessages, at: now };
    bucket.tokens = this.#level(bucket, now);
    bucket.at = now;
    this.#buckets.set(viewerId, bucket);
    return bucket;
  }

  #level(bucket: Bucket, now: number): number {
    const { chatMessages, chatPerMs } = this.#ctx.settings;
    return Math.min(chatMessages, bucket.tokens + (Math.max(0, now - bucket.at) * chatMessages) / chatPerMs);
  }
}

/** A 400 about one field of a command or request. */
export function fieldError(path: string, message: string): ProblemError {
  return new ProblemError('invalid-request', `${path}: ${message}`, { errors: [{ path, message }] });
}
