/**
 * `@nightmarket/player`: the `<nm-player>` web component and its parts, for live shopping on any
 * page. Importing this module defines nothing; `import '@nightmarket/player/define'` defines the
 * elements (or define them yourself under other tags).
 *
 * @packageDocumentation
 */
export { NmPlayer, type PlayerLayout } from './player.js';
export { NmProductDrawer } from './product-drawer.js';
export { NmProductCard } from './product-card.js';
export {
  EVENTS,
  NmAddToCartEvent,
  NmBuyNowEvent,
  NmDrawerToggleEvent,
  NmProductClickEvent,
  NmStateChangeEvent,
  NmVideoErrorEvent,
  type PurchaseIntent,
  type VideoErrorKind,
} from './events.js';
export { Localizer, catalogueFor, type CatalogueLocale, type PluralKey, type TextKey } from './i18n/localize.js';
export { en, type Messages, type PluralMessage } from './i18n/messages.js';
export { PinSchedule } from './pin-schedule.js';
export { showToIcs, icsFileName } from './calendar.js';
export {
  VideoController,
  hasNativeHls,
  loadHls,
  nativeSuffices,
  type HlsBuild,
  type PlaybackEngine,
  type VideoControllerOptions,
  type VideoSource,
  type VideoStatus,
} from './video/video-controller.js';
