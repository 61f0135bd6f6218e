/**
 * What the player's browser tests share: the test kit behind msw's service worker (a fresh
 * backend per test), players mounted on the page and removed after each test, live streams the
 * test runner serves (optionally with injected segment faults), and small waits.
 */
import { setupWorker } from 'msw/browser';
import type { NmPlayer, NmProductCard } from '@nightmarket/player';
import { createTestBackend, type ShowDirector, type TestBackend } from '@nightmarket/testing';

/** Base URL the kit answers under. */
export const BASE = 'https://shop.example/nightmarket/';

/** The test's backend (a new one for every test). */
export let backend: TestBackend;
const players: NmPlayer[] = [];
const worker = setupWorker();

/** Registers the mocha hooks: call once at the top of a test file. */
export function useKit(): void {
  before(async () => {
    await worker.start({ quiet: true, onUnhandledRequest: 'bypass' });
  });
  beforeEach(() => {
    // Carts are kept across reloads in localStorage: every test starts with none.
    localStorage.clear();
    // Viewer counting off: its events would race the assertions.
    backend = createTestBackend({ baseUrl: BASE, engine: { countViewers: false } });
    worker.use(...backend.handlers);
  });
  afterEach(() => {
    for (const player of players.splice(0)) player.remove();
    worker.resetHandlers();
    backend.dispose();
  });
  after(() => worker.stop());
}

let streams = 0;
/**
 * A live stream of its own. `fault` `<404|500|stall>-<n>` makes the test runner answer its segment
 * requests 4 … 3+n with that fault (web-test-runner.config.mjs).
 */
export function streamUrl(fault?: string): string {
  return new URL(`/streams/${fault ? `fault-${fault}-` : 'player-'}${++streams}-${Date.now()}/live.m3u8`, location.href).href;
}

/**
 * Adds `<nm-player>` for `show` with `attributes` (in `parent`, default the body); removed after
 * the test. `properties` are set before it joins (e.g. a `client` signed in as a viewer).
 */
export function addPlayer(
  show: ShowDirector,
  attributes: Record<string, string>,
  parent: Element = document.body,
  properties: Partial<Pick<NmPlayer, 'client' | 'commerce' | 'commerceTimeout'>> = {},
): NmPlayer {
  const player = document.createElement('nm-player');
  Object.assign(player, properties);
  for (const [name, value] of Object.entries({ api: BASE, show: show.id, ...attributes })) player.setAttribute(name, value);
  parent.append(player);
  players.push(player);
  return player;
}

/** Resolves once `test()` holds, polling; rejects after `ms` naming `what`. */
export async function until(test: () => boolean, what: string, ms = 8000): Promise<void> {
  const started = performance.now();
  while (!test()) {
    if (performance.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The element with `part` in the player's shadow root. */
export const part = (player: NmPlayer, name: string): Element | null => player.shadowRoot!.querySelector(`[part~="${name}"]`);

/** Opens the product drawer and returns its first card, rendered. */
export async function firstCard(player: NmPlayer): Promise<NmProductCard> {
  player.openProducts();
  await player.updateComplete;
  const drawer = player.shadowRoot!.querySelector('nm-product-drawer')!;
  await drawer.updateComplete;
  const card = drawer.shadowRoot!.querySelector('nm-product-card')!;
  await card.updateComplete;
  return card;
}
