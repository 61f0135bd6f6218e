/**
 * Defines the Night Market elements: `import '@nightmarket/player/define'`. The only module of the
 * package with side effects.
 *
 * Embeds land on pages twice (two bundles, two versions): a tag already defined by another copy
 * is left alone with one console warning, never an exception, and the page keeps working with
 * the copy that loaded first.
 */
import { NmPlayer } from './player.js';
import { NmProductCard } from './product-card.js';
import { NmProductDrawer } from './product-drawer.js';

const ELEMENTS: Readonly<Record<string, CustomElementConstructor>> = {
  'nm-player': NmPlayer,
  'nm-product-drawer': NmProductDrawer,
  'nm-product-card': NmProductCard,
};

/** The tags this module defines; their classes are exported by `@nightmarket/player`. */
export const DEFINED_TAGS: readonly string[] = Object.keys(ELEMENTS);

if (typeof customElements !== 'undefined') {
  const taken: string[] = [];
  for (const [tag, element] of Object.entries(ELEMENTS)) {
    const existing = customElements.get(tag);
    if (!existing) customElements.define(tag, element);
    else if (existing !== element) taken.push(`<${tag}>`);
  }
  if (taken.length > 0) {
    console.warn(`@nightmarket/player: ${taken.join(', ')} already defined by another copy of the player on this page; using that one. Load the player once.`);
  }
}
