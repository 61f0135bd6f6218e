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
  /** Cart button. `{count}`: units in the cart. */
  readonly cartButton: PluralMessage;
  /** Heading of the cart. */
  readonly cartTitle: string;
  /** An empty cart. */
  readonly cartEmpty: string;
  /** Subtotal label. */
  readonly subtotal: string;
  /** Checkout button of the cart. */
  readonly checkout: string;
  /** Quantity of a cart line. `{title}`: line title. */
  readonly quantityOf: string;
  /** Button that lowers a line's quantity. `{title}`: line title. */
  readonly decrease: string;
  /** Button that raises a line's quantity. `{title}`: line title. */
  readonly increase: string;
  /** Button that removes a line. `{title}`: line title. */
  readonly removeLine: string;
  /** Announced when a product was added. `{title}`: product title. */
  readonly addedToCart: string;
  /** Shown while a change or checkout is in flight. */
  readonly working: string;
  /** Button that hides an error message. */
  readonly dismiss: string;
  /** Heading of the buy-now sheet. */
  readonly orderSummary: string;
  /** Quantity label. */
  readonly quantity: string;
  /** Total label. */
  readonly total: string;
  /** Button that places the order. */
  readonly placeOrder: string;
  /** Heading once the order is placed. */
  readonly orderPlaced: string;
  /** Order reference. `{id}`: order id. */
  readonly orderNumber: string;
  /** Button that opens the merchant's payment page. */
  readonly continueToPayment: string;
  /** Note under that button. */
  readonly paymentNote: string;
  /** A flash-sale hold. `{time}`: time left, formatted. */
  readonly heldFor: string;
  /** Most units one buyer may buy in a sale. `{count}`: units. */
  readonly limitPerBuyer: PluralMessage;
  /** A flash sale that has ended. */
  readonly saleEnded: string;
  /** Problem: the sale has no units left. */
  readonly problemSoldOut: string;
  /** Problem: the buyer reached the sale's limit. */
  readonly problemLimit: string;
  /** Problem: the sale has not started. */
  readonly problemNotStarted: string;
  /** Problem: the sale has ended. */
  readonly problemEnded: string;
  /** Problem: the flash-sale hold ran out. */
  readonly problemHoldExpired: string;
  /** Problem: the viewer must sign in. */
  readonly problemSignIn: string;
  /** Problem: the shop did not answer in time. */
  readonly problemTimeout: string;
  /** Problem: anything else. */
  readonly problemOther: string;
  /** Presale label. */
  readonly presale: string;
  /** Presale terms. `{deposit}`, `{balance}`: amounts; `{from}`, `{until}`: dates. */
  readonly presaleTerms: string;
  /** A refundable deposit. */
  readonly refundableTerms: string;
  /** A deposit that is not refundable. `{until}`: end of the balance window. */
  readonly nonRefundableTerms: string;
  /** Button that pays a deposit. */
  readonly payDeposit: string;
  /** Heading and status of a paid deposit. */
  readonly depositPaid: string;
  /** Heading of the deposits in the cart. */
  readonly depositsTitle: string;
  /** Button that pays the balance. */
  readonly payBalance: string;
  /** Button that refunds a deposit. */
  readonly refundDeposit: string;
  /** Status: balance paid. */
  readonly paidInFull: string;
  /** Status: deposit refunded. */
  readonly refunded: string;
  /** Status: deposit kept, the balance was not paid in time. */
  readonly forfeited: string;
  /** Problem: the presale takes no more deposits. */
  readonly problemPresaleClosed: string;
  /** Problem: the balance window is not open. */
  readonly problemBalanceNotDue: string;
  /** Problem: the deposit cannot be refunded. */
  readonly problemNotRefundable: string;
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
  cartButton: { one: 'Cart, {count} item', other: 'Cart, {count} items' },
  cartTitle: 'Your cart',
  cartEmpty: 'Your cart is empty.',
  subtotal: 'Subtotal',
  checkout: 'Check out',
  quantityOf: 'Quantity of {title}',
  decrease: 'One fewer {title}',
  increase: 'One more {title}',
  removeLine: 'Remove {title}',
  addedToCart: 'Added to your cart: {title}',
  working: 'Working on it…',
  dismiss: 'Dismiss',
  orderSummary: 'Order summary',
  quantity: 'Quantity',
  total: 'Total',
  placeOrder: 'Place order',
  orderPlaced: 'Order placed',
  orderNumber: 'Order {id}',
  continueToPayment: 'Continue to payment',
  paymentNote: 'Payment opens in a new tab; the show keeps playing here.',
  heldFor: 'Held for you for {time}',
  limitPerBuyer: { one: 'Limit {count} per buyer', other: 'Limit {count} per buyer' },
  saleEnded: 'Sale ended',
  problemSoldOut: 'Sold out: every unit of this sale is taken.',
  problemLimit: 'You already have as many as one buyer may get in this sale.',
  problemNotStarted: 'The sale has not started yet.',
  problemEnded: 'The sale has ended.',
  problemHoldExpired: 'Your hold ran out and the unit went back to the sale.',
  problemSignIn: 'Please sign in to buy.',
  problemTimeout: 'The shop did not answer in time. Nothing was changed; please try again.',
  problemOther: 'That did not work. Please try again.',
  presale: 'Presale',
  presaleTerms: 'Deposit {deposit} now, balance {balance} between {from} and {until}',
  refundableTerms: 'The deposit is refundable until you pay the balance.',
  nonRefundableTerms: 'The deposit is not refundable: it is kept if the balance is not paid by {until}.',
  payDeposit: 'Pay deposit',
  depositPaid: 'Deposit paid',
  depositsTitle: 'Your deposits',
  payBalance: 'Pay balance',
  refundDeposit: 'Refund deposit',
  paidInFull: 'Paid in full',
  refunded: 'Refunded',
  forfeited: 'Deposit kept: the balance was not paid in time',
  problemPresaleClosed: 'The presale takes no more deposits.',
  problemBalanceNotDue: 'The balance cannot be paid yet: its window has not opened.',
  problemNotRefundable: 'This deposit cannot be refunded.',
};
