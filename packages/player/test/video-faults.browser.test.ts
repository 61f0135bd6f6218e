/// <reference types="mocha" />
/**
 * `<nm-player>` under video faults, in real Chromium: the test runner's simulated live stream
 * with injected segment failures (`/streams/fault-<404|500|stall>-<n>-<id>/…` answers segment
 * requests 4 … 3+n with the fault; a stall holds the response 20 s). The player must recover or
 * show its error state with a retry button — never a frozen black box.
 */
import { expect } from '@esm-bundle/chai';
import { setupWorker } from 'msw/browser';
import '@nightmarket/player/define';
import type { NmPlayer, NmVideoErrorEvent } from '@nightmarket/player';
import { createTestBackend, type TestBackend } from '@nightmarket/testing';
import { axeProblems } from './axe.js';

const BASE = 'https://shop.example/nightmarket/';
const worker = setupWorker();
let backend: TestBackend;
const players: NmPlayer[] = [];

before(async () => {
  await worker.start({ quiet: true, onUnhandledRequest: 'bypass' });
});
beforeEach(() => {
  backend = createTestBackend({ baseUrl: BASE, engine: { countViewers: false } });
  worker.use(...backend.handlers);
});
afterEach(() => {
  for (const player of players.splice(0)) player.remove();
  worker.resetHandlers();
  backend.dispose();
});
after(() => worker.stop());

async function until(test: () => boolean, what: string, ms: number): Promise<void> {
  const started = performance.now();
  while (!test()) {
    if (performance.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const part = (player: NmPlayer, name: string) => player.shadowRoot!.querySelector(`[part~="${name}"]`);

let streams = 0;
async function playing(fault: string): Promise<NmPlayer> {
  const hls = new URL(`/streams/fault-${fault}-${++streams}-${Date.now()}/live.m3u8`, location.href).href;
  const director = backend.createShow({ show: { stream: { hls, programDateTime: true } } });
  const player = document.createElement('nm-player');
  for (const [name, value] of Object.entries({ api: BASE, show: director.id, autoplay: '', muted: '', locale: 'en', layout: 'overlay' })) {
    player.setAttribute(name, value);
  }
  document.body.append(player);
  players.push(player);
  await until(() => player.videoStatus === 'playing', 'the video to play', 15_000);
  return player;
}

/** The playhead advances `seconds` more, and the player never shows its error state. */
async function keepsPlaying(player: NmPlayer, seconds: number): Promise<void> {
  const video = player.video!;
  const from = video.currentTime;
  let failed = false;
  player.addEventListener('nm-video-error', () => (failed = true));
  await until(() => video.currentTime > from + seconds, `${seconds} s more video`, 45_000);
  expect(failed).to.equal(false);
  expect(player.videoStatus).to.not.equal('error');
  expect(part(player, 'retry')).to.equal(null);
}

describe('<nm-player>: video faults', () => {
  it('recovers from two 404 segments', async function () {
    this.timeout(60_000);
    await keepsPlaying(await playing('404-2'), 10);
  });

  it('recovers from a stalled segment', async function () {
    this.timeout(60_000);
    await keepsPlaying(await playing('stall-1'), 12);
  });

  it('shows the error state with a retry button when segments keep failing (500), and retries', async function () {
    this.timeout(60_000);
    const player = await playing('500-1000');
    const failed = new Promise<NmVideoErrorEvent>((resolve) => player.addEventListener('nm-video-error', resolve, { once: true }));
    await until(() => part(player, 'retry') !== null, 'the error state', 45_000);
    expect((await failed).detail.kind).to.equal('network');
    expect(part(player, 'screen')!.textContent).to.contain('The video stopped playing.');
    expect(await axeProblems(player)).to.deep.equal([]);
    (part(player, 'retry') as HTMLButtonElement).click();
    await until(() => player.videoStatus === 'loading' || player.videoStatus === 'buffering', 'the retry to start loading', 2000);
  });
});
