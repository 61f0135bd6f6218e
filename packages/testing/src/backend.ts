/**
 * The test backend: a registry of shows run by the real show engine, served through the
 * protocol's real HTTP binding, exposed as msw request handlers for the browser (`setupWorker`)
 * and Node (`setupServer`). Faults sit between msw and the binding.
 */
import type { Product, Show } from '@nightmarket/client';
import { createHttpHandler, ShowRegistry, type EngineOptions, type Viewer } from '@nightmarket/engine';
import { http, type HttpHandler } from 'msw';
import { sampleProducts, sampleShow } from './catalog.js';
import { ShowDirector } from './director.js';
import { Faults, type FaultTarget } from './faults.js';

/** Options of {@link createTestBackend}. */
export interface TestBackendOptions {
  /** Base URL the handlers answer under (default `https://shop.example/nightmarket/`). */
  baseUrl?: string;
  /** Bearer token of the admin API (default `test-admin-token`). */
  adminToken?: string;
  /**
   * Maps a request to a viewer. Default: `Authorization: Bearer <id>` (or `<id>~<display name>`)
   * is that viewer; no token is an anonymous request (401 on viewer calls).
   */
  identify?: (request: Request) => Viewer | null;
  /** Options for every show's engine (clock, heartbeat, history, autoTick …). */
  engine?: EngineOptions;
}

/** What {@link TestBackend.createShow} accepts; everything defaults to the sample show. */
export interface ShowSetup {
  /** Fields of the show; the rest comes from {@link sampleShow}. */
  show?: Partial<Show>;
  /** Products (default {@link sampleProducts}). */
  products?: readonly Product[];
  /** Engine options for this show, over the backend's. */
  engine?: EngineOptions;
}

/** Creates a test backend. Pass `backend.handlers` to msw's `setupServer` or `setupWorker`. */
export function createTestBackend(options: TestBackendOptions = {}): TestBackend {
  return new TestBackend(options);
}

/** A protocol backend in memory, for tests and demos. Create it with {@link createTestBackend}. */
export class TestBackend {
  /** Base URL the handlers answer under, ending with `/`. */
  readonly baseUrl: string;
  /** Bearer token of the admin API. */
  readonly adminToken: string;
  /** The shows. */
  readonly registry: ShowRegistry;
  /** Faults for every request of this backend. */
  readonly faults = new Faults();
  /** msw handlers serving the whole protocol under {@link TestBackend.baseUrl}. */
  readonly handlers: readonly HttpHandler[];
  readonly #directors = new Map<string, ShowDirector>();
  readonly #handle: (request: Request) => Promise<Response>;
  readonly #basePath: string;

  constructor(options: TestBackendOptions = {}) {
    const base = new URL(options.baseUrl ?? 'https://shop.example/nightmarket/');
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.baseUrl = base.href;
    this.#basePath = base.pathname;
    this.adminToken = options.adminToken ?? 'test-admin-token';
    this.registry = new ShowRegistry(options.engine);
    this.#handle = createHttpHandler({
      shows: this.registry,
      adminToken: this.adminToken,
      basePath: base.pathname,
      ...(options.identify ? { identify: options.identify } : {}),
    });
    this.handlers = [http.all(`${this.baseUrl}*`, ({ request }) => this.handle(request))];
  }

  /** Creates a show (the sample show unless told otherwise) and returns its director. */
  createShow(setup: ShowSetup = {}): ShowDirector {
    const show = sampleShow(setup.show);
    if (this.#directors.has(show.id)) {
      throw new Error(`TestBackend.createShow: a show with id "${show.id}" already exists; pass show: { id: "…" }.`);
    }
    const engine = this.registry.create({ show, products: [...(setup.products ?? sampleProducts)] }, setup.engine);
    const director = new ShowDirector(engine);
    this.#directors.set(show.id, director);
    return director;
  }

  /** The director of a show created earlier. */
  show(showId: string): ShowDirector {
    const director = this.#directors.get(showId);
    if (!director) throw new Error(`TestBackend.show: no show "${showId}"; create it with createShow().`);
    return director;
  }

  /**
   * Answers one protocol request (what the msw handlers call). Usable without msw, for example
   * behind a dev server's middleware.
   */
  async handle(request: Request): Promise<Response> {
    const { target, showId } = this.#classify(request);
    const showFaults = showId ? this.#directors.get(showId)?.faults : undefined;
    return this.faults.apply(request, target, () =>
      showFaults ? showFaults.apply(request, target, () => this.#handle(request)) : this.#handle(request),
    );
  }

  /** Stops every show's timers and closes their streams. */
  dispose(): void {
    for (const director of this.#directors.values()) director.engine.dispose();
    this.#directors.clear();
  }

  #classify(request: Request): { target: Exclude<FaultTarget, 'any'>; showId: string | undefined } {
    const path = new URL(request.url).pathname.slice(this.#basePath.length);
    const match = /^shows\/([^/]+)(\/.*)?$/.exec(path);
    const showId = match ? decodeURIComponent(match[1]!) : undefined;
    const rest = match?.[2] ?? '';
    const target = request.method === 'GET' && rest === '/events' ? 'stream' : request.method === 'GET' && rest === '' ? 'snapshot' : 'commerce';
    return { target, showId };
  }
}
