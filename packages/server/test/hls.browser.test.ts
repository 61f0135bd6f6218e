/// <reference types="mocha" />
/**
 * The simulated live stream played by Chromium's native HLS support, served over HTTP by
 * createHlsHandler (web-test-runner.config.mjs mounts it at /streams/, each id a stream that began
 * 30 s before its first request, so playback starts across the fixture's loop discontinuity).
 */
import { expect } from '@esm-bundle/chai';

const HLS = 'application/vnd.apple.mpegurl';

/** Resolves when `video` has decoded a frame; rejects on a media error or after `ms`. */
function firstFrame(video: HTMLVideoElement, ms = 8000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`no frame after ${ms} ms (readyState ${video.readyState}, networkState ${video.networkState})`));
    }, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) done();
    video.addEventListener('loadeddata', done, { once: true });
    video.addEventListener('error', () => {
      clearTimeout(timer);
      reject(new Error(`media error ${video.error?.code}: ${video.error?.message}`));
    }, { once: true });
  });
}

function makeVideo(src: string): HTMLVideoElement {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.src = src;
  document.body.append(video);
  return video;
}

describe('simulated live HLS stream in Chromium', () => {
  const id = `browser-${Math.random().toString(36).slice(2)}`;
  const videos: HTMLVideoElement[] = [];
  afterEach(() => {
    for (const v of videos.splice(0)) {
      v.removeAttribute('src');
      v.load();
      v.remove();
    }
  });

  it('plays HLS natively', () => {
    expect(document.createElement('video').canPlayType(HLS)).to.not.equal('');
  });

  it('serves a live playlist whose segments are MPEG-TS, to any origin', async () => {
    const res = await fetch(`/streams/${id}/live.m3u8`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal(HLS);
    expect(res.headers.get('access-control-allow-origin')).to.equal('*');
    const text = await res.text();
    expect(text).to.not.contain('#EXT-X-ENDLIST');
    expect(text).to.contain('#EXT-X-DISCONTINUITY\n');
    const uris = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(uris).to.have.length(6);
    const seg = await fetch(`/streams/${id}/${uris.at(-1)}`);
    expect(seg.status).to.equal(200);
    expect(seg.headers.get('content-type')).to.equal('video/mp2t');
    expect(new Uint8Array(await seg.arrayBuffer())[0]).to.equal(0x47);
  });

  it('plays the live stream to a frame and keeps playing at the live edge', async () => {
    const video = makeVideo(`/streams/${id}/live.m3u8`);
    videos.push(video);
    // play() stays pending while nothing plays: firstFrame's timeout gives the clearer failure.
    await Promise.all([firstFrame(video), video.play()]);
    expect(video.readyState).to.be.at.least(HTMLMediaElement.HAVE_CURRENT_DATA);
    expect(video.videoWidth).to.equal(540);
    expect(video.videoHeight).to.equal(960);
    expect(video.duration).to.equal(Infinity); // live: no ENDLIST
    const t = video.currentTime;
    await new Promise((r) => setTimeout(r, 1200));
    expect(video.currentTime).to.be.above(t);
    expect(video.error).to.equal(null);
  });

  it('plays the replay as a 24 s VOD', async () => {
    const video = makeVideo(`/streams/${id}/replay.m3u8`);
    videos.push(video);
    await firstFrame(video);
    expect(video.duration).to.be.closeTo(24, 0.5);
  });
});
