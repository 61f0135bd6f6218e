/**
 * The recorded video behind the simulated live stream: a folder holding a VOD media playlist
 * (`index.m3u8`) and its MPEG-TS segments, made by scripts/make-hls-fixture.sh and committed under
 * packages/server/fixtures/live/. Only the playlist is read up front (segment names and exact
 * EXTINF durations); segment bytes are read on first use and kept, since the fixture never changes
 * while the server runs.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Folder of the committed fixture, `packages/server/fixtures/live/` (published with the package). */
export const DEFAULT_HLS_FIXTURE_DIR: string = fixtureDir();

/**
 * The package's fixtures/live/ folder. This module runs from src/ (tests), from dist/ (a built
 * entry) or from dist/chunks/ (code shared by two entries), so look one and two levels up.
 */
function fixtureDir(): string {
  const candidates = ['../fixtures/live/', '../../fixtures/live/'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((dir) => existsSync(`${dir}index.m3u8`)) ?? candidates[0]!;
}

/** One segment of the fixture, as its VOD playlist lists it. */
export interface HlsFixtureSegment {
  /** Position in the fixture, from 0. */
  readonly index: number;
  /** URI in the VOD playlist, relative to it, e.g. `seg-003.ts`. */
  readonly uri: string;
  /** Absolute path of the segment file. */
  readonly path: string;
  /** Duration in seconds, the playlist's EXTINF value. */
  readonly duration: number;
  /** The EXTINF duration exactly as written in the fixture (e.g. `2.000000`), copied into playlists. */
  readonly durationText: string;
}

/** Media type of MPEG-TS segments. */
export const MPEG_TS_MEDIA_TYPE = 'video/mp2t';

/**
 * A loaded fixture. Build one with {@link loadHlsFixture}; {@link SimulatedLiveStream}s on the
 * same folder share one instance, and with it the cached segment bytes.
 */
export class HlsFixture {
  /** The folder, absolute. */
  readonly dir: string;
  /** The segments in playback order (at least one). */
  readonly segments: readonly HlsFixtureSegment[];
  /** Whether the fixture declares EXT-X-INDEPENDENT-SEGMENTS (every segment starts with a key frame). */
  readonly independentSegments: boolean;
  readonly #bytes = new Map<number, Promise<Uint8Array<ArrayBuffer>>>();

  /**
   * Parses a VOD media playlist. Prefer {@link loadHlsFixture}, which reads the file and caches.
   * @param dir - Folder holding the playlist and its segments.
   * @param playlist - Text of the VOD playlist.
   * @throws Error when the playlist is not an HLS media playlist with at least one segment, or a
   * segment URI leaves the folder.
   */
  constructor(dir: string, playlist: string) {
    this.dir = resolve(dir);
    const lines = playlist.split(/\r?\n/).map((l) => l.trim());
    if (lines[0] !== '#EXTM3U') throw new Error(`${this.dir}: index.m3u8 does not start with #EXTM3U`);
    const segments: HlsFixtureSegment[] = [];
    let pending: string | undefined;
    for (const line of lines) {
      if (line.startsWith('#EXTINF:')) {
        pending = line.slice('#EXTINF:'.length).split(',')[0]!.trim();
      } else if (line !== '' && !line.startsWith('#')) {
        if (pending === undefined) throw new Error(`${this.dir}: segment ${line} has no #EXTINF`);
        const duration = Number(pending);
        if (!(duration > 0)) throw new Error(`${this.dir}: segment ${line} has a bad duration ${pending}`);
        // Segment names become file paths: keep them plain names inside the folder.
        if (!/^[A-Za-z0-9._-]+$/.test(line) || line.startsWith('.') || isAbsolute(line)) {
          throw new Error(`${this.dir}: segment URI ${line} is not a plain file name`);
        }
        segments.push({ index: segments.length, uri: line, path: join(this.dir, line), duration, durationText: pending });
        pending = undefined;
      }
    }
    if (segments.length === 0) throw new Error(`${this.dir}: index.m3u8 lists no segments`);
    this.segments = segments;
    this.independentSegments = lines.includes('#EXT-X-INDEPENDENT-SEGMENTS');
  }

  /** Sum of the segment durations, in seconds: the length of one pass of the loop. */
  get duration(): number {
    return this.segments.reduce((sum, s) => sum + s.duration, 0);
  }

  /**
   * The bytes of segment `index`, read once and then served from memory (about 1 MB for the
   * committed fixture).
   * @throws RangeError when there is no such segment; the read's error when the file is missing.
   */
  bytes(index: number): Promise<Uint8Array<ArrayBuffer>> {
    const segment = this.segments[index];
    if (!segment) throw new RangeError(`no fixture segment ${index}`);
    let bytes = this.#bytes.get(index);
    if (!bytes) {
      bytes = readFile(segment.path).then((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
      // A failed read is not cached: the next request tries again.
      bytes.catch(() => this.#bytes.delete(index));
      this.#bytes.set(index, bytes);
    }
    return bytes;
  }
}

const loaded = new Map<string, HlsFixture>();

/**
 * Reads `<dir>/index.m3u8` (synchronously, once per folder and process) and returns the fixture.
 * @param dir - Fixture folder; default {@link DEFAULT_HLS_FIXTURE_DIR}.
 * @throws Error when the playlist is missing or malformed (see {@link HlsFixture}).
 */
export function loadHlsFixture(dir: string = DEFAULT_HLS_FIXTURE_DIR): HlsFixture {
  const key = resolve(dir);
  let fixture = loaded.get(key);
  if (!fixture) {
    fixture = new HlsFixture(key, readFileSync(join(key, 'index.m3u8'), 'utf8'));
    loaded.set(key, fixture);
  }
  return fixture;
}
