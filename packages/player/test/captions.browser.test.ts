/// <reference types="mocha" />
/**
 * Captions in `<nm-player>`, in real Chromium, on a show whose stream has an English WebVTT
 * subtitles rendition: test/fixtures/captions/ (made by scripts/make-captions-fixture.sh; 8 s, with
 * program date-time), served as static files by the test runner. The show says its stream has
 * program date-time, so Chromium plays it through hls.js: its native HLS has no getStartDate() —
 * and it exposes no text track for a subtitles rendition either (seen with Chromium 156: the video
 * plays, `textTracks` stays empty), so captions in Chromium come from hls.js.
 */
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import '@nightmarket/player/define';
import type { NmPlayer } from '@nightmarket/player';
import { axeProblems } from './axe.js';
import { addPlayer, backend, until, useKit } from './kit.js';

useKit();

const FIXTURE = new URL('/packages/player/test/fixtures/captions/index.m3u8', location.href).href;
/** The cues of test/fixtures/captions, in order. */
const CUES = ['Welcome to the Night Market', 'This ceramic mug holds 350 ml', 'It is dishwasher safe', 'Tap the bag to see every product'];

const subtitleTracks = (player: NmPlayer): TextTrack[] =>
  [...player.video!.textTracks].filter((t) => t.kind === 'subtitles' || t.kind === 'captions');

/** The control button labelled `label`, or null. */
const control = (player: NmPlayer, label: string): HTMLButtonElement | null =>
  [...player.shadowRoot!.querySelectorAll<HTMLButtonElement>('button[part~="control"]')].find((b) => b.getAttribute('aria-label') === label) ?? null;

/** Presses Tab until `target` (in the player's shadow root) has the focus; fails after `max` presses. */
async function tabTo(player: NmPlayer, target: HTMLElement, max = 12): Promise<number> {
  for (let presses = 1; presses <= max; presses++) {
    await sendKeys({ press: 'Tab' });
    if (player.shadowRoot!.activeElement === target) return presses;
  }
  throw new Error(`${target.getAttribute('aria-label')} not reached with ${max} presses of Tab`);
}

describe('<nm-player>: captions', () => {
  it('offers a labelled captions button when the stream has subtitles; it shows and hides them, from the keyboard', async function () {
    this.timeout(30_000);
    const director = backend.createShow({ show: { stream: { hls: FIXTURE, programDateTime: true } } });
    // A focusable thing before the player, where keyboard navigation starts.
    const start = document.createElement('button');
    start.textContent = 'before the player';
    document.body.prepend(start);
    try {
      const player = addPlayer(director, { autoplay: '', muted: '', controls: '', locale: 'pt', layout: 'overlay' });
      await until(() => player.videoStatus === 'playing', 'the video to play', 15_000);
      expect(player.playback).to.equal('hls.js');

      // The button appears once hls.js has the subtitles rendition, labelled in the player's language.
      await until(() => control(player, 'Legendas') !== null, 'the captions button', 8000);
      const button = control(player, 'Legendas')!;
      const [track, ...others] = subtitleTracks(player);
      expect(others).to.have.length(0);
      expect(track!.label).to.equal('English');
      expect(track!.language).to.equal('en');
      expect(track!.mode).to.not.equal('showing'); // DEFAULT=NO: off until the viewer asks
      expect(button.getAttribute('aria-pressed')).to.equal('false');

      // Reachable with Tab from before the player; Enter turns captions on.
      start.focus();
      await tabTo(player, button);
      await sendKeys({ press: 'Enter' });
      await player.updateComplete;
      expect(track!.mode).to.equal('showing');
      expect(button.getAttribute('aria-pressed')).to.equal('true');
      // hls.js loads the rendition's WebVTT for the track it shows.
      await until(() => (track!.cues?.length ?? 0) > 0, 'cues', 8000);
      expect(CUES).to.include((track!.cues![0] as VTTCue).text);
      expect(await axeProblems(player)).to.deep.equal([]);

      // Space turns them off again (the focus stayed on the button).
      expect(player.shadowRoot!.activeElement).to.equal(button);
      await sendKeys({ press: 'Space' });
      await player.updateComplete;
      expect(track!.mode).to.equal('disabled');
      expect(button.getAttribute('aria-pressed')).to.equal('false');
    } finally {
      start.remove();
    }
  });

  it('plays with hls.js\'s light build when hls-build="light", which shows no captions', async function () {
    this.timeout(20_000);
    const director = backend.createShow({ show: { stream: { hls: FIXTURE, programDateTime: true } } });
    const player = addPlayer(director, { autoplay: '', muted: '', controls: '', locale: 'en', layout: 'overlay', 'hls-build': 'light' });
    expect(player.hlsBuild).to.equal('light');
    await until(() => player.videoStatus === 'playing' && player.video!.currentTime > 1, 'a second of video', 15_000);
    expect(player.playback).to.equal('hls.js');
    // The full build has made the rendition's text track by now (the test above); the light one has no subtitles.
    expect(subtitleTracks(player)).to.have.length(0);
    await player.updateComplete;
    expect(control(player, 'Pause')).to.not.equal(null);
    expect(control(player, 'Captions')).to.equal(null);
  });

  it('offers no captions button when the stream has none', async function () {
    this.timeout(20_000);
    const director = backend.createShow({ show: { stream: { hls: new URL('/streams/no-captions-1/live.m3u8', location.href).href, programDateTime: true } } });
    const player = addPlayer(director, { autoplay: '', muted: '', controls: '', locale: 'en', layout: 'overlay' });
    await until(() => player.videoStatus === 'playing', 'the video to play', 15_000);
    await player.updateComplete;
    expect(control(player, 'Pause')).to.not.equal(null); // the controls are there
    expect(control(player, 'Captions')).to.equal(null);
  });
});
