import { describe, expect, it } from 'vitest';
import { parseEvent, PROTOCOL_HEADER, type ShowEvent } from '@nightmarket/client';
import { createTestBackend } from '@nightmarket/testing';

const BASE = 'https://kit.example/api/';

describe('TestBackend', () => {
  it('serves the protocol through handle() without msw', async () => {
    const backend = createTestBackend({ baseUrl: BASE });
    backend.createShow({ show: { id: 'macau-night', currency: 'MOP', locale: 'pt-MO' }, products: [] });
    const res = await backend.handle(new Request(`${BASE}shows/macau-night`));
    expect(res.status).toBe(200);
    expect(res.headers.get(PROTOCOL_HEADER)).toBe('1');
    const snapshot = (await res.json()) as { show: { currency: string; locale: string } };
    expect(snapshot.show).toMatchObject({ currency: 'MOP', locale: 'pt-MO' });
    expect((await backend.handle(new Request(`${BASE}shows/nope`))).status).toBe(404);
    backend.dispose();
  });

  it('refuses a second show with the same id, naming the fix', () => {
    const backend = createTestBackend();
    backend.createShow();
    expect(() => backend.createShow()).toThrow(/already exists; pass show: \{ id: "…" \}/);
    expect(() => backend.show('missing')).toThrow(/no show "missing"/);
    backend.dispose();
  });
});

describe('ShowDirector', () => {
  it('scripts a show through the real engine: pins, sales, polls, chat, purchases', async () => {
    const backend = createTestBackend({ baseUrl: BASE });
    const show = backend.createShow();
    const events: ShowEvent[] = [];
    show.engine.subscribe((e) => events.push(e));
    await show.pin('robot-vacuum', { streamTime: 1_800_000_000_000 });
    const saleId = await show.startSale({ productId: 'robot-vacuum', price: { amount: 199_900, currency: 'CNY' }, units: 3 });
    const pollId = await show.openPoll('Which colour next?', ['White', 'Black']);
    const question = await show.viewerSays('Mei', 'Does it climb carpets?');
    await show.hostSays('Yes, up to 2 cm.', { replyTo: question.id });
    const order = await show.buy('Mei', 'tea-set', 2);
    await show.setViewers(18_000_000);
    const state = show.engine.state;
    expect(state.pinned).toMatchObject({ productId: 'robot-vacuum', streamTime: 1_800_000_000_000 });
    expect(state.sales.find((s) => s.id === saleId)).toMatchObject({ status: 'live', unitsLeft: 3 });
    expect(state.polls.find((p) => p.id === pollId)?.options.map((o) => o.label)).toEqual(['White', 'Black']);
    expect(state.chat.at(-1)).toMatchObject({ author: { role: 'host' }, replyTo: { id: question.id, text: 'Does it climb carpets?' } });
    expect(order).toMatchObject({ kind: 'purchase', total: { amount: 37_600, currency: 'CNY' } });
    expect(events.find((e) => e.type === 'purchase')).toMatchObject({ data: { buyer: 'M**', quantity: 2 } });
    expect(state.viewers).toBe(18_000_000);
    for (const e of events) expect(parseEvent(JSON.parse(JSON.stringify(e))).kind).toBe('event');
    backend.dispose();
  });

  it('runs a timeline in order and stops when aborted', async () => {
    const backend = createTestBackend();
    const show = backend.createShow();
    const ran: string[] = [];
    const controller = new AbortController();
    await show.timeline(
      [
        { at: 30, run: () => ran.push('second') },
        { at: 0, run: () => ran.push('first') },
        { at: 60, run: () => controller.abort() },
        { at: 5000, run: () => ran.push('never') },
      ],
      { signal: controller.signal },
    );
    expect(ran).toEqual(['first', 'second']);
    backend.dispose();
  });

  it('reports a missing product by name', async () => {
    const backend = createTestBackend();
    const show = backend.createShow();
    await expect(show.buy('Jo', 'no-such-product')).rejects.toThrow(/has no product "no-such-product"/);
    backend.dispose();
  });
});

describe('Faults', () => {
  it('fails, delays and refuses streams a bounded number of times', async () => {
    const backend = createTestBackend({ baseUrl: BASE });
    const show = backend.createShow();
    show.faults.failNext('snapshot', 2, 502).noStream(1);
    const snapshot = () => backend.handle(new Request(`${BASE}shows/${show.id}`));
    const first = await snapshot();
    expect(first.status).toBe(502);
    expect(first.headers.get('Content-Type')).toContain('application/problem+json');
    expect((await snapshot()).status).toBe(502);
    expect((await snapshot()).status).toBe(200);
    const stream = () => backend.handle(new Request(`${BASE}shows/${show.id}/events`, { headers: { Accept: 'text/event-stream' } }));
    expect((await stream()).status).toBe(204);
    const live = await stream();
    expect(live.status).toBe(200);
    await live.body?.cancel();
    expect(show.faults.streamRequests).toBe(2);
    show.faults.delay(120, 'snapshot');
    const started = Date.now();
    await snapshot();
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    backend.dispose();
  });

  it('injects a frame between whole messages, then passes the rest through', async () => {
    const backend = createTestBackend({ baseUrl: BASE, engine: { countViewers: false } });
    const show = backend.createShow();
    show.faults.injectFrame(1, '{broken');
    const res = await backend.handle(new Request(`${BASE}shows/${show.id}/events?since=0`));
    await show.viewerSays('A', 'one');
    await show.viewerSays('B', 'two');
    await show.viewerSays('C', 'three');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while ((text.match(/^data: /gm) ?? []).length < 4) text += (await reader.read()).value ?? '';
    await reader.cancel();
    const data = [...text.matchAll(/^data: (.*)$/gm)].map((m) => m[1]);
    expect(data[0]).toContain('"text":"one"');
    expect(data[1]).toBe('{broken');
    expect(data[2]).toContain('"text":"two"');
    expect(data[3]).toContain('"text":"three"');
    backend.dispose();
  });
});
