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
export { NmCart, type CartHost } from './cart.js';
export { NmBuySheet } from './buy-sheet.js';
export { NmCountdown } from './countdown.js';
export { NmChat } from './chat.js';
export { NmPoll } from './poll.js';
export { NmReactions } from './reactions.js';
export { NmPurchaseTicker, type PurchaseNotice } from './purchase-ticker.js';
export { NmViewerCount } from './viewer-count.js';
export {
  LIVE_EVENTS,
  NmChatSendEvent,
  NmLiveRequestEvent,
  NmReactEvent,
  NmVoteEvent,
  type ChatIntent,
  type ReactIntent,
  type VoteIntent,
} from './live-events.js';
export { LiveLocalizer, liveLocalizer, type LivePluralKey, type LiveTextKey } from './i18n/live-localize.js';
export { liveEn, type LiveMessages } from './i18n/live-messages.js';
export { RoomLink } from './room-link.js';
export { cleanText, mentionSegments, shortTitle, type TextSegment } from './text.js';
export {
  EVENTS,
  NmRequestEvent,
  NmAddToCartEvent,
  NmUpdateCartEvent,
  NmCheckoutEvent,
  NmReserveEvent,
  NmDepositEvent,
  NmDepositOfferEvent,
  NmBuyNowEvent,
  NmDrawerToggleEvent,
  NmProductClickEvent,
  NmStateChangeEvent,
  NmVideoErrorEvent,
  type PurchaseIntent,
  type CartChange,
  type ReserveIntent,
  type DepositIntent,
  type VideoErrorKind,
} from './events.js';
export { Localizer, catalogueFor, hasCatalogue, loadCatalogue, type CatalogueLocale, type PluralKey, type TextKey } from './i18n/localize.js';
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
