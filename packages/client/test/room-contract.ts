/**
 * The room's behaviour as tests that run against any backend: the msw test kit in
 * room.test.ts, and the scaled-out stack (nginx + nchan + Redis, several server instances) in
 * packages/server/test/stack/. A {@link RoomTarget} says how to create a show, act as its host
 * and viewers, read the backend's own state, and cut event streams.
 */
import { describe, expect, it } from 'vitest';
import type { NightmarketClient, Room, ShowState } from '@nightmarket/client';

/** A show on the backend under test, driven like a director drives it. */
export interface TargetShow {
  readonly id: string;
  /** A viewer posts a chat message. */
  viewerSays(name: string, text: string): Promise<unknown>;
  /** The host pins a product. */
  pin(productId: string, options?: { streamTime?: number | null }): Promise<unknown>;
  /** The host sets the viewer count. */
  setViewers(count: number): Promise<unknown>;
  /** The host ends the show. */
  end(): Promise<unknown>;
  /** The backend's state of the show, as a client would hold it at the same seq. */
  state(): Promise<ShowState>;
  /** Cuts each of the next `times` event-stream connections after `events` messages. */
  dropStreamAfter(events: number, times: number): void;
  /** Event-stream connections opened so far. */
  streamRequests(): number;
}

/** A backend for the room contract. */
export interface RoomTarget {
  /** Name in test titles. */
  readonly name: string;
  /** Creates a fresh show (the sample show and products, viewer counting off). */
  createShow(): Promise<TargetShow>;
  /** A client of the backend (its fetch wired to the show's fault injection). */
  client(show: TargetShow): NightmarketClient;
  /** How long state may take to arrive, ms. */
  readonly patienceMs?: number;
}

/** Resolves when `predicate` holds for the room's state, or fails after `ms`. */
export function until(room: Room, predicate: (state: ShowState) => boolean, ms = 5000): Promise<ShowState> {
  return new Promise((resolve, reject) => {
    const check = (state: ShowState | null): boolean => {
      if (state && predicate(state)) {
        clearTimeout(timer);
        off();
        resolve(state);
        return true;
      }
      return false;
    };
    const timer = setTimeout(() => {
      off();
      reject(new Error(`condition not met within ${ms} ms; seq=${room.state?.seq} status=${room.status}`));
    }, ms);
    // Conditions may be on the connection status too, which changes without a state change.
    const offState = room.subscribe(check);
    const offStatus = room.on('status', () => check(room.state));
    const off = (): void => {
      offState();
      offStatus();
    };
    check(room.state);
  });
}

/** Records every seq delivered through `on()`, to prove none is lost or delivered twice. */
export function recordSeqs(room: Room): number[] {
  const seqs: number[] = [];
  room.on('chat.message', (e) => seqs.push(e.seq));
  room.on('viewers.changed', (e) => seqs.push(e.seq));
  return seqs;
}

/** The room contract against `target`. */
export function describeRoomContract(target: RoomTarget): void {
  const patience = target.patienceMs ?? 5000;
  describe(`Room against ${target.name}`, () => {
    it('loads the snapshot, then applies live events in order', async () => {
      const show = await target.createShow();
      const room = target.client(show).join(show.id);
      const ready = await room.ready;
      expect(ready.show.id).toBe(show.id);
      expect(ready.products.map((p) => p.id)).toContain('robot-vacuum');
      await until(room, () => room.status === 'open', patience);
      const said: string[] = [];
      room.on('chat.message', (e) => said.push(e.data.text));
      await show.viewerSays('Mei', 'Does it climb carpets?');
      await show.pin('robot-vacuum', { streamTime: 1_800_000_000_000 });
      const state = await until(room, (s) => s.pinned !== null, patience);
      expect(said).toEqual(['Does it climb carpets?']);
      expect(state.chat.at(-1)?.author.name).toBe('Mei');
      expect(state.pinned).toMatchObject({ productId: 'robot-vacuum', streamTime: 1_800_000_000_000 });
      expect(state).toEqual(await show.state());
      room.close();
    });

    it('resumes after dropped connections with no event lost or applied twice', async () => {
      const show = await target.createShow();
      // Each of the next five connections is cut after three events.
      show.dropStreamAfter(3, 5);
      const room = target.client(show).join(show.id, { retryMs: 20 });
      const seqs = recordSeqs(room);
      const first = (await room.ready).seq;
      for (let round = 0; round < 5; round++) {
        for (let i = 0; i < 8; i++) await show.viewerSays(`V${i}`, `round ${round} message ${i}`);
        await show.setViewers(round * 10 + 1);
      }
      const expected = await show.state();
      const state = await until(room, (s) => s.seq === expected.seq, patience);
      expect(state).toEqual(expected);
      // Every event once, in order: 0 lost, 0 duplicated.
      expect(seqs).toEqual(Array.from({ length: expected.seq - first }, (_, i) => first + i + 1));
      expect(show.streamRequests()).toBe(6);
      room.close();
    });

    it('stops when the show ends and reports why', async () => {
      const show = await target.createShow();
      const room = target.client(show).join(show.id, { retryMs: 20 });
      await room.ready;
      await until(room, () => room.status === 'open', patience);
      const closed = new Promise<void>((resolve) => room.on('status', (s) => s === 'closed' && resolve()));
      await show.end();
      await closed;
      expect(room.closeReason).toBe('ended');
      expect(room.state!.show.status).toBe('ended');
    });
  });
}
