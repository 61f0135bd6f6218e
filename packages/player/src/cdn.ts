/**
 * Entry of the CDN build (`cdn/nightmarket.js`): a guard that loads the elements
 * (`cdn/chunks/player-<hash>.js`: the elements, the client and lit) unless another copy of the
 * player is already on the page.
 *
 * Embeds land on pages twice. A second copy must not even evaluate its lit: lit creates its
 * Trusted Types policy `lit-html` as it loads, and a page whose CSP lists `trusted-types lit-html`
 * without `'allow-duplicates'` (which it should not need: a duplicate policy name lets any script
 * mint trusted HTML) refuses the second one with a TypeError. So the check runs here, before
 * anything of lit is loaded, and the second copy only warns.
 *
 * No named exports: a second copy would have nothing to export. Import the classes from the
 * `@nightmarket/player` package.
 */

/** Marks the page as having a copy of the CDN player; the value is the URL of the one that loads. */
const LOADED = Symbol.for('@nightmarket/player:cdn');
const page = globalThis as { [LOADED]?: string };

if (typeof customElements !== 'undefined') {
  if (page[LOADED] !== undefined || customElements.get('nm-player') !== undefined) {
    console.warn(
      `@nightmarket/player: <nm-player> is already defined by another copy of the player on this page (${page[LOADED] ?? 'not from the CDN'}); this copy (${import.meta.url}) does nothing. Load the player once.`,
    );
  } else {
    page[LOADED] = import.meta.url;
    // Where HLS will play through hls.js (no native HLS with program date-time, which is what
    // pins need), fetch it now, alongside the elements, instead of after them: the player's own
    // import of it then finds it loaded. (Safari and iOS never fetch it.) The test is
    // `nativeSuffices()` of video-controller.ts, inlined: importing it here would put a shared
    // chunk in front of everything the entry loads.
    const probe = document.createElement('video');
    const nativeWithTime = probe.canPlayType('application/vnd.apple.mpegurl') !== '' && 'getStartDate' in probe;
    if (!nativeWithTime) {
      // The build the players on the page will ask for: the light one only if every one says so
      // (hls-build="light"); the full one otherwise, and for players added later.
      const players = [...document.querySelectorAll('nm-player')];
      const light = players.length > 0 && players.every((p) => p.getAttribute('hls-build') === 'light');
      (light ? import('hls.js/light') : import('hls.js')).catch(() => undefined);
    }
    import('./define-player.js').catch((error: unknown) => {
      console.error('@nightmarket/player: the elements could not be loaded:', error);
    });
  }
}

export {};
