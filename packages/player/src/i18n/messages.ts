/**
 * The player's message catalogue: every string a viewer can see or hear, in one place.
 *
 * A message is a string with `{name}` placeholders, or, when it depends on a count, plural forms
 * chosen with `Intl.PluralRules` (`other` is required). Values are filled in as text, never as
 * HTML. Translations live beside this file, one module per locale, each a complete
 * {@link Messages} object, so the type checker finds a missing string.
 */

/** Plural forms of a message, chosen by `Intl.PluralRules` for the locale (`other` is the fallback). */
export interface PluralMessage {
  /** Form for zero, in languages that have one. */
  readonly zero?: string;
  /** Form for one (e.g. "1 product"). */
  readonly one?: string;
  /** Form for two, in languages that have one. */
  readonly two?: string;
  /** Form for "few", in languages that have one. */
  readonly few?: string;
  /** Form for "many", in languages that have one. */
  readonly many?: string;
  /** Every other count. */
  readonly other: string;
}

/** Every string of the player. Placeholders are listed with each message. */
export interface Messages {
  /** Accessible name of the player region. `{title}`: show title. */
  readonly playerLabel: string;
  /** Badge shown while the viewer watches at the live edge. */
  readonly live: string;
  /** Label of the live badge when the viewer is behind: pressing it returns to the edge. */
  readonly goLive: string;
  /** Viewer count. `{count}`: formatted number. */
  readonly viewers: PluralMessage;
  /** Big button while autoplay had to start muted. */
  readonly tapToUnmute: string;
  /** Mute button. */
  readonly mute: string;
  /** Unmute button. */
  readonly unmute: string;
  /** Play button. */
  readonly play: string;
  /** Pause button. */
  readonly pause: string;
  /** Picture-in-picture button. */
  readonly pictureInPicture: string;
  /** Captions toggle. */
  readonly captions: string;
  /** Announced and shown while the video buffers. */
  readonly buffering: string;
  /** Waiting room countdown. `{time}`: formatted duration, e.g. "2:05:09". */
  readonly startsIn: string;
  /** Waiting room once the start time has passed but the host has not started. */
  readonly startingSoon: string;
  /** Host line. `{host}`: host name. */
  readonly hostedBy: string;
  /** Start date and time. `{date}`: formatted date and time. */
  readonly startsAt: string;
  /** Button that downloads an .ics calendar entry. */
  readonly addToCalendar: string;
  /** Heading of the products preview in the waiting room. */
  readonly comingUp: string;
  /** Paused show heading. */
  readonly pausedTitle: string;
  /** Paused show text. */
  readonly pausedBody: string;
  /** Ended show heading. */
  readonly endedTitle: string;
  /** Ended show text. */
  readonly endedBody: string;
  /** Button that plays the recording of an ended show. */
  readonly watchReplay: string;
  /** Shown while the connection to the show is being re-established. */
  readonly reconnecting: string;
  /** The show could not be loaded at all. */
  readonly loadFailed: string;
  /** The video failed and could not recover. */
  readonly videoError: string;
  /** Retry button. */
  readonly retry: string;
  /** Products button. `{count}`: number of products. */
  readonly products: PluralMessage;
  /** Heading of the product drawer. */
  readonly productsTitle: string;
  /** Close button. */
  readonly close: string;
  /** Label of the pinned product. */
  readonly nowShowing: string;
  /** Add-to-cart button. */
  readonly addToCart: string;
  /** Buy-now button. */
  readonly buyNow: string;
  /** A variant that cannot be bought. */
  readonly soldOut: string;
  /** In stock, count unknown or large. */
  readonly inStock: string;
  /** Few left. `{count}`: units left. */
  readonly fewLeft: PluralMessage;
  /** Label of the variant picker. */
  readonly option: string;
  /** Delivery window. `{min}`, `{max}`: days. */
  readonly deliveryRange: string;
  /** Delivery in an exact number of days. `{days}`: days. */
  readonly deliveryDays: PluralMessage;
  /** Who ships it. `{name}`: carrier or fulfiller. */
  readonly fulfilledBy: string;
  /** Free shipping note. */
  readonly freeShipping: string;
  /** Spoken before a struck-through price. `{price}`: formatted price. */
  readonly regularPrice: string;
  /** Spoken before the current price when there is a regular price. `{price}`: formatted price. */
  readonly nowPrice: string;
  /** Flash sale label. */
  readonly flashSale: string;
  /** Flash sale countdown. `{time}`: formatted duration. */
  readonly endsIn: string;
  /** Units left in a flash sale. `{count}`: units. */
  readonly unitsLeft: PluralMessage;
  /** A flash sale that has not started. `{time}`: formatted duration. */
  readonly saleStartsIn: string;
  /** Mini-player: button that returns to the full player. */
  readonly expand: string;
}

/** English: the source catalogue and the fallback for any locale the player has no catalogue for. */
export const en: Messages = {
  playerLabel: 'Live shopping: {title}',
  live: 'LIVE',
  goLive: 'Go live',
  viewers: { one: '{count} watching', other: '{count} watching' },
  tapToUnmute: 'Tap to unmute',
  mute: 'Mute',
  unmute: 'Unmute',
  play: 'Play',
  pause: 'Pause',
  pictureInPicture: 'Picture in picture',
  captions: 'Captions',
  buffering: 'Loading video…',
  startsIn: 'Starts in {time}',
  startingSoon: 'Starting any moment',
  hostedBy: 'Hosted by {host}',
  startsAt: '{date}',
  addToCalendar: 'Add to calendar',
  comingUp: 'Coming up in this show',
  pausedTitle: 'Back soon',
  pausedBody: 'The host paused the show. Stay here: it picks up right where it left off.',
  endedTitle: 'Thanks for watching',
  endedBody: 'This show has ended.',
  watchReplay: 'Watch the replay',
  reconnecting: 'Reconnecting…',
  loadFailed: 'This show could not be loaded.',
  videoError: 'The video stopped playing.',
  retry: 'Try again',
  products: { one: '{count} product', other: '{count} products' },
  productsTitle: 'Products in this show',
  close: 'Close',
  nowShowing: 'Now showing',
  addToCart: 'Add to cart',
  buyNow: 'Buy now',
  soldOut: 'Sold out',
  inStock: 'In stock',
  fewLeft: { one: 'Only {count} left', other: 'Only {count} left' },
  option: 'Option',
  deliveryRange: 'Delivery in {min}–{max} days',
  deliveryDays: { one: 'Delivery in {days} day', other: 'Delivery in {days} days' },
  fulfilledBy: 'Ships with {name}',
  freeShipping: 'Free shipping',
  regularPrice: 'Regular price {price}',
  nowPrice: 'Now {price}',
  flashSale: 'Flash sale',
  endsIn: 'Ends in {time}',
  unitsLeft: { one: '{count} left', other: '{count} left' },
  saleStartsIn: 'Sale starts in {time}',
  expand: 'Back to the show',
};
