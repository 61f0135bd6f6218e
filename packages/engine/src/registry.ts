/**
 * A registry of shows: the backend's engines by show id, sharing options and, by default, one store.
 */
import { ShowEngine, type EngineOptions, type ShowInit } from './engine.js';
import { MemoryStore } from './memory-store.js';
import type { SavedShow } from './store.js';

/**
 * The shows of a backend by id, each run by its own {@link ShowEngine}. Options given to the
 * registry apply to every show; by default all shows share one {@link MemoryStore}.
 */
export class ShowRegistry {
  readonly #engines = new Map<string, ShowEngine>();
  readonly #options: EngineOptions;

  /**
   * @param options - options every show gets (a show's own options override them). Unless they
   *   name a store, the registry creates one {@link MemoryStore} shared by all its shows.
   */
  constructor(options: EngineOptions = {}) {
    this.#options = { ...options, store: options.store ?? new MemoryStore() };
  }

  /** Creates the engine of a show. Throws if the registry already has a show with that id. */
  create(init: ShowInit, options: EngineOptions = {}): ShowEngine {
    const id = init.show.id;
    if (this.#engines.has(id)) throw new Error(`ShowRegistry: a show with id "${id}" already exists.`);
    const engine = new ShowEngine(init, { ...this.#options, ...stripUndefined(options) });
    this.#engines.set(id, engine);
    return engine;
  }

  /**
   * Resumes a show from its saved state (see {@link EngineOptions.restore}): a new epoch, the
   * counters taken from the store. Throws if the registry already has a show with that id.
   */
  resume(saved: SavedShow, options: EngineOptions = {}): ShowEngine {
    const { show, products } = saved.state;
    return this.create({ show, products }, { ...options, restore: saved });
  }

  /**
   * Removes a show for good: disposes its engine and deletes its saved state from the store (its
   * orders stay). False when there was no such show.
   */
  async remove(showId: string): Promise<boolean> {
    const engine = this.#engines.get(showId);
    if (!engine) return false;
    this.#engines.delete(showId);
    await engine.forget();
    return true;
  }

  /** The engine of a show, or undefined. */
  get(showId: string): ShowEngine | undefined {
    return this.#engines.get(showId);
  }

  /** Every engine, in creation order. */
  list(): ShowEngine[] {
    return [...this.#engines.values()];
  }

  /** Disposes a show's engine and forgets it; false when there was none. */
  delete(showId: string): boolean {
    const engine = this.#engines.get(showId);
    if (!engine) return false;
    engine.dispose();
    return this.#engines.delete(showId);
  }

  /** Disposes every engine and forgets them all. */
  dispose(): void {
    for (const engine of this.#engines.values()) engine.dispose();
    this.#engines.clear();
  }
}

function stripUndefined(options: EngineOptions): EngineOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as EngineOptions;
}

