/**
 * Shows the pinned product at the moment it belongs to in the *video the viewer sees*.
 *
 * A pin carries the program date-time of the frame on which the host showed the product. A
 * viewer's playhead is some seconds behind the host; the schedule holds each pin change until the
 * playhead's program date-time reaches it. Changes without stream time, or a playhead without
 * program date-time, apply at once (arrival time). Pure: no timers, no DOM — the player asks
 * {@link PinSchedule.advance} on each video frame while something is pending.
 */
import type { Pin } from '@nightmarket/client';

interface Change {
  readonly pin: Pin | null;
  readonly streamTime: number | null;
}

/** The pin to show now, given where the playhead is. */
export class PinSchedule {
  #shown: Pin | null = null;
  #pending: Change[] = [];

  /** The pin on screen (null: none). */
  get shown(): Pin | null {
    return this.#shown;
  }

  /** Program date-time of the next change waiting for the playhead, or null when nothing waits. */
  get nextAt(): number | null {
    return this.#pending[0]?.streamTime ?? null;
  }

  /** Whether a change waits for the playhead. */
  get pending(): boolean {
    return this.#pending.length > 0;
  }

  /**
   * Queues a change: a new pin (`pin`, at `pin.streamTime`) or the pin taken down (`null`, at
   * `streamTime`). Changes apply in the order queued.
   */
  push(pin: Pin | null, streamTime: number | null = pin?.streamTime ?? null): void {
    this.#pending.push({ pin, streamTime });
  }

  /** Forgets everything queued and shows `pin` as of the playhead (after a snapshot reload). */
  reset(pin: Pin | null): void {
    this.#pending = [];
    this.#shown = null;
    this.push(pin);
  }

  /**
   * Applies every queued change the playhead has reached and returns whether what is shown
   * changed. `playhead` is the program date-time on screen, or null when unknown (then every
   * change applies at once).
   */
  advance(playhead: number | null): boolean {
    const before = this.#shown;
    while (this.#pending.length > 0) {
      const next = this.#pending[0]!;
      if (playhead !== null && next.streamTime !== null && next.streamTime > playhead) break;
      this.#shown = next.pin;
      this.#pending.shift();
    }
    return before !== this.#shown;
  }
}
