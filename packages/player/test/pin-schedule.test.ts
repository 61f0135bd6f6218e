import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Pin } from '@nightmarket/client';
import { PinSchedule } from '../src/pin-schedule.js';

const pin = (productId: string, streamTime: number | null): Pin => ({ productId, at: 1, streamTime });

describe('PinSchedule', () => {
  it('holds a pin until the playhead reaches its stream time', () => {
    const schedule = new PinSchedule();
    schedule.push(pin('vacuum', 10_000));
    expect(schedule.advance(9_999)).toBe(false);
    expect(schedule.shown).toBeNull();
    expect(schedule.nextAt).toBe(10_000);
    expect(schedule.advance(10_000)).toBe(true);
    expect(schedule.shown?.productId).toBe('vacuum');
    expect(schedule.pending).toBe(false);
  });

  it('applies changes in order, an unpin at its own stream time, and untimed changes at once', () => {
    const schedule = new PinSchedule();
    schedule.push(pin('vacuum', 10_000));
    schedule.push(null, 12_000);
    schedule.push(pin('tea', 15_000));
    schedule.advance(12_500);
    expect(schedule.shown).toBeNull();
    expect(schedule.nextAt).toBe(15_000);
    schedule.push(pin('rocket', null));
    // An untimed change waits behind the timed one queued before it: order is the host's order.
    schedule.advance(12_600);
    expect(schedule.shown).toBeNull();
    schedule.advance(15_000);
    expect(schedule.shown?.productId).toBe('rocket');
  });

  it('applies everything at once when the playhead has no stream time (null), and nothing timed while held (-Infinity)', () => {
    const schedule = new PinSchedule();
    schedule.push(pin('vacuum', 10_000));
    expect(schedule.advance(Number.NEGATIVE_INFINITY)).toBe(false);
    expect(schedule.advance(null)).toBe(true);
    expect(schedule.shown?.productId).toBe('vacuum');
  });

  it('reset replaces the queue with the current pin (after a snapshot reload)', () => {
    const schedule = new PinSchedule();
    schedule.push(pin('vacuum', 10_000));
    schedule.push(pin('tea', 20_000));
    schedule.reset(pin('rocket', 5_000));
    schedule.advance(6_000);
    expect(schedule.shown?.productId).toBe('rocket');
    expect(schedule.pending).toBe(false);
  });

  it('never shows a pin before its stream time, and ends on the last change once the playhead passes all (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.constantFrom('a', 'b', 'c', null), at: fc.integer({ min: 0, max: 1000 }) }), { maxLength: 20 }),
        fc.array(fc.integer({ min: 0, max: 1200 }), { maxLength: 30 }),
        (changes, playheads) => {
          const schedule = new PinSchedule();
          // Stream times of a host's changes only move forward.
          const sorted = [...changes].sort((x, y) => x.at - y.at);
          for (const c of sorted) schedule.push(c.id === null ? null : pin(c.id, c.at), c.at);
          let shownAt = -1;
          for (const playhead of [...playheads].sort((x, y) => x - y)) {
            schedule.advance(playhead);
            const shown = schedule.shown;
            if (shown) expect(shown.streamTime!).toBeLessThanOrEqual(playhead);
            shownAt = playhead;
          }
          schedule.advance(Math.max(shownAt, 1000));
          const last = sorted.at(-1);
          expect(schedule.shown?.productId ?? null).toBe(last ? last.id : null);
        },
      ),
    );
  });
});
