/**
 * Plays a live HLS stream in a `<video>`: natively where the browser can (Safari, iOS, Chromium
 * with native HLS), else with hls.js, imported only then. Tracks what the player draws (loading,
 * buffering, at the live edge, muted autoplay, errors) and maps the playhead to stream time
 * (EXT-X-PROGRAM-DATE-TIME), which is what pins are scheduled against.
 *
 * Recovery follows hls.js's own guidance: a fatal network error is retried with backoff (the
 * count resets once media arrives again), a fatal media error is recovered once, anything else —
 * or a second media error — ends in the error state, from which `retry()` starts over.
 */
import type Hls from 'hls.js';
import type { ErrorData, HlsConfig } from 'hls.js';
import type { VideoErrorKind } from '../events.js';

/** What the video is doing, as the player draws it. */
export type VideoStatus = 'idle' | 'loading' | 'playing' | 'paused' | 'buffering' | 'error';

/** How the stream is played. */
export type PlaybackEngine = 'native' | 'hls.js';

/**
 * The hls.js build that plays a stream where hls.js does. `full` (hls.js, 182 KB gzip) has
 * everything; `light` (hls.js/light, 116 KB gzip) leaves out subtitles and captions (WebVTT, IMSC1,
 * CEA-608/708), alternate audio renditions, DRM (EME), CMCD, interstitials, variable substitution,
 * I-frame playlists and HEVC/AC-3 in MPEG-TS: it suffices for a stream that uses none of them.
 */
export type HlsBuild = 'full' | 'light';

/** A stream to play. */
export interface VideoSource {
  /** URL of the HLS playlist (http or https). */
  readonly url: string;
  /** A live stream (has a live edge) or a recording. */
  readonly live: boolean;
  /** The stream carries EXT-X-PROGRAM-DATE-TIME and the player needs it (to place pins in time). */
  readonly programDateTime: boolean;
  /** The hls.js build to play it with, where hls.js plays it (default `full`). */
  readonly hlsBuild?: HlsBuild | undefined;
}

/** Options of {@link VideoController}. */
export interface VideoControllerOptions {
  /** Called after any change the player draws. */
  readonly onChange: () => void;
  /** Called once when the video fails for good. */
  readonly onError?: ((kind: VideoErrorKind, detail: string) => void) | undefined;
  /** Extra hls.js settings, merged over the player's. */
  readonly hlsConfig?: Partial<HlsConfig> | undefined;
}

/** Seconds behind the live edge that still count as "live". */
const LIVE_TOLERANCE_S = 6;
/** Fatal network errors retried in a row before the error state. */
const NETWORK_RETRIES = 2;
/** Native playback errors retried in a row before the error state. */
const NATIVE_RETRIES = 3;

const hlsModules: Partial<Record<HlsBuild, Promise<typeof Hls>>> = {};
/** The classes of the builds imported so far: a stream starts without waiting for a promise when its build is here. */
const hlsLoaded: Partial<Record<HlsBuild, typeof Hls>> = {};

/**
 * Starts importing hls.js (once per build) and resolves with its class. The player calls it as
 * soon as it knows hls.js will be needed, so the download overlaps the show's snapshot request.
 *
 * @param build - `full` (default) or `light` (see {@link HlsBuild})
 */
export function loadHls(build: HlsBuild = 'full'): Promise<typeof Hls> {
  hlsModules[build] ??= (build === 'light' ? import('hls.js/light') : import('hls.js')).then((m) => (hlsLoaded[build] = m.default));
  return hlsModules[build];
}

/** Whether the browser plays HLS in a plain `<video>`. */
export function hasNativeHls(video: HTMLVideoElement): boolean {
  return video.canPlayType('application/vnd.apple.mpegurl') !== '';
}

/**
 * Whether native playback gives the player what `source` needs. Native HLS maps the playhead to
 * program date-time only where `getStartDate()` exists (Safari); Chromium's native HLS does not
 * have it, so a stream whose pins depend on it plays through hls.js there.
 */
export function nativeSuffices(video: HTMLVideoElement, source: Pick<VideoSource, 'programDateTime'>): boolean {
  if (!hasNativeHls(video)) return false;
  return !source.programDateTime || typeof (video as VideoWithStartDate).getStartDate === 'function';
}

interface VideoWithStartDate extends HTMLVideoElement {
  getStartDate?: () => Date;
}

/** Drives one `<video>`. Create one per player; {@link VideoController.destroy} when done. */
export class VideoController {
  /** What the video is doing. */
  status: VideoStatus = 'idle';
  /** How the current stream plays, once chosen. */
  engine: PlaybackEngine | null = null;
  /** Autoplay with sound was refused, so the video plays muted until the viewer unmutes. */
  autoplayMuted = false;
  /** Why the video failed, in the error state. */
  error: { readonly kind: VideoErrorKind; readonly detail: string } | null = null;

  readonly #options: VideoControllerOptions;
  #video: HTMLVideoElement | null = null;
  #source: VideoSource | null = null;
  #hls: Hls | null = null;
  #autoplay = true;
  #networkRetries = 0;
  #mediaRecovered = false;
  #nativeRetries = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #generation = 0;
  /** Media time of the video frame last presented for composition (requestVideoFrameCallback), or null. */
  #frameTime: number | null = null;
  #frameCallback: number | undefined;
  readonly #listeners: [string, EventListener][] = [];

  /** @param options - change and error callbacks, hls.js settings */
  constructor(options: VideoControllerOptions) {
    this.#options = options;
  }

  /** The video element being driven. */
  get video(): HTMLVideoElement | null {
    return this.#video;
  }

  /** The stream being played. */
  get source(): VideoSource | null {
    return this.#source;
  }

  /**
   * Plays `source` in `video`, replacing whatever played before.
   *
   * @param video - the element (the controller listens to it until `destroy`)
   * @param source - the stream
   * @param options - `autoplay` (default true): start at once, muted if the browser requires it
   */
  load(video: HTMLVideoElement, source: VideoSource, options: { autoplay?: boolean } = {}): void {
    this.#detach();
    this.#video = video;
    this.#source = source;
    this.#autoplay = options.autoplay ?? true;
    this.#networkRetries = 0;
    this.#mediaRecovered = false;
    this.#nativeRetries = 0;
    this.error = null;
    this.#listen(video);
    this.#start();
  }

  /** Program date-time (epoch ms) of the frame on screen, or null when the stream has none or nothing plays yet. */
  programDateTime(): number | null {
    const video = this.#video;
    if (!video || this.status === 'idle' || this.status === 'loading' || this.status === 'error') return null;
    if (this.#hls) return this.#hls.playingDate?.getTime() ?? null;
    const start = (video as VideoWithStartDate).getStartDate?.().getTime();
    return start === undefined || Number.isNaN(start) ? null : start + video.currentTime * 1000;
  }

  /**
   * Program date-time (epoch ms) the viewer has certainly seen reached: the earlier of the
   * playhead's ({@link VideoController.programDateTime}) and the last video frame presented's.
   * The two are a frame or so apart, either way round; pins wait for this one, so a pinned card
   * never shows while the frame before its moment is still on screen. Null like `programDateTime()`.
   */
  shownProgramDateTime(): number | null {
    const playhead = this.programDateTime();
    const video = this.#video;
    const frame = this.#frameTime;
    if (playhead === null || !video || frame === null) return playhead;
    const ahead = video.currentTime - frame;
    // A frame from before a seek says nothing about what is on screen now.
    if (!(Math.abs(ahead) <= 1)) return playhead;
    return Math.min(playhead, playhead - ahead * 1000);
  }

  /** Seconds the playhead is behind the live edge, or null when unknown (or not live). */
  behindLive(): number | null {
    const video = this.#video;
    if (!video || !this.#source?.live) return null;
    let edge: number | null = null;
    if (this.#hls) edge = this.#hls.liveSyncPosition;
    else if (video.seekable.length > 0) edge = video.seekable.end(video.seekable.length - 1);
    return edge === null ? null : Math.max(0, edge - video.currentTime);
  }

  /** Whether the viewer watches at (or near) the live edge: playing and at most a few seconds behind. */
  get atLiveEdge(): boolean {
    if (!this.#source?.live || this.status === 'paused' || this.status === 'error') return false;
    const behind = this.behindLive();
    return behind === null || behind <= LIVE_TOLERANCE_S;
  }

  /** Jumps to the live edge and plays. */
  seekToLive(): void {
    const video = this.#video;
    if (!video) return;
    const edge = this.#hls?.liveSyncPosition ?? (video.seekable.length > 0 ? video.seekable.end(video.seekable.length - 1) - 1 : null);
    if (edge !== null && Number.isFinite(edge)) video.currentTime = edge;
    void this.play();
  }

  /** Plays (a viewer gesture: also allowed with sound). */
  async play(): Promise<void> {
    await this.#video?.play().catch(() => undefined);
  }

  /** Pauses. */
  pause(): void {
    this.#video?.pause();
  }

  /** Mutes or unmutes; unmuting also ends the "tap to unmute" prompt. */
  setMuted(muted: boolean): void {
    if (!this.#video) return;
    this.#video.muted = muted;
    if (!muted) {
      this.autoplayMuted = false;
      void this.play();
    }
    this.#options.onChange();
  }

  /** Starts over after the error state (the retry button). */
  retry(): void {
    const video = this.#video;
    const source = this.#source;
    if (video && source) this.load(video, source, { autoplay: true });
  }

  /** Stops playback and releases the element and hls.js. */
  destroy(): void {
    this.#detach();
    this.#video = null;
    this.#source = null;
    this.status = 'idle';
  }

  // --- Internals --------------------------------------------------------------------------------

  #start(): void {
    const video = this.#video!;
    const source = this.#source!;
    const generation = ++this.#generation;
    this.#set('loading');
    if (nativeSuffices(video, source)) {
      this.engine = 'native';
      video.src = source.url;
      this.#autoplayNow();
      return;
    }
    this.engine = 'hls.js';
    // hls.js already loaded (the player starts the import before the snapshot arrives): start now,
    // in this task. A promise callback would run only after the microtasks queued before it —
    // among them the player's re-render for the snapshot — and delay the playlist request by as much.
    const build = source.hlsBuild ?? 'full';
    const loaded = hlsLoaded[build];
    if (loaded) {
      this.#startHls(loaded, video, source);
      return;
    }
    loadHls(build).then(
      (HlsClass) => {
        if (generation === this.#generation) this.#startHls(HlsClass, video, source);
      },
      (error: unknown) => {
        if (generation === this.#generation) this.#fail('unsupported', `hls.js could not be loaded: ${String(error)}`);
      },
    );
  }

  #startHls(HlsClass: typeof Hls, video: HTMLVideoElement, source: VideoSource): void {
    if (!HlsClass.isSupported()) {
      this.#fail('unsupported', 'This browser plays neither HLS nor Media Source Extensions.');
      return;
    }
    const hls = new HlsClass({
      // The ESM build demuxes on the main thread; no blob: worker, so a strict CSP is fine.
      enableWorker: false,
      liveSyncDurationCount: 3,
      // A stalled segment must not hold a live stream for minutes (the default is 120 s).
      fragLoadPolicy: {
        default: {
          maxTimeToFirstByteMs: 8000,
          maxLoadTimeMs: 15_000,
          timeoutRetry: { maxNumRetry: 2, retryDelayMs: 0, maxRetryDelayMs: 0 },
          errorRetry: { maxNumRetry: 3, retryDelayMs: 500, maxRetryDelayMs: 2000 },
        },
      },
      ...this.#options.hlsConfig,
    });
    this.#hls = hls;
    hls.on(HlsClass.Events.ERROR, (_event, data) => this.#hlsError(HlsClass, data));
    hls.on(HlsClass.Events.FRAG_BUFFERED, () => {
      this.#networkRetries = 0;
    });
    hls.on(HlsClass.Events.SUBTITLE_TRACKS_UPDATED, () => this.#options.onChange());
    hls.attachMedia(video);
    hls.loadSource(source.url);
    this.#autoplayNow();
  }

  #hlsError(HlsClass: typeof Hls, data: ErrorData): void {
    if (!data.fatal) return;
    const hls = this.#hls;
    if (!hls) return;
    if (data.type === HlsClass.ErrorTypes.NETWORK_ERROR && this.#networkRetries < NETWORK_RETRIES) {
      const delay = 1000 * 2 ** this.#networkRetries++;
      this.#set('buffering');
      clearTimeout(this.#retryTimer);
      this.#retryTimer = setTimeout(() => hls.startLoad(), delay);
      return;
    }
    if (data.type === HlsClass.ErrorTypes.MEDIA_ERROR && !this.#mediaRecovered) {
      this.#mediaRecovered = true;
      hls.recoverMediaError();
      return;
    }
    this.#fail(data.type === HlsClass.ErrorTypes.NETWORK_ERROR ? 'network' : 'media', data.details);
  }

  #nativeError(): void {
    const video = this.#video;
    if (!video || this.engine !== 'native') return;
    const code = video.error?.code ?? 0;
    if (this.#nativeRetries < NATIVE_RETRIES) {
      const delay = 1000 * 2 ** this.#nativeRetries++;
      this.#set('buffering');
      clearTimeout(this.#retryTimer);
      this.#retryTimer = setTimeout(() => {
        if (!this.#source) return;
        video.src = this.#source.url;
        this.#autoplayNow();
      }, delay);
      return;
    }
    this.#fail(code === MediaError.MEDIA_ERR_NETWORK ? 'network' : 'media', `MediaError ${code}: ${video.error?.message ?? ''}`.trim());
  }

  #autoplayNow(): void {
    const video = this.#video;
    if (!video || !this.#autoplay) return;
    video.play().catch((error: unknown) => {
      // Browsers refuse autoplay with sound without a gesture: play muted and offer to unmute.
      if (error instanceof DOMException && error.name === 'NotAllowedError' && !video.muted) {
        video.muted = true;
        this.autoplayMuted = true;
        video.play().catch(() => undefined);
        this.#options.onChange();
      }
    });
  }

  #fail(kind: VideoErrorKind, detail: string): void {
    this.#detach(false);
    this.error = { kind, detail };
    this.#set('error');
    this.#options.onError?.(kind, detail);
  }

  #listen(video: HTMLVideoElement): void {
    const on = (type: string, handler: () => void): void => {
      video.addEventListener(type, handler);
      this.#listeners.push([type, handler]);
    };
    on('playing', () => {
      this.#nativeRetries = 0;
      this.#set('playing');
    });
    on('pause', () => this.#set(video.ended ? 'idle' : 'paused'));
    on('waiting', () => this.#set('buffering'));
    on('stalled', () => {
      if (video.readyState < HTMLMediaElement.HAVE_FUTURE_DATA) this.#set('buffering');
    });
    on('canplay', () => {
      if (this.status === 'buffering' && !video.paused) this.#set('playing');
    });
    on('error', () => this.#nativeError());
    on('volumechange', () => this.#options.onChange());
    on('timeupdate', () => this.#options.onChange());
    if (this.#source?.programDateTime && typeof video.requestVideoFrameCallback === 'function') {
      // Which frame is on screen, for shownProgramDateTime(): one callback per presented frame.
      const onFrame = (_now: number, frame: VideoFrameCallbackMetadata): void => {
        this.#frameTime = frame.mediaTime;
        this.#frameCallback = video.requestVideoFrameCallback(onFrame);
      };
      this.#frameCallback = video.requestVideoFrameCallback(onFrame);
    }
  }

  #detach(unload = true): void {
    this.#generation++;
    clearTimeout(this.#retryTimer);
    this.#hls?.destroy();
    this.#hls = null;
    const video = this.#video;
    if (!video) return;
    for (const [type, handler] of this.#listeners.splice(0)) video.removeEventListener(type, handler);
    if (this.#frameCallback !== undefined) video.cancelVideoFrameCallback(this.#frameCallback);
    this.#frameCallback = undefined;
    this.#frameTime = null;
    if (unload) {
      video.removeAttribute('src');
      video.load();
    }
  }

  #set(status: VideoStatus): void {
    if (this.status === 'error' && status !== 'loading') return;
    if (this.status === status) return;
    this.status = status;
    this.#options.onChange();
  }
}
