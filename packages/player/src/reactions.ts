import type { TemplateResult } from 'lit';
import { css, html, LitElement, svg, type PropertyValues } from 'lit';
import type { Room } from '@nightmarket/client';
import { liveLocalizer } from './i18n/live-localize.js';
import type { LiveMessages } from './i18n/live-messages.js';
import { Localizer } from './i18n/localize.js';
import { NmReactEvent } from './live-events.js';
import { RoomLink } from './room-link.js';
import { sharedStyles } from './shared-styles.js';

/** Taps sent together: the first tap waits this long (ms) for more. */
const TAP_WINDOW_MS = 400;
/** Most taps in one request (the protocol's limit). */
const MAX_TAPS = 50;
/** Most particles one incoming `reaction` event launches, whatever its counts. */
const PER_EVENT = 6;

const heart = svg`<path d="M12 21s-7.5-4.6-9.6-9.3C1 8.4 3 5 6.4 5c2 0 3.6 1.1 4.6 2.6h2C14 6.1 15.6 5 17.6 5 21 5 23 8.4 21.6 11.7 19.5 16.4 12 21 12 21z" fill="currentColor"/>`;

/**
 * `<nm-reactions>`: a heart button to react, and the crowd's reactions drawn as hearts that float
 * up and fade.
 *
 * @tagname nm-reactions
 * @summary A reaction button, and the crowd's reactions as floating hearts (a count under reduced motion).
 *
 * Taps in quick succession are sent together: `nm-react` fires with `count` (1–50), which the
 * player (or the page) answers. Incoming reactions come aggregated from the server (`reaction`
 * events of the `room`); each launches a few particles, at most `max-particles` on screen, animated
 * with `transform` and `opacity` only (the compositor's work: no layout, no paint of the page).
 * With `prefers-reduced-motion: reduce` nothing flies: the running count beside the button is the
 * only sign.
 *
 * @fires nm-react - the viewer tapped; cancelable, answer with `respondWith()`.
 *
 * @csspart button - the reaction button
 * @csspart count - the count of reactions received
 * @csspart particles - the layer the hearts fly in
 * @csspart particle - one heart
 *
 * @cssproperty [--nm-color-accent=#e11d48] - hearts
 * @cssproperty [--nm-color-overlay=rgb(0 0 0 / 0.55)] - the button's background
 * @cssproperty [--nm-reactions-height=220px] - how far the hearts fly
 */
export class NmReactions extends LitElement {
  /** Styles: the shared design tokens, then the element's own. */
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: inline-block;
        position: relative;
        --_fly: var(--nm-reactions-height, 220px);
      }
      .button {
        display: inline-flex;
        align-items: center;
        gap: 4px;
        min-block-size: 40px;
        min-inline-size: 40px;
        padding: 0 10px;
        border-radius: 999px;
        background: var(--_overlay);
        color: #fff;
        font-size: 0.85em;
        font-weight: 600;
      }
      .button svg {
        color: var(--_accent);
      }
      .count {
        font-variant-numeric: tabular-nums;
      }
      .particles {
        position: absolute;
        inset-block-end: 100%;
        inset-inline-end: 0;
        inline-size: 64px;
        block-size: var(--_fly);
        pointer-events: none;
        overflow: visible;
        contain: strict;
      }
      .particle {
        position: absolute;
        inset-block-end: 0;
        inset-inline-start: 20px;
        color: var(--_accent);
        opacity: 0;
        will-change: transform, opacity;
      }
      .particle.alt {
        color: #f59e0b;
      }
    `,
  ];

  /** Reactive properties (lit), with their attributes. */
  static override properties = {
    room: { attribute: false },
    localizer: { attribute: false },
    labels: { attribute: false },
    kind: {},
    maxParticles: { type: Number, attribute: 'max-particles' },
    _total: { state: true },
  };

  /** The room whose `reaction` events to draw. */
  declare room: Room | undefined;
  /** Locale and formats (the player passes its own). */
  declare localizer: Localizer;
  /** Messages that replace the built-in ones. */
  declare labels: Partial<LiveMessages> | undefined;
  /** Kind of reaction the button sends (default `heart`). */
  declare kind: string;
  /** Most particles on screen at once. */
  declare maxParticles: number;

  declare private _total: number;

  readonly #link = new RoomLink(this, (room) => [room.on('reaction', (event) => this.receive(event.data.counts))]);
  #taps = 0;
  #flush: ReturnType<typeof setTimeout> | undefined;
  #flying = 0;
  #motion: MediaQueryList | undefined;
  #height: number | undefined;

  constructor() {
    super();
    this.room = undefined;
    this.localizer = new Localizer(typeof document === 'undefined' ? 'en' : document.documentElement.lang || 'en');
    this.labels = undefined;
    this.kind = 'heart';
    this.maxParticles = 24;
    this._total = 0;
  }

  /** Reactions received so far (from the room's `reaction` events). */
  get total(): number {
    return this._total;
  }

  /** Particles on screen now. */
  get particles(): number {
    return this.#flying;
  }

  /** Draws reactions that arrived (what the element does with each `reaction` event of its room). */
  receive(counts: Readonly<Record<string, number>>): void {
    let sum = 0;
    for (const n of Object.values(counts)) sum += n;
    this._total += sum;
    this.#launch(Math.min(sum, PER_EVENT), Object.keys(counts).some((k) => k !== 'heart'));
  }

  /** Sends a pending batch of taps now and stops launching hearts. */
  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#send();
  }

  /** Follows a new room. */
  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('room')) this.#link.set(this.room);
  }

  /** Renders the element from its properties and state. */
  protected override render(): TemplateResult {
    const l = liveLocalizer(this.localizer, this.labels);
    return html`<div class="particles" part="particles" aria-hidden="true"></div>
      <button class="button" part="button" aria-label=${l.t('react')} @click=${this.#tap}>
        <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20">${heart}</svg>
        <span class="count" part="count" aria-hidden="true">${this._total > 0 ? l.compact(this._total) : ''}</span>
      </button>`;
  }

  // --- Handlers -----------------------------------------------------------------------------------

  #tap = (): void => {
    this.#launch(1, false);
    this.#taps++;
    if (this.#taps >= MAX_TAPS) this.#send();
    else this.#flush ??= setTimeout(() => this.#send(), TAP_WINDOW_MS);
  };

  #send(): void {
    clearTimeout(this.#flush);
    this.#flush = undefined;
    const count = this.#taps;
    this.#taps = 0;
    if (count === 0) return;
    // Reactions are fire-and-forget: a lost heart is not worth an error message.
    this.dispatchEvent(new NmReactEvent({ kind: this.kind, count }));
  }

  #launch(n: number, mixed: boolean): void {
    this.#motion ??= matchMedia('(prefers-reduced-motion: reduce)');
    if (this.#motion.matches) return;
    const layer = this.renderRoot?.querySelector('.particles');
    if (!layer) return;
    // Measured once: reading layout on every launch would force a layout per reaction event.
    this.#height ??= (layer as HTMLElement).clientHeight || 220;
    const height = this.#height;
    const room = Math.max(0, this.maxParticles - this.#flying);
    for (let i = 0; i < Math.min(n, room); i++) {
      const particle = document.createElement('span');
      particle.className = mixed && i % 2 === 1 ? 'particle alt' : 'particle';
      particle.setAttribute('part', 'particle');
      particle.append(heartSvg());
      layer.append(particle);
      this.#flying++;
      const drift = (Math.random() - 0.5) * 60;
      const animation = particle.animate(
        [
          { transform: 'translate(0, 0) scale(0.5)', opacity: 0 },
          { transform: `translate(${drift / 3}px, -${height * 0.15}px) scale(1)`, opacity: 1, offset: 0.15 },
          { transform: `translate(${drift}px, -${height}px) scale(0.9)`, opacity: 0 },
        ],
        { duration: 1500 + Math.random() * 700, delay: i * 90, easing: 'ease-out', fill: 'backwards' },
      );
      const done = (): void => {
        particle.remove();
        this.#flying--;
      };
      animation.onfinish = done;
      animation.oncancel = done;
    }
  }
}

/** A heart as a DOM node (created, not parsed: nothing here is HTML from a string). */
function heartSvg(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const root = document.createElementNS(ns, 'svg');
  root.setAttribute('viewBox', '0 0 24 24');
  root.setAttribute('width', '24');
  root.setAttribute('height', '24');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M12 21s-7.5-4.6-9.6-9.3C1 8.4 3 5 6.4 5c2 0 3.6 1.1 4.6 2.6h2C14 6.1 15.6 5 17.6 5 21 5 23 8.4 21.6 11.7 19.5 16.4 12 21 12 21z');
  path.setAttribute('fill', 'currentColor');
  root.append(path);
  return root;
}

declare global {
  interface HTMLElementTagNameMap {
    'nm-reactions': NmReactions;
  }
}
