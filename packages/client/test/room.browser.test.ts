/// <reference types="mocha" />
/**
 * The client against the test kit in real Chromium: msw's service worker serves the protocol from
 * the real show engine, and the client reads the event stream over fetch as it would in production.
 */
import { expect } from '@esm-bundle/chai';
import { setupWorker } from 'msw/browser';
import { createClient, NightmarketError, type Room, type ShowState } from '@nightmarket/client';
import { createTestBackend, type ShowDirector, type TestBackend } from '@nightmarket/testing';

const BASE = 'https://shop.example/nightmarket/';
const worker = setupWorker();
let backend: TestBackend;
let show: ShowDirector;

before(async () => {
  await worker.start({ quiet: true, onUnhandledRequest: 'bypass' });
});
beforeEach(() => {
  // Viewer counting off: its events would race the whole-state comparisons below.
  backend = createTestBackend({ baseUrl: BASE, engine: { countViewers: false } });
  worker.use(...backend.handlers);
  show = backend.createShow();
});
afterEach(() => {
  worker.resetHandlers();
  backend.dispose();
});
after(() => worker.stop());

function until(room: Room, predicate: (s: ShowState) => boolean, ms = 5000): Promise<ShowState> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out; seq=${room.state?.seq} status=${room.status}`)), ms);
    const check = (s: ShowState | null): void => {
      if (s && predicate(s)) {
        clearTimeout(timer);
        off();
        resolve(s);
      }
    };
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

describe('client in Chromium, against the test kit', () => {
  it('joins, follows live events, and ends with the show', async () => {
    const room = createClient({ baseUrl: BASE }).join(show.id);
    const ready = await room.ready;
    expect(ready.show.title).to.equal('Spring launch — live deals');
    await until(room, () => room.status === 'open');
    await show.viewerSays('Mei', '<script>alert(1)</script> 能发货到澳门吗？');
    await show.pin('robot-vacuum', { streamTime: 1_800_000_000_000 });
    const state = await until(room, (s) => s.pinned !== null);
    expect(state.chat.at(-1)!.text).to.equal('<script>alert(1)</script> 能发货到澳门吗？');
    const closed = new Promise<void>((resolve) => room.on('status', (s) => s === 'closed' && resolve()));
    await show.end();
    await closed;
    expect(room.closeReason).to.equal('ended');
  });

  it('resumes after dropped connections with no event lost or applied twice', async () => {
    for (let i = 0; i < 3; i++) show.faults.dropStreamAfter(2);
    const room = createClient({ baseUrl: BASE }).join(show.id, { retryMs: 20 });
    const seqs: number[] = [];
    room.on('chat.message', (e) => seqs.push(e.seq));
    room.on('viewers.changed', (e) => seqs.push(e.seq));
    expect((await room.ready).seq).to.equal(0);
    for (let i = 0; i < 12; i++) await show.viewerSays(`V${i % 3}`, `message ${i}`);
    const final = show.engine.state.seq;
    const state = await until(room, (s) => s.seq === final, 8000);
    expect(seqs).to.deep.equal(Array.from({ length: final }, (_, i) => i + 1));
    expect(JSON.stringify(state)).to.equal(JSON.stringify(show.engine.state));
    expect(show.faults.streamRequests).to.equal(4);
    room.close();
  });

  it('skips a malformed frame and recovers the state from a snapshot', async () => {
    show.faults.injectFrame(0, '{"type":"chat.message","seq":1,"at":1,"data":{"text":"<img src=x onerror=alert(1)>"}}');
    const room = createClient({ baseUrl: BASE }).join(show.id, { retryMs: 20 });
    const errors: string[] = [];
    room.on('error', (e) => errors.push(`${e.kind}: ${e.error.type}`));
    await room.ready;
    await show.viewerSays('Jo', 'first');
    await show.viewerSays('Jo', 'second');
    const state = await until(room, (s) => s.chat.length === 2 && s.seq === show.engine.state.seq);
    expect(errors).to.include('payload: invalid-response');
    expect(state.chat.map((m) => m.text)).to.deep.equal(['first', 'second']);
    room.close();
  });

  it('reserves and checks out a flash-sale unit, and reports sold-out as a typed error', async () => {
    const saleId = await show.startSale({ productId: 'robot-vacuum', price: { amount: 199_900, currency: 'CNY' }, units: 1 });
    const buyer = createClient({ baseUrl: BASE, getToken: () => 'buyer-1' });
    const hold = await buyer.reserve(show.id, { saleId, quantity: 1 });
    const result = await buyer.checkout(show.id, { source: 'reservation', reservationId: hold.id });
    expect(result.kind).to.equal('order');
    const late = createClient({ baseUrl: BASE, getToken: () => 'buyer-2' });
    const error = await late.reserve(show.id, { saleId, quantity: 1 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(NightmarketError);
    expect((error as NightmarketError).type).to.be.oneOf(['sold-out', 'sale-ended']);
  });
});
