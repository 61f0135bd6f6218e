import { describe, expect, it } from 'vitest';
import { backoffDelay, ServerClock } from '@nightmarket/client';

describe('ServerClock', () => {
  it.each([-3_600_000, -1_234, 0, 59_000, 3_600_000])('estimates server time when the local clock is off by %i ms', (skew) => {
    // True time advances 1000 ms per step; the local clock is true time + skew.
    let trueTime = 1_800_000_000_000;
    const local = (): number => trueTime + skew;
    const clock = new ServerClock(local);
    // Three exchanges with different round trips; the server reads its clock at the midpoint,
    // plus an asymmetry of up to ±40 ms which the lowest-RTT sample bounds.
    for (const [rtt, asymmetry] of [[900, 300], [120, -40], [400, 100]] as const) {
      const sentAt = local();
      const serverTime = trueTime + rtt / 2 + asymmetry;
      trueTime += rtt;
      clock.addSample({ serverTime, sentAt, receivedAt: local() });
      trueTime += 1000;
    }
    expect(clock.roundTrip).toBe(120);
    expect(Math.abs(clock.now() - trueTime)).toBeLessThanOrEqual(60); // rtt/2 bound
    expect(Math.abs(clock.offset + skew)).toBeLessThanOrEqual(60);
  });

  it('keeps the sample with the lowest round trip', () => {
    let t = 0;
    const clock = new ServerClock(() => t);
    clock.addSample({ serverTime: 5000, sentAt: 0, receivedAt: 100 });
    expect(clock.offset).toBe(4950);
    clock.addSample({ serverTime: 9000, sentAt: 0, receivedAt: 2000 }); // worse: ignored
    expect(clock.offset).toBe(4950);
    clock.addSample({ serverTime: 7000, sentAt: 1000, receivedAt: 1010 });
    expect(clock.offset).toBe(7000 + 10 / 2 - 1010);
    t = 2000;
    expect(clock.now()).toBe(2000 + clock.offset);
  });
});

describe('backoffDelay', () => {
  const opts = { baseMs: 1000, maxMs: 30_000 };
  it('grows exponentially from the base, with jitter in [d/2, d]', () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const nominal = 1000 * 2 ** attempt;
      expect(backoffDelay(attempt, { ...opts, random: () => 0 })).toBe(nominal / 2);
      expect(backoffDelay(attempt, { ...opts, random: () => 0.999999 })).toBe(Math.round(nominal - nominal / 2 * 0.000001));
    }
  });
  it('never exceeds the cap, however many attempts', () => {
    for (const attempt of [5, 10, 50, 1000]) {
      const high = backoffDelay(attempt, { ...opts, random: () => 0.999999 });
      const low = backoffDelay(attempt, { ...opts, random: () => 0 });
      expect(high).toBeLessThanOrEqual(30_000);
      expect(low).toBe(15_000);
    }
  });
  it('honours a server retry hint as the base', () => {
    expect(backoffDelay(0, { baseMs: 250, maxMs: 30_000, random: () => 0 })).toBe(125);
  });
});
