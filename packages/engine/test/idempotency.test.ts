import { describe, expect, it } from 'vitest';
import type { Reservation } from '@nightmarket/client';
import { MemoryStore, ProblemError, requestFingerprint, type ReserveResult } from '@nightmarket/engine';
import { cny, liveSale, makeEngine, T0 } from './fixtures.js';

/** A store whose reservations wait until the test opens the gate: an operation held in flight. */
class GatedStore extends MemoryStore {
  #gate: Promise<void> | undefined;
  #open: (() => void) | undefined;
  entered = 0;

  close(): void {
    this.#gate = new Promise((resolve) => (this.#open = resolve));
  }

  open(): void {
    this.#open?.();
    this.#gate = undefined;
  }

  override async reserve(
    showId: string,
    request: { readonly reservation: Reservation; readonly buyerId: string; readonly now: number },
  ): Promise<ReserveResult> {
    this.entered++;
    await this.#gate;
    return super.reserve(showId, request);
  }
}

const fp = (body: unknown): string => requestFingerprint('POST', 'shows/spring/reservations', body);

describe('idempotency', () => {
  it('replays the stored result for the same key and body, without doing it twice', async () => {
    const h = makeEngine();
    const saleId = await liveSale(h, { units: 10 });
    const body = { saleId, quantity: 2 };
    const first = await h.engine.idempotent('mei', 'k-1', fp(body), () => h.engine.reserve('mei', body));
    const again = await h.engine.idempotent('mei', 'k-1', fp({ quantity: 2, saleId }), () => h.engine.reserve('mei', body));
    expect(first).toMatchObject({ ok: true, replayed: false });
    expect(again).toMatchObject({ ok: true, replayed: true });
    expect(again.ok && again.value).toEqual(first.ok && first.value);
    expect(h.engine.state.sales[0]!.unitsLeft).toBe(8); // reserved once
  });

  it('replays an error result too, even when the request would now succeed', async () => {
    const h = makeEngine();
    await h.engine.command({
      type: 'sale.schedule',
      sale: { id: 's', productId: 'vacuum', variantId: 'white', price: cny(1), units: 5, limitPerBuyer: 5, startsAt: T0 + 1000, endsAt: T0 + 9000 },
    });
    const body = { saleId: 's', quantity: 1 };
    const first = await h.engine.idempotent('mei', 'k', fp(body), () => h.engine.reserve('mei', body));
    expect(first.ok || first.error.type).toBe('sale-not-started');
    h.clock.advance(1000);
    const again = await h.engine.idempotent('mei', 'k', fp(body), () => h.engine.reserve('mei', body));
    expect(again.replayed).toBe(true);
    expect(again.ok).toBe(false);
    expect(!again.ok && again.error.toProblem()).toEqual(!first.ok && first.error.toProblem());
    expect(h.engine.state.sales[0]!.unitsLeft).toBe(5);
  });

  it('answers idempotency-mismatch (422) for the same key with another request', async () => {
    const h = makeEngine();
    const saleId = await liveSale(h);
    await h.engine.idempotent('mei', 'k', fp({ saleId, quantity: 1 }), () => h.engine.reserve('mei', { saleId, quantity: 1 }));
    const other = await h.engine.idempotent('mei', 'k', fp({ saleId, quantity: 2 }), () =>
      h.engine.reserve('mei', { saleId, quantity: 2 }),
    );
    expect(other.ok).toBe(false);
    expect(!other.ok && other.error).toMatchObject({ type: 'idempotency-mismatch', status: 422 });
    expect(h.engine.state.sales[0]!.unitsLeft).toBe(9);
  });

  it('answers idempotency-conflict (409, retry after 1 s) while the first request is in flight', async () => {
    const store = new GatedStore();
    const h = makeEngine({ store });
    const saleId = await liveSale(h, { units: 10 });
    const body = { saleId, quantity: 1 };
    store.close();
    const first = h.engine.idempotent('mei', 'k', fp(body), () => h.engine.reserve('mei', body));
    while (store.entered === 0) await Promise.resolve(); // the first request is now inside the store
    const second = await h.engine.idempotent('mei', 'k', fp(body), () => h.engine.reserve('mei', body));
    expect(second.ok).toBe(false);
    expect(!second.ok && second.error).toMatchObject({ type: 'idempotency-conflict', status: 409, retryAfter: 1 });
    expect(store.entered).toBe(1); // the second never reached the store
    store.open();
    const done = await first;
    expect(done).toMatchObject({ ok: true, replayed: false });
    const third = await h.engine.idempotent('mei', 'k', fp(body), () => h.engine.reserve('mei', body));
    expect(third).toMatchObject({ ok: true, replayed: true });
    expect(third.ok && third.value).toEqual(done.ok && done.value);
    expect(h.engine.state.sales[0]!.unitsLeft).toBe(9);
  });

  it('scopes keys per viewer', async () => {
    const h = makeEngine();
    const saleId = await liveSale(h);
    const body = { saleId, quantity: 1 };
    const a = await h.engine.idempotent('mei', 'same', fp(body), () => h.engine.reserve('mei', body));
    const b = await h.engine.idempotent('jun', 'same', fp(body), () => h.engine.reserve('jun', body));
    expect([a.replayed, b.replayed]).toEqual([false, false]);
    expect(h.engine.state.sales[0]!.unitsLeft).toBe(8);
  });

  it('does not store server failures: a retry runs the operation again', async () => {
    const h = makeEngine();
    let calls = 0;
    const flaky = async (): Promise<string> => {
      if (++calls === 1) throw new Error('database went away');
      return 'ok';
    };
    await expect(h.engine.idempotent('mei', 'k', 'op', flaky)).rejects.toThrow('database went away');
    await expect(h.engine.idempotent('mei', 'k', 'op', flaky)).resolves.toEqual({ ok: true, value: 'ok', replayed: false });
    const internal = await h.engine.idempotent('mei', 'k2', 'op', async () => {
      throw new ProblemError('internal', 'boom');
    });
    expect(internal.ok).toBe(false);
    await expect(h.engine.idempotent('mei', 'k2', 'op', async () => 'second')).resolves.toMatchObject({ ok: true, value: 'second' });
    expect(calls).toBe(2);
  });

  it('rejects keys that are not 1–255 visible ASCII characters', async () => {
    const h = makeEngine();
    for (const key of ['', 'has space', 'x'.repeat(256), 'ümlaut']) {
      const result = await h.engine.idempotent('mei', key, 'op', async () => 'never');
      expect(!result.ok && result.error.errors).toEqual([{ path: 'Idempotency-Key', message: 'must be 1–255 visible ASCII characters' }]);
    }
  });

  it('fingerprints bodies as JSON with sorted keys', () => {
    expect(requestFingerprint('post', 'a', { b: 1, a: [1, { d: 2, c: 3 }] })).toBe(requestFingerprint('POST', 'a', { a: [1, { c: 3, d: 2 }], b: 1 }));
    expect(requestFingerprint('POST', 'a', { a: 1 })).not.toBe(requestFingerprint('POST', 'b', { a: 1 }));
    expect(requestFingerprint('POST', 'a', undefined)).not.toBe(requestFingerprint('POST', 'a', null));
  });
});
