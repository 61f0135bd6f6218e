/**
 * Server clock estimation. Countdowns must be right even when the viewer's clock is off by an
 * hour, so the client keeps an offset between its clock and the server's, measured from
 * responses that carry the server time, with round-trip correction: the server read its clock
 * somewhere in the round trip, on average half-way. The sample with the lowest round trip has the
 * least uncertainty (± rtt/2), so it is the one kept.
 */

/** One measurement of the server clock. */
export interface ClockSample {
  /** Server time carried by the response (epoch ms). */
  readonly serverTime: number;
  /** Local time (epoch ms) when the request was sent. */
  readonly sentAt: number;
  /** Local time (epoch ms) when the response arrived. */
  readonly receivedAt: number;
}

/** Keeps the best estimate of the offset between the local clock and the server clock. */
export class ServerClock {
  #offset = 0;
  #rtt = Number.POSITIVE_INFINITY;
  readonly #now: () => number;

  /** @param now - the local clock (default `Date.now`). */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Milliseconds to add to the local clock to get server time. 0 before any sample. */
  get offset(): number {
    return this.#offset;
  }

  /** Round trip of the sample in use, in ms (Infinity before any sample). */
  get roundTrip(): number {
    return this.#rtt;
  }

  /** Adds a measurement; it replaces the current one when its round trip is shorter. */
  addSample(sample: ClockSample): void {
    const rtt = Math.max(0, sample.receivedAt - sample.sentAt);
    if (rtt > this.#rtt) return;
    this.#rtt = rtt;
    this.#offset = sample.serverTime + rtt / 2 - sample.receivedAt;
  }

  /** Current server time estimate, epoch ms. */
  now(): number {
    return this.#now() + this.#offset;
  }
}
