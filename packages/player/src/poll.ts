import type { TemplateResult } from 'lit';
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import type { Poll, Room, ShowState } from '@nightmarket/client';
import { liveLocalizer } from './i18n/live-localize.js';
import type { LiveMessages } from './i18n/live-messages.js';
import { Localizer } from './i18n/localize.js';
import { NmVoteEvent } from './live-events.js';
import { RoomLink } from './room-link.js';
import { sharedStyles } from './shared-styles.js';
import { cleanText } from './text.js';

/**
 * `<nm-poll>`: the host's live poll: the question, 2–6 options to vote on once, live tallies as
 * bars with percentages, and the final result once it closes.
 *
 * @tagname nm-poll
 * @summary The host's live poll: vote once, live tallies as bars with percentages, the final result when it closes.
 *
 * Give it a `room` (it follows the room's state) or set `state`; it shows the open poll, else, for
 * `result-ms` (default 15 s) after it closed, the last poll's final result; else nothing. Or set
 * `poll` to show one poll yourself.
 *
 * Voting fires `nm-vote`, which the player (or the page) answers with `respondWith(promise)`. The
 * element remembers the viewer's vote (also when the backend answers `already-voted`) and does
 * not offer a second one.
 *
 * @fires nm-vote - the viewer chose an option; cancelable, answer with `respondWith()`.
 *
 * @csspart base - the poll
 * @csspart question - the question
 * @csspart options - the list of options
 * @csspart option - one option (a button while the viewer can vote)
 * @csspart bar - an option's tally bar
 * @csspart share - an option's percentage
 * @csspart summary - votes so far, "thanks for voting" or "final result"
 *
 * @cssproperty [--nm-color-accent=#e11d48] - the viewer's choice and the leading bar
 * @cssproperty [--nm-color-surface=#ffffff] - background
 * @cssproperty [--nm-color-text=#18181b] - text
 * @cssproperty [--nm-radius=12px] - corner radius
 * @cssproperty [--nm-space=8px] - spacing unit
 */
export class NmPoll extends LitElement {
  /** Styles: the shared design tokens, then the element's own. */
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      :host([hidden]) {
        display: none;
      }
      .base {
        background: var(--_surface);
        color: var(--_text);
        border-radius: var(--_radius);
        padding: var(--_space);
        display: flex;
        flex-direction: column;
        gap: calc(var(--_space) / 2);
      }
      h2 {
        margin: 0;
        font-size: 0.95em;
        overflow-wrap: anywhere;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
      .option {
        position: relative;
        display: flex;
        justify-content: space-between;
        align-items: center;
        gap: var(--_space);
        inline-size: 100%;
        min-block-size: 32px;
        padding: 4px 10px;
        border-radius: 8px;
        text-align: start;
        background: color-mix(in srgb, var(--_muted) 12%, transparent);
        color: inherit;
        overflow: hidden;
        isolation: isolate;
      }
      button.option:hover {
        background: color-mix(in srgb, var(--_muted) 22%, transparent);
      }
      .bar {
        position: absolute;
        inset: 0;
        z-index: -1;
        background: color-mix(in srgb, var(--_muted) 25%, transparent);
        transform-origin: left center;
        transform: scaleX(var(--_share, 0));
        transition: transform 0.4s ease-out;
      }
      :host(:dir(rtl)) .bar {
        transform-origin: right center;
      }
      .chosen .bar,
      .leading .bar {
        background: color-mix(in srgb, var(--_accent) 35%, transparent);
      }
      .chosen {
        font-weight: 700;
        box-shadow: inset 0 0 0 2px var(--_accent);
      }
      .label {
        overflow-wrap: anywhere;
      }
      .share {
        font-variant-numeric: tabular-nums;
        font-weight: 600;
      }
      .summary {
        margin: 0;
        font-size: 0.8em;
        color: var(--_muted);
      }
    `,
  ];

  /** Reactive properties (lit), with their attributes. */
  static override properties = {
    room: { attribute: false },
    state: { attribute: false },
    poll: { attribute: false },
    localizer: { attribute: false },
    labels: { attribute: false },
    resultMs: { type: Number, attribute: 'result-ms' },
    _choice: { state: true },
    _error: { state: true },
    _pending: { state: true },
  };

  /** The room to follow; the element then keeps `state` up to date itself. */
  declare room: Room | undefined;
  /** The show's state; the element shows its open poll (or a result that just closed). */
  declare state: ShowState | null;
  /** A poll to show instead of picking one from `state`. */
  declare poll: Poll | undefined;
  /** Locale and formats (the player passes its own). */
  declare localizer: Localizer;
  /** Messages that replace the built-in ones. */
  declare labels: Partial<LiveMessages> | undefined;
  /** How long (ms) a poll's final result stays after it closed. */
  declare resultMs: number;

  declare private _choice: ReadonlyMap<string, string>;
  declare private _error: string;
  declare private _pending: boolean;

  readonly #link = new RoomLink(this, (room) => {
    if (room.state) this.state = room.state;
    return [room.subscribe((state) => (this.state = state), { coalesce: 'frame' })];
  });
  /** When each poll was first seen closed (local clock), for how long its result stays. */
  readonly #closedAt = new Map<string, number>();
  #expiry: ReturnType<typeof setTimeout> | undefined;
  #percentFormat: { locale: string; format: Intl.NumberFormat } | undefined;

  constructor() {
    super();
    this.room = undefined;
    this.state = null;
    this.poll = undefined;
    this.localizer = new Localizer(typeof document === 'undefined' ? 'en' : document.documentElement.lang || 'en');
    this.labels = undefined;
    this.resultMs = 15_000;
    this._choice = new Map();
    this._error = '';
    this._pending = false;
  }

  /** The poll on screen, if any. */
  get current(): Poll | null {
    if (this.poll) return this.poll;
    const polls = this.state?.polls ?? [];
    for (let i = polls.length - 1; i >= 0; i--) if (polls[i]!.status === 'open') return polls[i]!;
    const last = polls.at(-1);
    const closedAt = last && this.#closedAt.get(last.id);
    return last && closedAt !== undefined && Date.now() - closedAt < this.resultMs ? last : null;
  }

  /** The option the viewer voted for in `pollId`, if any. */
  votedFor(pollId: string): string | undefined {
    return this._choice.get(pollId);
  }

  /** Stops the result timer when the element leaves the page. */
  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#expiry);
  }

  /** Follows a new room; notes polls that closed while on screen. */
  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('room')) this.#link.set(this.room);
    if (changed.has('state')) {
      const before = (changed.get('state') as ShowState | null | undefined)?.polls;
      for (const poll of this.state?.polls ?? []) {
        // Only a poll seen open here shows its result: one closed long ago is not news.
        if (poll.status === 'closed' && !this.#closedAt.has(poll.id) && before?.some((p) => p.id === poll.id && p.status === 'open')) {
          this.#closedAt.set(poll.id, Date.now());
          clearTimeout(this.#expiry);
          this.#expiry = setTimeout(() => this.requestUpdate(), this.resultMs + 50);
        }
      }
    }
  }

  /** Hides the element when there is no poll to show; sizes the bars (CSSOM: no style attributes under a strict CSP). */
  protected override updated(): void {
    this.hidden = this.current === null;
    for (const bar of this.renderRoot.querySelectorAll<HTMLElement>('.bar')) bar.style.setProperty('--_share', bar.dataset['share'] ?? '0');
  }

  /** Renders the element from its properties and state. */
  protected override render(): TemplateResult | typeof nothing {
    const poll = this.current;
    if (!poll) return nothing;
    const l = liveLocalizer(this.localizer, this.labels);
    const chosen = this._choice.get(poll.id);
    const closed = poll.status === 'closed';
    const canVote = !closed && chosen === undefined && !this._pending;
    const top = Math.max(...poll.options.map((o) => o.votes));
    const summary = this._error || (closed ? `${l.t('pollFinal')} · ${l.plural('pollVotes', poll.totalVotes)}` : chosen ? `${l.t('pollVoted')} · ${l.plural('pollVotes', poll.totalVotes)}` : l.plural('pollVotes', poll.totalVotes));
    return html`<section class="base" part="base" aria-labelledby="q">
      <h2 id="q" part="question"><span class="visually-hidden">${l.t('poll')}: </span>${cleanText(poll.question)}</h2>
      <ul part="options">
        ${poll.options.map((option) => {
          const share = poll.totalVotes > 0 ? option.votes / poll.totalVotes : 0;
          const percent = this.#percent().format(share);
          const classes = `option ${option.id === chosen ? 'chosen' : ''} ${closed && option.votes === top && top > 0 ? 'leading' : ''}`;
          const inner = html`<span class="bar" part="bar" data-share=${share}></span>
            <span class="label">${cleanText(option.label)}</span><span class="share" part="share">${percent}</span>`;
          return html`<li>
            ${canVote
              ? html`<button class=${classes} part="option" @click=${() => this.#vote(poll, option.id)}>${inner}</button>`
              : html`<div class=${classes} part="option" aria-current=${option.id === chosen ? 'true' : nothing}>${inner}</div>`}
          </li>`;
        })}
      </ul>
      <p class="summary" part="summary" role="status">${summary}</p>
    </section>`;
  }

  #percent(): Intl.NumberFormat {
    if (!this.#percentFormat || this.#percentFormat.locale !== this.localizer.locale) {
      this.#percentFormat = { locale: this.localizer.locale, format: new Intl.NumberFormat(this.localizer.locale, { style: 'percent' }) };
    }
    return this.#percentFormat.format;
  }

  async #vote(poll: Poll, optionId: string): Promise<void> {
    const l = liveLocalizer(this.localizer, this.labels);
    const request = new NmVoteEvent({ poll, optionId });
    this.dispatchEvent(request);
    const response = request.response;
    if (!response && !request.defaultPrevented) return;
    // Counted as voted at once: one tap is one vote, however long the answer takes.
    this._choice = new Map(this._choice).set(poll.id, optionId);
    this._error = '';
    if (!response) return;
    this._pending = true;
    try {
      await response;
    } catch (error) {
      const type = (error as { type?: string } | null)?.type;
      if (type !== 'already-voted' && type !== 'poll-closed') {
        const choice = new Map(this._choice);
        choice.delete(poll.id);
        this._choice = choice;
        this._error = l.t('pollFailed');
      }
    } finally {
      this._pending = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'nm-poll': NmPoll;
  }
}
