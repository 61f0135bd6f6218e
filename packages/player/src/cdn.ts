/**
 * Entry of the single-file CDN build (`cdn/nightmarket.js`): defines the elements and exports the
 * same API as the package, so a page can also `import { NmPlayer } from '…/nightmarket.js'`.
 */
import './define.js';

export * from './index.js';
