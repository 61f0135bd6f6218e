/// <reference types="mocha" />
/**
 * Smoke test of the browser setup: the client's protocol code runs in real Chromium.
 */
import { expect } from '@esm-bundle/chai';
import { applyEvent, fromSnapshot, parseEvent, ShowSchema, validate } from '@nightmarket/client';

const show = {
  id: 'show-1',
  title: 'Night Market: lanterns',
  status: 'live',
  startsAt: 1_700_000_000_000,
  host: { name: 'Mei' },
  stream: { hls: 'https://cdn.example/live/index.m3u8' },
  locale: 'zh-CN',
  currency: 'CNY',
} as const;

describe('@nightmarket/client in Chromium', () => {
  it('runs in Chromium', () => {
    expect(navigator.userAgent).to.contain('Chrome');
  });

  it('validates a show and reports what is wrong with an invalid one', () => {
    const ok = validate(ShowSchema, show);
    expect(ok.success).to.equal(true);

    const bad = validate(ShowSchema, { ...show, stream: { hls: 'javascript:alert(1)' }, currency: 'yuan' });
    expect(bad.success).to.equal(false);
    if (bad.success) return;
    const paths = bad.issues.map((i) => i.path);
    expect(paths).to.include('stream.hls');
    expect(paths).to.include('currency');
  });

  it('parses an event and applies it to the state', () => {
    const state = fromSnapshot({
      protocol: 1,
      capabilities: ['chat'],
      epoch: 'e1',
      seq: 4,
      serverTime: 1_700_000_000_500,
      heartbeatMs: 15_000,
      show,
      products: [],
      pinned: null,
      sales: [],
      presales: [],
      polls: [],
      chat: [],
      pinnedMessage: null,
      viewers: 10,
    });
    const parsed = parseEvent({ type: 'viewers.changed', seq: 5, at: 1_700_000_001_000, data: { count: 42 } });
    expect(parsed.kind).to.equal('event');
    if (parsed.kind !== 'event') return;

    const next = applyEvent(state, parsed.event);
    expect(next.viewers).to.equal(42);
    expect(next.seq).to.equal(5);
    expect(state.viewers).to.equal(10);
    expect(parseEvent({ type: 'viewers.changed', seq: 0, at: 1, data: {} }).kind).to.equal('invalid');
  });
});
