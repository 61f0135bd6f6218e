/**
 * A reactive controller that ties an element to a {@link Room} while the element is connected:
 * it calls `wire(room)` (which subscribes and returns the functions that unsubscribe) when both
 * are there, and unwires on disconnect or when the room changes. Register/unregister in pairs.
 */
import type { Room } from '@nightmarket/client';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Ties an element to a room while it is connected. */
export class RoomLink implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #wire: (room: Room) => (() => void)[];
  #room: Room | undefined;
  #offs: (() => void)[] = [];
  #connected = false;

  /**
   * @param host - the element
   * @param wire - subscribes to the room; returns the unsubscribe functions
   */
  constructor(host: ReactiveControllerHost, wire: (room: Room) => (() => void)[]) {
    this.#host = host;
    this.#wire = wire;
    host.addController(this);
  }

  /** Follows `room` from now on (or nothing, when undefined). */
  set(room: Room | undefined | null): void {
    if (room === this.#room) return;
    this.#unwire();
    this.#room = room ?? undefined;
    if (this.#connected && this.#room) this.#offs = this.#wire(this.#room);
  }

  /** Wires the room when the element enters the page. */
  hostConnected(): void {
    this.#connected = true;
    if (this.#room && this.#offs.length === 0) this.#offs = this.#wire(this.#room);
  }

  /** Unwires when the element leaves the page: a removed element holds no subscription. */
  hostDisconnected(): void {
    this.#connected = false;
    this.#unwire();
  }

  /** Unwires for good. */
  destroy(): void {
    this.#unwire();
    this.#room = undefined;
    this.#host.removeController(this);
  }

  #unwire(): void {
    for (const off of this.#offs.splice(0)) off();
  }
}
