/**
 * A simulated live HLS stream for shows: the committed fixture (see hls-fixture.ts) played in a
 * loop on a wall-clock timeline that starts at the show's `startedAt`, published as a sliding-window
 * live media playlist, plus the Fetch handler that serves it.
 *
 * Timeline: live segment `k` (its media sequence number, from 0 at `startedAt`) is fixture segment
 * `k mod n` of loop pass `floor(k / n)`, and starts `startedAt + (pass × loop length + offset in
 * the fixture)`. A segment is listed once it has fully "happened" (its end is not after `now()`),
 * so the live edge advances with the clock. Every loop restarts the media timestamps, so the first
 * segment of every pass after the first carries EXT-X-DISCONTINUITY.
 */
import { HlsFixture, MPEG_TS_MEDIA_TYPE, loadHlsFixture, type HlsFixtureSegment } from './hls-fixture.js';

export { DEFAULT_HLS_FIXTURE_DIR, HlsFixture, MPEG_TS_MEDIA_TYPE, loadHlsFixture } from './hls-fixture.js';
export type { HlsFixtureSegment } from './hls-fixture.js';

/** Media type of HLS playlists. */
export const HLS_PLAYLIST_MEDIA_TYPE = 'application/vnd.apple.mpegurl';

/** Options of {@link SimulatedLiveStream}. */
export interface SimulatedLiveStreamOptions {
  /** Folder of the fixture (a VOD `index.m3u8` and its segments). Default {@link DEFAULT_HLS_FIXTURE_DIR}. */
  fixtureDir?: string | undefined;
  /** Start of the simulated broadcast, epoch ms (default: `now()` at construction). */
  startedAt?: number | undefined;
  /** Segments in the live playlist's window (default 6, at least 1). */
  windowSize?: number | undefined;
  /** The clock, epoch ms (default `Date.now`); tests pass a fake one. */
  now?: (() => number) | undefined;
}

/** One segment of the live timeline. */
export interface LiveSegment {
  /** Media sequence number: segments since `startedAt`, from 0. */
  readonly mediaSequence: number;
  /** URI in the live playlist, relative to it: `seg-<mediaSequence>.ts`. */
  readonly uri: string;
  /** Loop pass, from 0; also the segment's discontinuity sequence number. */
  readonly pass: number;
  /** The fixture segment played. */
  readonly fixture: HlsFixtureSegment;
  /** Wall-clock start, epoch ms (its EXT-X-PROGRAM-DATE-TIME), rounded to the millisecond. */
  readonly start: number;
  /** Whether it starts a loop pass after the first (EXT-X-DISCONTINUITY: timestamps restart). */
  readonly discontinuity: boolean;
}

/** The segments the live playlist lists at one instant. */
export interface LiveWindow {
  /** EXT-X-MEDIA-SEQUENCE: the media sequence number of the first segment listed. */
  readonly mediaSequence: number;
  /** EXT-X-DISCONTINUITY-SEQUENCE: discontinuities that have left the window. */
  readonly discontinuitySequence: number;
  /** The listed segments, oldest first; empty until the first segment has completed. */
  readonly segments: readonly LiveSegment[];
}

/** A segment file to serve, found by {@link SimulatedLiveStream.segment}. */
export interface HlsSegmentFile {
  /** The fixture segment to serve. */
  readonly fixture: HlsFixtureSegment;
  /** Absolute path of the file. */
  readonly path: string;
  /** Its `Content-Type`: `video/mp2t`. */
  readonly contentType: string;
  /** Its bytes (read once per fixture and kept in memory). */
  bytes(): Promise<Uint8Array<ArrayBuffer>>;
}

const LIVE_SEGMENT = /^seg-(0|[1-9]\d{0,14})\.ts$/;
const REPLAY_PREFIX = 'replay/';

/**
 * The fixture looped as a live stream that began at `startedAt`. Stateless beyond its options:
 * every answer is a function of `now()`, so any number of viewers, server restarts with the same
 * `startedAt`, and fake clocks in tests all agree.
 */
export class SimulatedLiveStream {
  /** Start of the simulated broadcast, epoch ms. */
  readonly startedAt: number;
  /** Segments listed in the live playlist's window. */
  readonly windowSize: number;
  /** The fixture looped. */
  readonly fixture: HlsFixture;
  readonly #now: () => number;
  /** Fixture segment start offsets in µs (integers, so long runs accumulate no float error); last = loop length. */
  readonly #offsetsUs: readonly number[];
  readonly #targetDuration: number;

  /**
   * @param options - Fixture folder, start time, window size and clock.
   * @throws Error when the fixture cannot be loaded; RangeError for a window size below 1.
   */
  constructor(options: SimulatedLiveStreamOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.fixture = loadHlsFixture(options.fixtureDir);
    this.startedAt = options.startedAt ?? this.#now();
    this.windowSize = options.windowSize ?? 6;
    if (!Number.isInteger(this.windowSize) || this.windowSize < 1) {
      throw new RangeError(`windowSize must be a positive integer, got ${this.windowSize}`);
    }
    const offsets = [0];
    for (const s of this.fixture.segments) offsets.push(offsets[offsets.length - 1]! + Math.round(s.duration * 1e6));
    this.#offsetsUs = offsets;
    // RFC 8216 §4.3.3.1: every EXTINF rounded to the nearest integer is at most the target duration.
    this.#targetDuration = Math.max(1, ...this.fixture.segments.map((s) => Math.round(s.duration)));
  }

  /** Segments completed by now: the media sequence number the next segment to complete will have. */
  completedSegments(): number {
    const elapsedUs = (this.#now() - this.startedAt) * 1000;
    if (!(elapsedUs > 0)) return 0;
    const n = this.fixture.segments.length;
    const loopUs = this.#offsetsUs[n]!;
    const pass = Math.floor(elapsedUs / loopUs);
    const intoPass = elapsedUs - pass * loopUs;
    let done = 0;
    while (done < n && this.#offsetsUs[done + 1]! <= intoPass) done++;
    return pass * n + done;
  }

  /**
   * Live segment `mediaSequence` of the timeline (whether or not it has happened yet).
   * @throws RangeError for a negative or non-integer number.
   */
  liveSegment(mediaSequence: number): LiveSegment {
    if (!Number.isSafeInteger(mediaSequence) || mediaSequence < 0) {
      throw new RangeError(`bad media sequence number ${mediaSequence}`);
    }
    const n = this.fixture.segments.length;
    const pass = Math.floor(mediaSequence / n);
    const index = mediaSequence - pass * n;
    const startUs = pass * this.#offsetsUs[n]! + this.#offsetsUs[index]!;
    return {
      mediaSequence,
      uri: `seg-${mediaSequence}.ts`,
      pass,
      fixture: this.fixture.segments[index]!,
      start: Math.round(this.startedAt + startUs / 1000),
      discontinuity: index === 0 && pass > 0,
    };
  }

  /** The segments the live playlist lists now: the last `windowSize` completed ones. */
  liveWindow(): LiveWindow {
    const completed = this.completedSegments();
    const first = Math.max(0, completed - this.windowSize);
    const segments: LiveSegment[] = [];
    for (let k = first; k < completed; k++) segments.push(this.liveSegment(k));
    // Passes that began at or before `first` put a discontinuity tag on a segment before it,
    // except when `first` opens a pass itself: its tag is still listed (RFC 8216 §6.2.2).
    const n = this.fixture.segments.length;
    const discontinuitySequence = Math.max(0, Math.ceil(first / n) - 1);
    return { mediaSequence: first, discontinuitySequence, segments };
  }

  /**
   * The live media playlist now: no EXT-X-ENDLIST and no EXT-X-PLAYLIST-TYPE, a sliding window
   * of completed segments, each with EXT-X-PROGRAM-DATE-TIME on the simulated timeline. Until the
   * first segment completes it lists none, and players poll again.
   */
  playlist(): string {
    const window = this.liveWindow();
    return this.#render(window.mediaSequence, window.discontinuitySequence, window.segments, false);
  }

  /**
   * The replay: one pass of the fixture as a VOD playlist (EXT-X-PLAYLIST-TYPE:VOD, EXT-X-ENDLIST)
   * with program date-times from `startedAt`. Its segment URIs are `replay/<fixture uri>`, always
   * served, whatever the clock.
   */
  vodPlaylist(): string {
    const segments = this.fixture.segments.map((fixture, i) => ({ ...this.liveSegment(i), uri: REPLAY_PREFIX + fixture.uri }));
    return this.#render(0, 0, segments, true);
  }

  /**
   * The file behind a segment URI of {@link SimulatedLiveStream.playlist} (`seg-<n>.ts`, served
   * once it has completed, also after it left the window, since players behind the edge may still
   * want it) or of {@link SimulatedLiveStream.vodPlaylist} (`replay/<fixture uri>`).
   * @returns undefined for any other URI, and for a live segment that has not happened yet.
   */
  segment(uri: string): HlsSegmentFile | undefined {
    let fixture: HlsFixtureSegment | undefined;
    const live = LIVE_SEGMENT.exec(uri);
    if (live) {
      const k = Number(live[1]);
      if (k >= this.completedSegments()) return undefined;
      fixture = this.liveSegment(k).fixture;
    } else if (uri.startsWith(REPLAY_PREFIX)) {
      const name = uri.slice(REPLAY_PREFIX.length);
      fixture = this.fixture.segments.find((s) => s.uri === name);
    }
    if (!fixture) return undefined;
    const { index, path } = fixture;
    return { fixture, path, contentType: MPEG_TS_MEDIA_TYPE, bytes: () => this.fixture.bytes(index) };
  }

  #render(mediaSequence: number, discontinuitySequence: number, segments: readonly LiveSegment[], vod: boolean): string {
    const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${this.#targetDuration}`];
    lines.push(`#EXT-X-MEDIA-SEQUENCE:${mediaSequence}`, `#EXT-X-DISCONTINUITY-SEQUENCE:${discontinuitySequence}`);
    if (vod) lines.push('#EXT-X-PLAYLIST-TYPE:VOD');
    if (this.fixture.independentSegments) lines.push('#EXT-X-INDEPENDENT-SEGMENTS');
    for (const s of segments) {
      if (s.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(s.start).toISOString()}`, `#EXTINF:${s.fixture.durationText},`, s.uri);
    }
    if (vod) lines.push('#EXT-X-ENDLIST');
    return lines.join('\n') + '\n';
  }
}

/** Options of {@link createHlsHandler}. */
export interface HlsHandlerOptions {
  /** Path the streams are served under, e.g. `/streams/` (default `/`). */
  basePath?: string | undefined;
}

/** A Fetch handler that answers only the requests it owns: undefined for any other. */
export type MaybeFetchHandler = (request: Request) => Promise<Response | undefined>;

const ID = /^[A-Za-z0-9._:-]{1,128}$/;
const encoder = new TextEncoder();

/**
 * Serves simulated live streams over HTTP:
 *
 * - `<basePath><id>/live.m3u8`: the live playlist, `Cache-Control: max-age=1` (a little under
 *   half a segment, so players polling each target duration see every update);
 * - `<basePath><id>/replay.m3u8`: the replay VOD playlist;
 * - `<basePath><id>/seg-<n>.ts` and `<basePath><id>/replay/<name>.ts`: segments, cached for an hour
 *   as immutable (a live URI always names the same bytes, since its number is unique on the timeline).
 *
 * Every answer allows any origin (`Access-Control-Allow-Origin: *`): the video plays on the
 * merchant's page, another origin. GET and HEAD; OPTIONS answers a preflight; other methods are 405.
 * An unknown stream id or file, or a live segment that has not happened yet, is 404.
 *
 * @param streams - Finds a show's stream by its id (the path segment after `basePath`).
 * @param options - Where the streams are mounted.
 * @returns A handler resolving to undefined for paths outside `basePath`, so a server can fall
 * through to its other routes.
 */
export function createHlsHandler(
  streams: (id: string) => SimulatedLiveStream | undefined,
  options: HlsHandlerOptions = {},
): MaybeFetchHandler {
  let basePath = options.basePath ?? '/';
  if (!basePath.startsWith('/')) basePath = `/${basePath}`;
  if (!basePath.endsWith('/')) basePath = `${basePath}/`;

  return async (request) => {
    const { pathname } = new URL(request.url);
    if (!pathname.startsWith(basePath)) return undefined;
    const rest = pathname.slice(basePath.length);
    const slash = rest.indexOf('/');
    let id: string;
    let file: string;
    try {
      id = decodeURIComponent(rest.slice(0, slash));
      file = decodeURIComponent(rest.slice(slash + 1));
    } catch {
      return answer(request, 404, 'text/plain; charset=utf-8', 'no-store', 'Not Found\n');
    }
    const stream = slash > 0 && ID.test(id) ? streams(id) : undefined;
    if (!stream) return answer(request, 404, 'text/plain; charset=utf-8', 'no-store', 'Not Found\n');

    if (request.method === 'OPTIONS') return answer(request, 204, undefined, undefined, null);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return answer(request, 405, 'text/plain; charset=utf-8', 'no-store', 'Method Not Allowed\n');
    }
    if (file === 'live.m3u8') return answer(request, 200, HLS_PLAYLIST_MEDIA_TYPE, 'max-age=1', stream.playlist());
    // startedAt and the fixture fix the replay, but the show's stream may be replaced (a restart).
    if (file === 'replay.m3u8') return answer(request, 200, HLS_PLAYLIST_MEDIA_TYPE, 'max-age=60', stream.vodPlaylist());
    const segment = stream.segment(file);
    if (!segment) return answer(request, 404, 'text/plain; charset=utf-8', 'no-store', 'Not Found\n');
    const bytes = await segment.bytes();
    return answer(request, 200, segment.contentType, 'public, max-age=3600, immutable', bytes);
  };
}

function answer(
  request: Request,
  status: number,
  contentType: string | undefined,
  cacheControl: string | undefined,
  body: string | Uint8Array<ArrayBuffer> | null,
): Response {
  const headers = new Headers({
    'Access-Control-Allow-Origin': '*',
    // Lets players and benchmarks on the merchant's page read the segment timings.
    'Timing-Allow-Origin': '*',
  });
  if (contentType) headers.set('Content-Type', contentType);
  if (cacheControl) headers.set('Cache-Control', cacheControl);
  if (status === 204) {
    headers.set('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
    headers.set('Access-Control-Allow-Headers', 'Range');
    headers.set('Access-Control-Max-Age', '86400');
  }
  if (status === 405) headers.set('Allow', 'GET, HEAD, OPTIONS');
  const bytes = typeof body === 'string' ? encoder.encode(body) : body;
  if (bytes) headers.set('Content-Length', String(bytes.byteLength));
  return new Response(request.method === 'HEAD' ? null : bytes, { status, headers });
}
