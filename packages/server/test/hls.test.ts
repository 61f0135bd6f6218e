import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HLS_FIXTURE_DIR,
  HlsFixture,
  SimulatedLiveStream,
  createHlsHandler,
  type SimulatedLiveStreamOptions,
} from '../src/hls.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0, 250);
const dir = DEFAULT_HLS_FIXTURE_DIR;

// ---------------------------------------------------------------------------------------------
// A small m3u8 parser: every line must be a tag it knows or a URI after #EXTINF, so an unexpected
// or misplaced tag fails the test rather than being skipped.

interface ParsedSegment {
  uri: string;
  duration: number;
  programDateTime: number | undefined;
  discontinuity: boolean;
}
interface ParsedPlaylist {
  version: number | undefined;
  targetDuration: number | undefined;
  mediaSequence: number | undefined;
  discontinuitySequence: number | undefined;
  playlistType: string | undefined;
  independentSegments: boolean;
  endList: boolean;
  segments: ParsedSegment[];
}

function parseM3u8(text: string): ParsedPlaylist {
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  expect(lines[0]).toBe('#EXTM3U');
  const p: ParsedPlaylist = {
    version: undefined,
    targetDuration: undefined,
    mediaSequence: undefined,
    discontinuitySequence: undefined,
    playlistType: undefined,
    independentSegments: false,
    endList: false,
    segments: [],
  };
  let next: Partial<ParsedSegment> = {};
  const int = (v: string) => {
    expect(v).toMatch(/^\d+$/);
    return Number(v);
  };
  for (const line of lines.slice(1)) {
    expect(p.endList, `${line} after #EXT-X-ENDLIST`).toBe(false);
    const colon = line.indexOf(':');
    const [tag, value] = colon < 0 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 1)];
    const header = (key: keyof ParsedPlaylist, v: unknown) => {
      expect(p.segments, `${tag} after the first segment`).toHaveLength(0);
      expect(p[key], `${tag} twice`).toBeUndefined();
      (p as unknown as Record<string, unknown>)[key] = v;
    };
    switch (tag) {
      case '#EXT-X-VERSION': header('version', int(value)); break;
      case '#EXT-X-TARGETDURATION': header('targetDuration', int(value)); break;
      case '#EXT-X-MEDIA-SEQUENCE': header('mediaSequence', int(value)); break;
      case '#EXT-X-DISCONTINUITY-SEQUENCE': header('discontinuitySequence', int(value)); break;
      case '#EXT-X-PLAYLIST-TYPE': header('playlistType', value); break;
      case '#EXT-X-INDEPENDENT-SEGMENTS': p.independentSegments = true; break;
      case '#EXT-X-ENDLIST': p.endList = true; break;
      case '#EXT-X-DISCONTINUITY': next.discontinuity = true; break;
      case '#EXT-X-PROGRAM-DATE-TIME':
        // ISO 8601 with milliseconds, UTC.
        expect(value).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        next.programDateTime = Date.parse(value);
        break;
      case '#EXTINF':
        expect(value).toMatch(/^\d+(\.\d+)?,$/);
        next.duration = Number(value.slice(0, -1));
        break;
      default:
        expect(line.startsWith('#'), `unknown tag ${line}`).toBe(false);
        expect(line).not.toBe('');
        expect(next.duration, `${line} without #EXTINF`).toBeDefined();
        p.segments.push({ uri: line, duration: next.duration!, programDateTime: next.programDateTime, discontinuity: next.discontinuity ?? false });
        next = {};
    }
  }
  expect(next, 'tags after the last segment').toEqual({});
  return p;
}

// ---------------------------------------------------------------------------------------------

/** The fixture as the test reads it, independently of hls-fixture.ts. */
const fixtureList = parseM3u8(readFileSync(join(dir, 'index.m3u8'), 'utf8'));
const n = fixtureList.segments.length;
/** Start of fixture segment i within a pass, ms; fixtureStart[n] is the loop length. */
const fixtureStart = fixtureList.segments.reduce((acc, s) => [...acc, acc[acc.length - 1]! + s.duration * 1000], [0]);
const loopMs = fixtureStart[n]!;
/** Wall-clock offset (ms from startedAt) at which live segment k starts. */
const startOf = (k: number) => Math.floor(k / n) * loopMs + fixtureStart[k % n]!;
/** Live segments fully completed `elapsed` ms after startedAt. */
const completedAt = (elapsed: number) => {
  let k = 0;
  while (startOf(k + 1) <= elapsed) k++;
  return k;
};

function fakeClock(start: number) {
  let t = start;
  return { now: () => t, set: (v: number) => void (t = v), advance: (ms: number) => void (t += ms) };
}

function makeStream(options: Partial<SimulatedLiveStreamOptions> = {}) {
  const clock = fakeClock(T0);
  const stream = new SimulatedLiveStream({ fixtureDir: dir, startedAt: T0, now: clock.now, ...options });
  return { clock, stream };
}

/** Reads the MPEG-TS of a segment: stream types of its PMT and the H.264 NAL types of its first video PES. */
function inspectTs(bytes: Uint8Array) {
  expect(bytes.byteLength % 188).toBe(0);
  let pmtPid: number | undefined;
  const streamTypes = new Map<number, number>();
  const video: number[] = [];
  let videoPesStarts = 0;
  for (let at = 0; at < bytes.byteLength; at += 188) {
    const pkt = bytes.subarray(at, at + 188);
    expect(pkt[0]).toBe(0x47);
    const start = (pkt[1]! & 0x40) !== 0;
    const pid = ((pkt[1]! & 0x1f) << 8) | pkt[2]!;
    const afc = (pkt[3]! >> 4) & 3;
    let off = 4;
    if (afc & 2) off += 1 + pkt[4]!;
    if (!(afc & 1) || off >= 188) continue;
    const payload = pkt.subarray(off);
    if (pid === 0 && start) {
      const s = payload.subarray(1 + payload[0]!); // skip pointer field
      pmtPid = ((s[10]! & 0x1f) << 8) | s[11]!; // first program of the PAT
    } else if (pid === pmtPid && start && streamTypes.size === 0) {
      const s = payload.subarray(1 + payload[0]!);
      const sectionEnd = 3 + (((s[1]! & 0x0f) << 8) | s[2]!) - 4; // before the CRC
      let i = 12 + (((s[10]! & 0x0f) << 8) | s[11]!);
      while (i < sectionEnd) {
        streamTypes.set(((s[i + 1]! & 0x1f) << 8) | s[i + 2]!, s[i]!);
        i += 5 + (((s[i + 3]! & 0x0f) << 8) | s[i + 4]!);
      }
    } else if (streamTypes.get(pid) === 0x1b && videoPesStarts < 2) {
      if (start) videoPesStarts++;
      if (videoPesStarts === 1) video.push(...payload);
    }
  }
  const pes = video.slice(9 + video[8]!); // PES header
  const nalTypes: number[] = [];
  for (let i = 0; i + 3 < pes.length; i++) {
    if (pes[i] === 0 && pes[i + 1] === 0 && pes[i + 2] === 1) nalTypes.push(pes[i + 3]! & 0x1f);
  }
  return { streamTypes: [...streamTypes.values()].sort(), nalTypes };
}

describe('the committed fixture', () => {
  const files = readdirSync(dir).sort();

  it('is a VOD playlist of twelve 2 s segments, 20–30 s in all, under 2.5 MB', () => {
    expect(fixtureList).toMatchObject({ playlistType: 'VOD', endList: true, independentSegments: true, targetDuration: 2 });
    expect(n).toBe(12);
    expect(fixtureList.segments.map((s) => s.uri)).toEqual(Array.from({ length: n }, (_, i) => `seg-${String(i).padStart(3, '0')}.ts`));
    for (const s of fixtureList.segments) expect(s.duration).toBeCloseTo(2, 2);
    expect(loopMs).toBeGreaterThanOrEqual(20_000);
    expect(loopMs).toBeLessThanOrEqual(30_000);
    expect(files).toEqual(['index.m3u8', ...fixtureList.segments.map((s) => s.uri)]);
    const total = files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    expect(total).toBeLessThan(2.5 * 1024 * 1024);
  });

  it('has H.264 + AAC segments that each open with an IDR frame (one closed GOP per segment)', () => {
    for (const s of fixtureList.segments) {
      const { streamTypes, nalTypes } = inspectTs(readFileSync(join(dir, s.uri)));
      expect(streamTypes, s.uri).toEqual([0x0f, 0x1b]); // ADTS AAC, H.264
      // Access unit delimiter, SPS, PPS, (SEI,) then an IDR slice and no non-IDR slice before it.
      expect(nalTypes.slice(0, 3), s.uri).toEqual([9, 7, 8]);
      const firstSlice = nalTypes.find((t) => t === 1 || t === 5);
      expect(firstSlice, s.uri).toBe(5);
    }
  });

  it('is loaded with the exact EXTINF durations', () => {
    const fixture = new HlsFixture(dir, readFileSync(join(dir, 'index.m3u8'), 'utf8'));
    expect(fixture.segments.map((s) => s.duration)).toEqual(fixtureList.segments.map((s) => s.duration));
    expect(fixture.segments[0]).toMatchObject({ index: 0, uri: 'seg-000.ts', path: join(dir, 'seg-000.ts'), durationText: '2.000000' });
    expect(fixture.duration * 1000).toBeCloseTo(loopMs, 6);
    expect(fixture.independentSegments).toBe(true);
  });

  it('refuses playlists that are not media playlists with plain segment names', () => {
    expect(() => new HlsFixture(dir, 'seg-000.ts\n')).toThrow(/#EXTM3U/);
    expect(() => new HlsFixture(dir, '#EXTM3U\n#EXT-X-ENDLIST\n')).toThrow(/no segments/);
    expect(() => new HlsFixture(dir, '#EXTM3U\nseg-000.ts\n')).toThrow(/no #EXTINF/);
    expect(() => new HlsFixture(dir, '#EXTM3U\n#EXTINF:0,\nseg-000.ts\n')).toThrow(/bad duration/);
    expect(() => new HlsFixture(dir, '#EXTM3U\n#EXTINF:2,\n../secret.ts\n')).toThrow(/plain file name/);
    expect(() => new HlsFixture(dir, '#EXTM3U\n#EXTINF:2,\n/etc/passwd\n')).toThrow(/plain file name/);
  });
});

describe('SimulatedLiveStream live playlist', () => {
  it('is live (no ENDLIST, no PLAYLIST-TYPE) and empty until the first segment has completed', () => {
    const { clock, stream } = makeStream();
    for (const t of [T0 - 5000, T0, T0 + startOf(1) - 1]) {
      clock.set(t);
      const p = parseM3u8(stream.playlist());
      expect(p).toMatchObject({ version: 3, targetDuration: 2, mediaSequence: 0, discontinuitySequence: 0, independentSegments: true });
      expect(p.playlistType).toBeUndefined();
      expect(p.endList).toBe(false);
      expect(p.segments).toEqual([]);
    }
    clock.set(T0 + startOf(1));
    expect(parseM3u8(stream.playlist()).segments).toEqual([
      { uri: 'seg-0.ts', duration: 2, programDateTime: T0, discontinuity: false },
    ]);
  });

  it('slides: the media sequence grows by exactly the segments completed, PDTs follow the clock', () => {
    const { clock, stream } = makeStream();
    let previous = parseM3u8(stream.playlist());
    let previousCompleted = 0;
    let sawLoop = 0;
    // Uneven steps, across several loops of the fixture.
    for (let step = 0; step < 400; step++) {
      clock.advance([700, 1999, 1, 2000, 333, 4100][step % 6]!);
      const elapsed = clock.now() - T0;
      const completed = completedAt(elapsed);
      const p = parseM3u8(stream.playlist());

      expect(p.segments.length).toBe(Math.min(6, completed));
      expect(p.mediaSequence).toBe(completed - p.segments.length);
      // The window moved by exactly the segments that completed since the last refresh (once full).
      if (previous.segments.length === 6) expect(p.mediaSequence! - previous.mediaSequence!).toBe(completed - previousCompleted);
      expect(p.mediaSequence!).toBeGreaterThanOrEqual(previous.mediaSequence!);

      // The live edge: the last segment has ended by now, the next one has not.
      expect(T0 + startOf(completed + 1)).toBeGreaterThan(clock.now());
      if (completed === 0) continue;
      const last = p.segments.at(-1)!;
      expect(last.programDateTime! + last.duration * 1000).toBeLessThanOrEqual(clock.now());

      // PDT of the window start = startedAt + elapsed time at that segment; each next one = previous + EXTINF.
      expect(p.segments[0]!.programDateTime).toBe(T0 + startOf(p.mediaSequence!));
      p.segments.forEach((s, i) => {
        const k = p.mediaSequence! + i;
        expect(s.uri).toBe(`seg-${k}.ts`);
        expect(s.duration).toBe(fixtureList.segments[k % n]!.duration);
        if (i > 0) {
          const prev = p.segments[i - 1]!;
          expect(Math.abs(s.programDateTime! - (prev.programDateTime! + prev.duration * 1000))).toBeLessThanOrEqual(1);
        }
      });

      // Discontinuities exactly where the fixture loops, and a discontinuity sequence that keeps
      // every segment's discontinuity sequence number = its loop pass, from refresh to refresh.
      let dsn = p.discontinuitySequence!;
      p.segments.forEach((s, i) => {
        const k = p.mediaSequence! + i;
        expect(s.discontinuity, `seg-${k}`).toBe(k % n === 0 && k > 0);
        if (s.discontinuity) dsn++;
        expect(dsn, `discontinuity sequence number of seg-${k}`).toBe(Math.floor(k / n));
      });
      if (p.segments.some((s) => s.discontinuity)) sawLoop++;

      previous = p;
      previousCompleted = completed;
    }
    expect(previous.mediaSequence).toBeGreaterThan(5 * n);
    expect(sawLoop).toBeGreaterThan(5);
  });

  it('puts the discontinuity sequence up exactly when a loop boundary leaves the window', () => {
    const { clock, stream } = makeStream({ windowSize: 3 });
    const at = (k: number) => {
      clock.set(T0 + startOf(k)); // segments 0..k-1 completed
      return parseM3u8(stream.playlist());
    };
    expect(at(n)).toMatchObject({ mediaSequence: n - 3, discontinuitySequence: 0 });
    expect(at(n).segments.some((s) => s.discontinuity)).toBe(false);
    // seg-n, the first of pass 1, enters with its tag, stays tagged to the front, then leaves.
    expect(at(n + 1).segments.map((s) => s.discontinuity)).toEqual([false, false, true]);
    expect(at(n + 3)).toMatchObject({ mediaSequence: n, discontinuitySequence: 0 });
    expect(at(n + 3).segments.map((s) => s.discontinuity)).toEqual([true, false, false]);
    expect(at(n + 4)).toMatchObject({ mediaSequence: n + 1, discontinuitySequence: 1 });
    expect(at(n + 4).segments.some((s) => s.discontinuity)).toBe(false);
    expect(at(3 * n + 4)).toMatchObject({ mediaSequence: 3 * n + 1, discontinuitySequence: 3 });
  });

  it('has the window size asked for, 6 by default, and refuses a bad one', () => {
    const { clock, stream } = makeStream();
    clock.set(T0 + 60_000);
    expect(parseM3u8(stream.playlist()).segments).toHaveLength(6);
    const small = makeStream({ windowSize: 2 });
    small.clock.set(T0 + 60_000);
    expect(parseM3u8(small.stream.playlist()).segments).toHaveLength(2);
    expect(() => makeStream({ windowSize: 0 })).toThrow(RangeError);
    expect(() => makeStream({ windowSize: 1.5 })).toThrow(RangeError);
  });

  it('keeps millisecond-exact PDTs after days of looping', () => {
    const { clock, stream } = makeStream();
    const days = 3 * 24 * 3600_000;
    clock.set(T0 + days + 999);
    const p = parseM3u8(stream.playlist());
    const k = completedAt(days + 999) - 1;
    expect(p.segments.at(-1)).toMatchObject({ uri: `seg-${k}.ts`, programDateTime: T0 + startOf(k) });
    expect(p.mediaSequence).toBe(k - 5);
  });

  it('defaults startedAt to now', () => {
    const clock = fakeClock(T0 + 12_345);
    const stream = new SimulatedLiveStream({ now: clock.now });
    expect(stream.startedAt).toBe(T0 + 12_345);
    clock.advance(startOf(2));
    expect(parseM3u8(stream.playlist()).segments.map((s) => s.programDateTime)).toEqual([T0 + 12_345, T0 + 12_345 + startOf(1)]);
  });
});

describe('SimulatedLiveStream segments and replay', () => {
  it('maps live segment URIs to the fixture file of their place in the loop', async () => {
    const { clock, stream } = makeStream();
    clock.set(T0 + startOf(3 * n + 5) + 10);
    for (const k of [0, 1, n - 1, n, n + 7, 2 * n, 3 * n + 4]) {
      const file = stream.segment(`seg-${k}.ts`)!;
      const name = `seg-${String(k % n).padStart(3, '0')}.ts`;
      expect(file, `seg-${k}.ts`).toMatchObject({ path: join(dir, name), contentType: 'video/mp2t', fixture: { index: k % n, uri: name } });
      expect(Buffer.from(await file.bytes()).equals(readFileSync(join(dir, name)))).toBe(true);
    }
  });

  it('finds no segment that has not happened yet, nor any other name', () => {
    const { clock, stream } = makeStream();
    clock.set(T0 + startOf(5) + 1);
    expect(stream.segment('seg-4.ts')).toBeDefined();
    for (const uri of ['seg-5.ts', 'seg-99.ts', 'seg-004.ts', 'seg--1.ts', 'seg-4.ts/', 'seg-000.ts', 'index.m3u8', '../hls.ts', 'replay/../index.m3u8', 'replay/seg-999.ts', 'replay/index.m3u8', '']) {
      expect(stream.segment(uri), uri).toBeUndefined();
    }
  });

  it('replays the fixture as a VOD playlist with PDT from startedAt, whatever the clock', async () => {
    const { clock, stream } = makeStream();
    for (const t of [T0, T0 + 1_000_000]) {
      clock.set(t);
      const p = parseM3u8(stream.vodPlaylist());
      expect(p).toMatchObject({ playlistType: 'VOD', endList: true, mediaSequence: 0, discontinuitySequence: 0, targetDuration: 2 });
      expect(p.segments.map((s) => s.uri)).toEqual(fixtureList.segments.map((s) => `replay/${s.uri}`));
      expect(p.segments.map((s) => s.duration)).toEqual(fixtureList.segments.map((s) => s.duration));
      expect(p.segments.map((s) => s.programDateTime)).toEqual(fixtureStart.slice(0, n).map((o) => T0 + o));
      expect(p.segments.some((s) => s.discontinuity)).toBe(false);
    }
    clock.set(T0); // nothing live yet, the replay is still whole
    const file = stream.segment('replay/seg-011.ts')!;
    expect(file.path).toBe(join(dir, 'seg-011.ts'));
    expect((await file.bytes()).byteLength).toBe(statSync(join(dir, 'seg-011.ts')).size);
  });

  it('loads a fixture folder once and shares its segment bytes', async () => {
    const a = makeStream().stream;
    const b = makeStream({ startedAt: T0 - 10_000 }).stream;
    expect(a.fixture).toBe(b.fixture);
    expect(await a.fixture.bytes(3)).toBe(await b.fixture.bytes(3));
    expect(() => a.fixture.bytes(n)).toThrow(RangeError);
  });
});

describe('createHlsHandler', () => {
  const setup = () => {
    const { clock, stream } = makeStream();
    const handler = createHlsHandler((id) => (id === 'show-1' ? stream : undefined), { basePath: '/streams/' });
    const get = (path: string, init?: RequestInit) => handler(new Request(`http://127.0.0.1:8080${path}`, init));
    return { clock, stream, handler, get };
  };

  it('serves the live playlist, uncached beyond a second, to any origin', async () => {
    const { clock, stream, get } = setup();
    clock.set(T0 + 30_500);
    const res = (await get('/streams/show-1/live.m3u8', { headers: { Origin: 'https://shop.example' } }))!;
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/vnd.apple.mpegurl');
    expect(res.headers.get('Cache-Control')).toBe('max-age=1');
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*');
    const text = await res.text();
    expect(text).toBe(stream.playlist());
    expect(parseM3u8(text).segments.at(-1)!.uri).toBe(`seg-${completedAt(30_500) - 1}.ts`);
  });

  it('serves the replay playlist', async () => {
    const { stream, get } = setup();
    const res = (await get('/streams/show-1/replay.m3u8'))!;
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/vnd.apple.mpegurl');
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(await res.text()).toBe(stream.vodPlaylist());
  });

  it('serves every segment the live and replay playlists list, as immutable MPEG-TS', async () => {
    const { clock, get } = setup();
    clock.set(T0 + startOf(n + 3));
    const live = parseM3u8(await (await get('/streams/show-1/live.m3u8'))!.text());
    const replay = parseM3u8(await (await get('/streams/show-1/replay.m3u8'))!.text());
    for (const s of [...live.segments, ...replay.segments.slice(0, 2)]) {
      const res = (await get(`/streams/show-1/${s.uri}`))!;
      expect(res.status, s.uri).toBe(200);
      expect(res.headers.get('Content-Type')).toBe('video/mp2t');
      expect(res.headers.get('Cache-Control')).toBe('public, max-age=3600, immutable');
      expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*');
      const body = new Uint8Array(await res.arrayBuffer());
      expect(res.headers.get('Content-Length')).toBe(String(body.byteLength));
      expect(body[0]).toBe(0x47);
    }
    const seg = (await get(`/streams/show-1/seg-${n + 1}.ts`))!;
    expect(Buffer.from(await seg.arrayBuffer()).equals(readFileSync(join(dir, 'seg-001.ts')))).toBe(true);
  });

  it('answers HEAD without a body and a CORS preflight', async () => {
    const { clock, get } = setup();
    clock.set(T0 + 10_000);
    const head = (await get('/streams/show-1/seg-0.ts', { method: 'HEAD' }))!;
    expect(head.status).toBe(200);
    expect(head.headers.get('Content-Length')).toBe(String(statSync(join(dir, 'seg-000.ts')).size));
    expect(head.body).toBeNull();
    const preflight = (await get('/streams/show-1/live.m3u8', { method: 'OPTIONS' }))!;
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(preflight.headers.get('Access-Control-Allow-Methods')).toContain('GET');
    const post = (await get('/streams/show-1/live.m3u8', { method: 'POST' }))!;
    expect(post.status).toBe(405);
    expect(post.headers.get('Allow')).toContain('GET');
  });

  it('is 404 for unknown streams, files and segments not yet happened, with CORS', async () => {
    const { clock, get } = setup();
    clock.set(T0 + startOf(4) + 1);
    for (const path of [
      '/streams/show-2/live.m3u8',
      '/streams/show-1/seg-4.ts',
      '/streams/show-1/seg-100.ts',
      '/streams/show-1/seg-000.ts',
      '/streams/show-1/index.m3u8',
      '/streams/show-1/replay/seg-012.ts',
      '/streams/show-1/replay/..%2Findex.m3u8',
      '/streams/show-1/',
      '/streams/show-1',
      '/streams/',
      '/streams/%E0%A4%A/live.m3u8',
      '/streams/show-1/%E0%A4%A',
    ]) {
      const res = (await get(path))!;
      expect(res.status, path).toBe(404);
      expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*');
    }
    expect((await get('/streams/show-1/seg-3.ts'))!.status).toBe(200);
  });

  it('leaves requests outside basePath to the rest of the server', async () => {
    const { handler, get } = setup();
    expect(await get('/shows/show-1')).toBeUndefined();
    expect(await get('/streamsX/show-1/live.m3u8')).toBeUndefined();
    expect(await get('/streams')).toBeUndefined();
    expect(handler).toBeTypeOf('function');
    const { stream } = makeStream();
    const root = createHlsHandler(() => stream);
    expect((await root(new Request('http://127.0.0.1/any/replay.m3u8')))!.status).toBe(200);
    const noSlashes = createHlsHandler(() => stream, { basePath: 'video' });
    expect((await noSlashes(new Request('http://127.0.0.1/video/any/replay.m3u8')))!.status).toBe(200);
  });
});
