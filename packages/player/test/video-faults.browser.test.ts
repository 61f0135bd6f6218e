/// <reference types="mocha" />
/**
 * `<nm-player>` under video faults, in real Chromium: the test runner's simulated live stream
 * with injected segment failures (`/streams/fault-<404|500|stall>-<n>-<id>/…` answers segment
 * requests 4 … 3+n with the fault; a stall holds the response 20 s). The player must recover or
 * show its error state with a retry button — never a frozen black box.
 */
import { expect } from '@esm-bundle/chai';
import '@nightmarket/player/define';
import type { NmPlayer, NmVideoErrorEvent } from '@nightmarket/player';
import { axeProblems } from './axe.js';
import { addPlayer, backend, part, streamUrl, until, useKit } from './kit.js';

useKit();

async function playing(fault: string): Promise<NmPlayer> {
  const director = backend.createShow({ show: { stream: { hls: streamUrl(fault), programDateTime: true } } });
  const player = addPlayer(director, { autoplay: '', muted: '', locale: 'en', layout: 'overlay' });
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
