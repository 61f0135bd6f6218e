/**
 * Defines the Night Market elements: `import '@nightmarket/player/define'`. With the modules it
 * imports, the only code of the package with side effects.
 *
 * Embeds land on pages twice (two bundles, two versions): a tag already defined by another copy
 * is left alone with one console warning, never an exception, and the page keeps working with
 * the copy that loaded first.
 */
import './define-player.js';
import { LIVE_TAGS } from './live-room.js';
import { SHOP_TAGS } from './shop-elements.js';

/** The tags this module defines; their classes are exported by `@nightmarket/player`. */
export const DEFINED_TAGS: readonly string[] = ['nm-player', ...SHOP_TAGS, ...LIVE_TAGS];
