/**
 * Night Market protocol v1 — the single source of truth.
 *
 * Every resource, event, request and admin command of the protocol is a valibot schema here.
 * The TypeScript types (`types.ts`) are inferred from these schemas, the runtime validators
 * (`validate.ts`) run them, and `npm run schema` turns them into the committed JSON Schema
 * (`packages/client/schema/protocol.schema.json`) and the reference section of
 * `docs/protocol.md`. A test fails when the committed files drift from this module.
 *
 * Descriptions (`v.description`) are written for a merchant's backend team: they end up in the
 * JSON Schema and in the protocol document.
 *
 * @packageDocumentation
 */
import * as v from 'valibot';

const d = v.description;

// ---------------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------------

/** Identifier of a protocol entity: 1–128 characters of `A–Z a–z 0–9 . _ : -`. */
export const IdSchema = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1–128 characters of A–Z, a–z, 0–9, ".", "_", ":" or "-"'),
  d('Identifier: 1–128 characters of A–Z, a–z, 0–9, ".", "_", ":" or "-". Opaque to clients.'),
);

/** A point in time: integer milliseconds since the Unix epoch, on the server's clock. */
export const TimestampSchema = v.pipe(
  v.number(),
  v.safeInteger('must be an integer number of milliseconds since the Unix epoch'),
  v.minValue(0, 'must not be negative'),
  d('Integer milliseconds since the Unix epoch (UTC), on the server clock.'),
);

const count = (what: string) =>
  v.pipe(v.number(), v.safeInteger('must be an integer'), v.minValue(0, 'must not be negative'), d(what));

const quantity = (max: number, what: string) =>
  v.pipe(
    v.number(),
    v.safeInteger('must be an integer'),
    v.minValue(1, 'must be at least 1'),
    v.maxValue(max, `must be at most ${max}`),
    d(what),
  );

const text = (min: number, max: number, what: string) =>
  v.pipe(
    v.string(),
    v.minLength(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`),
    v.maxLength(max, `must be at most ${max} characters`),
    d(what),
  );

/** An absolute `http:` or `https:` URL (other schemes such as `javascript:` are rejected). */
export const HttpUrlSchema = v.pipe(
  v.string(),
  v.maxLength(2048, 'must be at most 2048 characters'),
  v.regex(/^[Hh][Tt][Tt][Pp][Ss]?:\/\/\S+$/, 'must be an absolute http: or https: URL'),
  d('Absolute http: or https: URL. Any other scheme (javascript:, data:, …) is invalid.'),
);

/** ISO 4217 currency code, three upper-case letters. */
export const CurrencySchema = v.pipe(
  v.string(),
  v.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code of three upper-case letters, such as "USD"'),
  d('ISO 4217 currency code: three upper-case letters, such as "USD", "CNY", "MOP".'),
);

/** BCP 47 language tag such as `en`, `zh-CN`, `pt-BR`. */
export const LocaleSchema = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'must be a BCP 47 language tag such as "en" or "zh-CN"'),
  d('BCP 47 language tag such as "en", "zh-CN", "pt-BR".'),
);

// ---------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------

/** An amount of money: integer minor units plus an ISO 4217 currency. Never a float. */
export const MoneySchema = v.pipe(
  v.object({
    amount: v.pipe(
      v.number(),
      v.safeInteger('must be an integer number of minor units (cents, fen, …), never a decimal'),
      v.minValue(0, 'must not be negative'),
      d('Integer amount in the currency\'s minor unit (cents for USD, fen for CNY, whole yen for JPY).'),
    ),
    currency: CurrencySchema,
  }),
  d('An amount of money. Format it with Intl.NumberFormat; never use floating point.'),
);

/** Schema of {@link Image}: an http(s) image URL with its text alternative. */
export const ImageSchema = v.pipe(
  v.object({
    url: HttpUrlSchema,
    alt: text(0, 300, 'Text alternative for screen readers. Empty only for a purely decorative image.'),
    width: v.optional(count('Intrinsic width in pixels, if known.')),
    height: v.optional(count('Intrinsic height in pixels, if known.')),
  }),
  d('An image with its text alternative.'),
);

/** Schema of {@link Host}: the person presenting a show. */
export const HostSchema = v.pipe(
  v.object({
    name: text(1, 100, 'Display name of the host.'),
    avatar: v.optional(ImageSchema),
    verified: v.optional(v.pipe(v.boolean(), d('The merchant vouches for the host\'s identity.'))),
  }),
  d('The person presenting the show.'),
);

/** Schema of {@link ShowStatus}: scheduled, live, paused or ended. */
export const ShowStatusSchema = v.pipe(
  v.picklist(['scheduled', 'live', 'paused', 'ended']),
  d('scheduled: not started (waiting room); live: on air; paused: briefly off air ("back soon"); ended: over for good.'),
);

const ShowObject = v.object({
    id: IdSchema,
    title: text(1, 200, 'Title of the show.'),
    description: v.optional(text(0, 2000, 'Longer description, plain text.')),
    status: ShowStatusSchema,
    startsAt: v.pipe(TimestampSchema, d('When the show is scheduled to start (or started).')),
    endedAt: v.optional(v.pipe(TimestampSchema, d('When the show ended; present once status is "ended".'))),
    host: HostSchema,
    stream: v.pipe(
      v.object({
        hls: v.pipe(HttpUrlSchema, d('URL of the live HLS playlist (master or media playlist).')),
        programDateTime: v.optional(
          v.pipe(
            v.boolean(),
            d('true when the stream carries EXT-X-PROGRAM-DATE-TIME, so pins can be placed at stream time.'),
          ),
        ),
      }),
      d('Where the live video is.'),
    ),
    replay: v.optional(
      v.pipe(
        v.object({ hls: v.pipe(HttpUrlSchema, d('URL of the recording as an HLS VOD playlist.')) }),
        d('The recording, once the show has one.'),
      ),
    ),
    locale: LocaleSchema,
    currency: CurrencySchema,
  });

/** Schema of {@link Show}: a live show with its host, stream and currency. */
export const ShowSchema = v.pipe(ShowObject, d('A live show: one host, one stream, a set of products.'));

/** Schema of {@link Variant}: a purchasable variant with its own availability and stock. */
export const VariantSchema = v.pipe(
  v.object({
    id: IdSchema,
    sku: v.optional(text(1, 64, 'Merchant stock-keeping unit.')),
    title: text(1, 200, 'Variant title, e.g. "Red / XL". A product with one variant may repeat the product title.'),
    options: v.optional(
      v.pipe(
        v.record(v.pipe(v.string(), v.maxLength(50)), v.pipe(v.string(), v.maxLength(100))),
        d('Option values by option name, e.g. {"Color": "Red", "Size": "XL"}.'),
      ),
    ),
    price: v.optional(v.pipe(MoneySchema, d('Price of this variant, if it differs from the product price.'))),
    compareAtPrice: v.optional(v.pipe(MoneySchema, d('Regular price shown struck through, if discounted.'))),
    available: v.pipe(v.boolean(), d('Whether the variant can be bought now.')),
    stock: v.pipe(
      v.nullable(count('Units in stock.')),
      d('Units in stock, or null when the merchant does not track stock for this variant.'),
    ),
  }),
  d('A purchasable variant of a product. Every product has at least one.'),
);

/** Schema of {@link DeliveryPromise}: when the buyer can expect the product. */
export const DeliveryPromiseSchema = v.pipe(
  v.object({
    minDays: count('Earliest delivery, in days after the order.'),
    maxDays: count('Latest delivery, in days after the order.'),
    fulfilledBy: v.optional(text(1, 100, 'Who ships it, e.g. "JD Logistics".')),
    freeShipping: v.optional(v.boolean()),
    note: v.optional(text(1, 200, 'Extra text, e.g. "Order before 18:00 for next-day delivery".')),
  }),
  d('When the buyer can expect the product.'),
);

/** Schema of {@link TrustBadge}: a guarantee such as authenticity or a verified seller. */
export const TrustBadgeSchema = v.pipe(
  v.object({
    kind: v.pipe(
      v.picklist(['authentic', 'verified-seller', 'official-store', 'warranty', 'free-returns', 'other']),
      d('What the merchant guarantees; clients choose an icon from it.'),
    ),
    label: text(1, 60, 'Short label, e.g. "100% authentic".'),
    detail: v.optional(text(1, 300, 'Longer explanation shown on demand.')),
  }),
  d('A guarantee that answers the buyer\'s worry about counterfeits, sellers or returns.'),
);

/** Schema of {@link Product}: a product of the show with at least one variant. */
export const ProductSchema = v.pipe(
  v.object({
    id: IdSchema,
    sku: v.optional(text(1, 64, 'Merchant stock-keeping unit.')),
    title: text(1, 200, 'Product title, plain text (never rendered as HTML).'),
    description: v.optional(text(0, 5000, 'Plain-text description.')),
    images: v.pipe(v.array(ImageSchema), v.maxLength(20), d('Product images, first is the main one.')),
    url: v.optional(v.pipe(HttpUrlSchema, d('Product page on the merchant\'s site.'))),
    price: v.pipe(MoneySchema, d('Regular selling price.')),
    compareAtPrice: v.optional(v.pipe(MoneySchema, d('Price shown struck through, if discounted.'))),
    variants: v.pipe(
      v.array(VariantSchema),
      v.minLength(1, 'must list at least one variant'),
      v.maxLength(250),
      d('Purchasable variants; a simple product has exactly one.'),
    ),
    delivery: v.optional(DeliveryPromiseSchema),
    badges: v.optional(v.pipe(v.array(TrustBadgeSchema), v.maxLength(10))),
  }),
  d('A product shown in the show.'),
);

/** Schema of {@link Pin}: the pinned product with the stream time it belongs to. */
export const PinSchema = v.pipe(
  v.object({
    productId: IdSchema,
    variantId: v.optional(IdSchema),
    at: v.pipe(TimestampSchema, d('Server time the host pinned the product.')),
    streamTime: v.pipe(
      v.nullable(TimestampSchema),
      d(
        'Program date-time (EXT-X-PROGRAM-DATE-TIME, epoch ms) of the video frame at which the host showed the product, or null when unknown. Players show the pin when their playhead reaches it.',
      ),
    ),
  }),
  d('The product the host is presenting now.'),
);

/** Schema of {@link FlashSale}: limited units at a sale price in a time window. */
export const FlashSaleSchema = v.pipe(
  v.object({
    id: IdSchema,
    productId: IdSchema,
    variantId: IdSchema,
    price: v.pipe(MoneySchema, d('Sale price.')),
    units: v.pipe(count('Total units offered in the sale.'), v.minValue(1, 'must be at least 1')),
    unitsLeft: count('Units not yet reserved or sold. Reservations that expire return their units.'),
    limitPerBuyer: v.pipe(count('Most units one buyer may hold or buy in this sale.'), v.minValue(1)),
    startsAt: TimestampSchema,
    endsAt: TimestampSchema,
    reservationTtlMs: v.pipe(
      count('How long a reservation holds its units before they return to the sale, in ms.'),
      v.minValue(1000),
    ),
    status: v.pipe(v.picklist(['scheduled', 'live', 'ended']), d('Lifecycle of the sale.')),
    endReason: v.optional(
      v.pipe(v.picklist(['sold-out', 'time', 'host']), d('Why the sale ended; present once status is "ended".')),
    ),
  }),
  d('A limited number of units at a sale price during a time window.'),
);

/** Schema of {@link Presale}: deposits now, balance in a later window. */
export const PresaleSchema = v.pipe(
  v.object({
    id: IdSchema,
    productId: IdSchema,
    variantId: IdSchema,
    deposit: v.pipe(MoneySchema, d('Deposit paid now, per unit.')),
    balance: v.pipe(MoneySchema, d('Balance paid later, per unit.')),
    balanceDueFrom: v.pipe(TimestampSchema, d('Start of the window in which the balance can be paid.')),
    balanceDueUntil: v.pipe(TimestampSchema, d('End of the window in which the balance must be paid.')),
    refundable: v.pipe(v.boolean(), d('Whether a deposit can be refunded before the balance is paid.')),
    units: v.optional(v.pipe(count('Most deposits (units) taken in total, if limited.'), v.minValue(1))),
    depositsTaken: count('Units for which a deposit has been paid (refunds subtract).'),
    limitPerBuyer: v.pipe(count('Most units one buyer may put a deposit on.'), v.minValue(1)),
    endsAt: v.pipe(TimestampSchema, d('Deposits are taken until this time.')),
    status: v.pipe(v.picklist(['open', 'closed']), d('open: taking deposits; closed: not any more.')),
  }),
  d('A presale: buyers pay a deposit now and the balance in a later window.'),
);

/** Schema of {@link Poll}: a live poll with 2 to 6 options. */
export const PollSchema = v.pipe(
  v.object({
    id: IdSchema,
    question: text(1, 200, 'The question.'),
    options: v.pipe(
      v.array(
        v.object({
          id: IdSchema,
          label: text(1, 100, 'Option text.'),
          votes: count('Votes for this option so far.'),
        }),
      ),
      v.minLength(2, 'must have at least 2 options'),
      v.maxLength(6, 'must have at most 6 options'),
      d('2 to 6 options.'),
    ),
    totalVotes: count('Sum of the options\' votes.'),
    status: v.pipe(v.picklist(['open', 'closed']), d('open: taking votes; closed: final result.')),
    openedAt: TimestampSchema,
    endsAt: v.optional(v.pipe(TimestampSchema, d('When the poll closes by itself, if set.'))),
  }),
  d('A live poll run by the host; each viewer votes once.'),
);

/** Schema of {@link ChatRole}: viewer, host or moderator. */
export const ChatRoleSchema = v.pipe(
  v.picklist(['viewer', 'host', 'moderator']),
  d('Who wrote a message; host and moderator messages are shown distinctly.'),
);

/** Schema of {@link ChatMessage}: a plain-text chat message. */
export const ChatMessageSchema = v.pipe(
  v.object({
    id: IdSchema,
    author: v.object({
      id: IdSchema,
      name: text(1, 60, 'Display name, plain text.'),
      role: ChatRoleSchema,
    }),
    text: text(1, 500, 'Message text, plain text (never rendered as HTML).'),
    at: v.pipe(TimestampSchema, d('Server time the message was accepted.')),
    replyTo: v.optional(
      v.pipe(
        v.object({
          id: IdSchema,
          authorName: text(1, 60, 'Name of the quoted message\'s author.'),
          text: text(1, 500, 'Text of the quoted message.'),
        }),
        d('The message this one answers (host replies quote the viewer\'s question).'),
      ),
    ),
  }),
  d('A chat message.'),
);

/** Schema of {@link CartLine}: one line of a cart. */
export const CartLineSchema = v.pipe(
  v.object({
    id: IdSchema,
    productId: IdSchema,
    variantId: IdSchema,
    title: text(1, 400, 'Product and variant title at the time the line was added.'),
    quantity: quantity(99, 'Units, 1–99.'),
    unitPrice: MoneySchema,
  }),
  d('One line of a cart.'),
);

/** Schema of {@link Cart}: a viewer's cart with its subtotal. */
export const CartSchema = v.pipe(
  v.object({
    lines: v.pipe(v.array(CartLineSchema), v.maxLength(100)),
    subtotal: v.pipe(MoneySchema, d('Sum of quantity × unitPrice over the lines, in the show currency.')),
    updatedAt: TimestampSchema,
  }),
  d('The viewer\'s cart for a show.'),
);

/** Schema of {@link Reservation}: flash-sale units held for one viewer until checkout or expiry. */
export const ReservationSchema = v.pipe(
  v.object({
    id: IdSchema,
    saleId: IdSchema,
    productId: IdSchema,
    variantId: IdSchema,
    quantity: quantity(99, 'Units held.'),
    unitPrice: v.pipe(MoneySchema, d('Sale price per unit.')),
    expiresAt: v.pipe(TimestampSchema, d('When the hold lapses and the units return to the sale.')),
    status: v.pipe(
      v.picklist(['held', 'released', 'expired', 'converted']),
      d('held: units set aside; released: given back by the viewer; expired: lapsed; converted: bought.'),
    ),
  }),
  d('Flash-sale units held for one viewer until checkout or expiry.'),
);

/** Schema of {@link OrderLine}: one line of an order. */
export const OrderLineSchema = v.object({
  productId: IdSchema,
  variantId: IdSchema,
  title: text(1, 400, 'Product and variant title.'),
  quantity: quantity(99, 'Units.'),
  unitPrice: MoneySchema,
  saleId: v.optional(v.pipe(IdSchema, d('The flash sale the units were bought in, if any.'))),
});

/** Schema of {@link Order}: a confirmed purchase or presale deposit. */
export const OrderSchema = v.pipe(
  v.object({
    id: IdSchema,
    showId: IdSchema,
    kind: v.pipe(v.picklist(['purchase', 'deposit']), d('purchase: paid in full; deposit: a presale deposit.')),
    status: v.pipe(
      v.picklist(['confirmed', 'deposit-paid', 'paid', 'refunded', 'forfeited']),
      d(
        'confirmed: a purchase; deposit-paid: deposit taken, balance open; paid: balance paid; refunded: deposit refunded; forfeited: balance window missed on a non-refundable deposit.',
      ),
    ),
    lines: v.pipe(v.array(OrderLineSchema), v.minLength(1)),
    total: v.pipe(MoneySchema, d('Amount charged by this order (for a deposit: the deposit).')),
    createdAt: TimestampSchema,
    presale: v.optional(
      v.pipe(
        v.object({
          presaleId: IdSchema,
          balance: v.pipe(MoneySchema, d('Balance still due for all units of the order.')),
          balanceDueFrom: TimestampSchema,
          balanceDueUntil: TimestampSchema,
          refundable: v.boolean(),
        }),
        d('For a deposit order: what remains to pay, and when.'),
      ),
    ),
  }),
  d('A confirmed order.'),
);

// ---------------------------------------------------------------------------------------------
// Snapshot
// ---------------------------------------------------------------------------------------------

/** Protocol version this module describes. */
export const PROTOCOL_VERSION = 1;

/** Chat messages a snapshot (and the client's state) keeps: the most recent ones. */
export const CHAT_HISTORY_LIMIT = 100;

/** Optional parts of the protocol a backend announces in `Snapshot.capabilities`. */
export const CAPABILITIES = [
  'cart',
  'checkout',
  'flash-sale',
  'presale',
  'chat',
  'reactions',
  'polls',
  'since',
] as const;

/** Schema of a capability name (see {@link CAPABILITIES}). */
export const CapabilitySchema = v.pipe(
  v.string(),
  d(`A capability name. Known ones: ${CAPABILITIES.join(', ')}. Clients ignore names they do not know.`),
);

/** Schema of {@link Snapshot}: the whole show at one sequence number, as `GET shows/{showId}` returns it. */
export const SnapshotSchema = v.pipe(
  v.object({
    protocol: v.pipe(v.literal(PROTOCOL_VERSION), d('Protocol version of this response.')),
    capabilities: v.pipe(v.array(CapabilitySchema), d('Optional features this backend supports for the show.')),
    epoch: v.pipe(
      text(1, 64, 'Identity of the event sequence.'),
      d('Identity of the event sequence. It changes when the server restarts the sequence; seq restarts with it.'),
    ),
    seq: count('Sequence number of the last event reflected in this snapshot (0 before any event).'),
    serverTime: v.pipe(TimestampSchema, d('Server clock when the snapshot was made; clients estimate clock offset from it.')),
    heartbeatMs: v.pipe(
      count('The event stream sends at least one byte this often; a client treats a longer silence as a dead connection.'),
      v.minValue(100),
    ),
    show: ShowSchema,
    products: v.pipe(v.array(ProductSchema), d('Products of the show, in display order.')),
    pinned: v.pipe(v.nullable(PinSchema), d('The pinned product, or null.')),
    sales: v.pipe(v.array(FlashSaleSchema), d('Flash sales: scheduled, live and ended.')),
    presales: v.array(PresaleSchema),
    polls: v.pipe(v.array(PollSchema), d('Polls: open and closed.')),
    chat: v.pipe(
      v.array(ChatMessageSchema),
      v.maxLength(CHAT_HISTORY_LIMIT),
      d(`The most recent chat messages, oldest first, at most ${CHAT_HISTORY_LIMIT}.`),
    ),
    pinnedMessage: v.pipe(v.nullable(ChatMessageSchema), d('Chat message pinned by the host, or null.')),
    viewers: count('Viewers watching now.'),
  }),
  d('Everything a player needs to draw the show at one sequence number.'),
);

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

const eventHead = {
  seq: v.pipe(count('Position in the show\'s event sequence: the previous event\'s seq + 1.'), v.minValue(1)),
  at: v.pipe(TimestampSchema, d('Server time of the event.')),
};

const event = <T extends string, S extends v.GenericSchema>(type: T, data: S, what: string) =>
  v.pipe(v.object({ type: v.literal(type), ...eventHead, data }), d(what));

const ProductRefSchema = v.object({ productId: IdSchema });

/** Schema of the `show.updated` event. */
export const ShowUpdatedEventSchema = event('show.updated', ShowSchema, 'The show changed (title, status, stream, replay…). data is the whole show.');
/** Schema of the `product.upserted` event. */
export const ProductUpsertedEventSchema = event('product.upserted', ProductSchema, 'A product was added or changed. data is the whole product.');
/** Schema of the `product.removed` event. */
export const ProductRemovedEventSchema = event('product.removed', ProductRefSchema, 'A product was taken out of the show.');
/** Schema of the `product.pinned` event. */
export const ProductPinnedEventSchema = event('product.pinned', PinSchema, 'The host pinned a product; it replaces any earlier pin.');
/** Schema of the `product.unpinned` event. */
export const ProductUnpinnedEventSchema = event(
  'product.unpinned',
  v.object({
    productId: IdSchema,
    streamTime: v.pipe(v.nullable(TimestampSchema), d('Program date-time of the frame at which the pin ends, or null.')),
  }),
  'The host took the pin down.',
);
/** Schema of the `stock.changed` event. */
export const StockChangedEventSchema = event(
  'stock.changed',
  v.object({
    productId: IdSchema,
    variantId: IdSchema,
    stock: v.pipe(v.nullable(count('Units in stock.')), d('New stock of the variant, or null when not tracked.')),
    available: v.boolean(),
    sale: v.optional(
      v.pipe(
        v.object({ id: IdSchema, unitsLeft: count('Units left in the sale.') }),
        d('Present when the change comes from a flash sale: that sale\'s units left.'),
      ),
    ),
  }),
  'Stock of a variant (and, for a sale, its units left) changed.',
);
/** Schema of the `sale.scheduled` event. */
export const SaleScheduledEventSchema = event('sale.scheduled', FlashSaleSchema, 'A flash sale was announced (or changed before it started).');
/** Schema of the `sale.started` event. */
export const SaleStartedEventSchema = event('sale.started', FlashSaleSchema, 'A flash sale started: units can be reserved.');
/** Schema of the `sale.ended` event. */
export const SaleEndedEventSchema = event('sale.ended', FlashSaleSchema, 'A flash sale ended (sold out, time up, or ended by the host).');
/** Schema of the `presale.opened` event. */
export const PresaleOpenedEventSchema = event('presale.opened', PresaleSchema, 'A presale opened for deposits.');
/** Schema of the `presale.updated` event. */
export const PresaleUpdatedEventSchema = event('presale.updated', PresaleSchema, 'A presale changed (deposits taken).');
/** Schema of the `presale.closed` event. */
export const PresaleClosedEventSchema = event('presale.closed', PresaleSchema, 'A presale stopped taking deposits.');
/** Schema of the `viewers.changed` event. */
export const ViewersChangedEventSchema = event('viewers.changed', v.object({ count: count('Viewers watching now.') }), 'The number of viewers changed.');
/** Schema of the `chat.message` event. */
export const ChatMessageEventSchema = event('chat.message', ChatMessageSchema, 'A chat message was posted.');
/** Schema of the `chat.removed` event. */
export const ChatRemovedEventSchema = event('chat.removed', v.object({ messageId: IdSchema }), 'A moderator removed a message; clients remove it for everyone.');
/** Schema of the `chat.pinned` event. */
export const ChatPinnedEventSchema = event(
  'chat.pinned',
  v.object({ message: v.pipe(v.nullable(ChatMessageSchema), d('The pinned message, or null to unpin.')) }),
  'The host pinned (or unpinned) a chat message.',
);
/** Schema of the `reaction` event. */
export const ReactionEventSchema = event(
  'reaction',
  v.object({
    counts: v.pipe(
      v.record(v.pipe(v.string(), v.regex(/^[a-z-]{1,16}$/)), count('Reactions of this kind.')),
      d('Reactions received since the previous reaction event, by kind ("heart", "fire", …).'),
    ),
  }),
  'Reactions, aggregated by the server over a short window. Not part of the snapshot state.',
);
/** Schema of the `purchase` event. */
export const PurchaseEventSchema = event(
  'purchase',
  v.object({
    productId: IdSchema,
    variantId: IdSchema,
    quantity: quantity(99, 'Units bought.'),
    buyer: text(1, 60, 'Masked buyer for social proof, e.g. "L** from Hangzhou". Never personal data.'),
    saleId: v.optional(IdSchema),
  }),
  'Someone bought (social proof). Not part of the snapshot state.',
);
/** Schema of the `poll.opened` event. */
export const PollOpenedEventSchema = event('poll.opened', PollSchema, 'The host opened a poll.');
/** Schema of the `poll.updated` event. */
export const PollUpdatedEventSchema = event('poll.updated', PollSchema, 'Tallies of an open poll changed.');
/** Schema of the `poll.closed` event. */
export const PollClosedEventSchema = event('poll.closed', PollSchema, 'A poll closed; its tallies are final.');
/** Schema of the `reset` event. */
export const ResetEventSchema = v.pipe(
  v.object({
    type: v.literal('reset'),
    seq: count('The current seq (0 in a new epoch before any event).'),
    at: eventHead.at,
    data: v.object({
      reason: v.pipe(
        v.picklist(['too-old', 'epoch-changed', 'other']),
        d('too-old: the resume point is no longer in history; epoch-changed: the sequence restarted; other: the cursor is unreadable.'),
      ),
    }),
  }),
  d('The server cannot resume from the client\'s cursor: the client must fetch a new snapshot. Its seq is the current one.'),
);

/** Every event type of protocol v1, as one discriminated union. */
export const ShowEventSchema = v.variant('type', [
  ShowUpdatedEventSchema,
  ProductUpsertedEventSchema,
  ProductRemovedEventSchema,
  ProductPinnedEventSchema,
  ProductUnpinnedEventSchema,
  StockChangedEventSchema,
  SaleScheduledEventSchema,
  SaleStartedEventSchema,
  SaleEndedEventSchema,
  PresaleOpenedEventSchema,
  PresaleUpdatedEventSchema,
  PresaleClosedEventSchema,
  ViewersChangedEventSchema,
  ChatMessageEventSchema,
  ChatRemovedEventSchema,
  ChatPinnedEventSchema,
  ReactionEventSchema,
  PurchaseEventSchema,
  PollOpenedEventSchema,
  PollUpdatedEventSchema,
  PollClosedEventSchema,
  ResetEventSchema,
]);

/** The envelope every event shares; clients check it first and ignore types they do not know. */
export const EventEnvelopeSchema = v.pipe(
  v.object({
    type: v.pipe(v.string(), v.minLength(1), d('Event type; unknown types are ignored by clients.')),
    seq: count('Position in the event sequence (0 only for reset).'),
    at: eventHead.at,
    data: v.unknown(),
  }),
  d('Envelope shared by all events.'),
);

// ---------------------------------------------------------------------------------------------
// Viewer requests
// ---------------------------------------------------------------------------------------------

/** Longest chat message, in UTF-16 code units (JavaScript string length) after trimming. */
export const CHAT_MAX_LENGTH = 500;

/** Schema of {@link ChatRequest}, the body of `POST shows/{showId}/chat`. */
export const ChatRequestSchema = v.pipe(
  v.object({
    text: v.pipe(
      v.string(),
      v.trim(),
      v.minLength(1, 'must not be empty'),
      v.maxLength(CHAT_MAX_LENGTH, `must be at most ${CHAT_MAX_LENGTH} characters`),
      d(`Message text, 1–${CHAT_MAX_LENGTH} characters after trimming.`),
    ),
    replyTo: v.optional(v.pipe(IdSchema, d('Id of the message this one answers.'))),
  }),
  d('Body of POST /shows/{showId}/chat.'),
);

/** Schema of {@link ReactionRequest}, the body of `POST shows/{showId}/reactions`. */
export const ReactionRequestSchema = v.pipe(
  v.object({
    kind: v.pipe(v.string(), v.regex(/^[a-z-]{1,16}$/, 'must be 1–16 lower-case letters or "-"'), d('Kind of reaction, e.g. "heart".')),
    count: v.optional(quantity(50, 'Taps to send at once (1–50, default 1).')),
  }),
  d('Body of POST /shows/{showId}/reactions.'),
);

/** Schema of {@link VoteRequest}, the body of `POST shows/{showId}/polls/{pollId}/votes`. */
export const VoteRequestSchema = v.pipe(v.object({ optionId: IdSchema }), d('Body of POST /shows/{showId}/polls/{pollId}/votes.'));

/** Schema of {@link AddToCartRequest}, the body of `POST shows/{showId}/cart/lines`. */
export const AddToCartRequestSchema = v.pipe(
  v.object({ productId: IdSchema, variantId: IdSchema, quantity: quantity(99, 'Units to add, 1–99.') }),
  d('Body of POST /shows/{showId}/cart/lines. Adding a variant already in the cart adds to its line.'),
);

/** Schema of {@link UpdateCartLineRequest}, the body of `PATCH shows/{showId}/cart/lines/{lineId}`. */
export const UpdateCartLineRequestSchema = v.pipe(
  v.object({
    quantity: v.pipe(
      v.number(),
      v.safeInteger('must be an integer'),
      v.minValue(0, 'must not be negative'),
      v.maxValue(99, 'must be at most 99'),
      d('New quantity, 0–99; 0 removes the line.'),
    ),
  }),
  d('Body of PATCH /shows/{showId}/cart/lines/{lineId}.'),
);

/** Schema of {@link ReserveRequest}, the body of `POST shows/{showId}/reservations`. */
export const ReserveRequestSchema = v.pipe(
  v.object({ saleId: IdSchema, quantity: quantity(99, 'Units to hold, 1–99.') }),
  d('Body of POST /shows/{showId}/reservations.'),
);

/** Schema of {@link CheckoutRequest}, the body of `POST shows/{showId}/checkout`. */
export const CheckoutRequestSchema = v.pipe(
  v.variant('source', [
    v.pipe(v.object({ source: v.literal('cart') }), d('Buy everything in the viewer\'s cart; the cart is emptied.')),
    v.pipe(
      v.object({ source: v.literal('reservation'), reservationId: IdSchema }),
      d('Buy the units a flash-sale reservation holds, at the sale price.'),
    ),
    v.pipe(
      v.object({
        source: v.literal('items'),
        lines: v.pipe(
          v.array(v.object({ productId: IdSchema, variantId: IdSchema, quantity: quantity(99, 'Units.') })),
          v.minLength(1, 'must list at least one line'),
          v.maxLength(20),
        ),
      }),
      d('"Buy now": buy the given items directly, leaving the cart as it is.'),
    ),
  ]),
  d('Body of POST /shows/{showId}/checkout.'),
);

/** Schema of {@link CheckoutResult}: an order, or a URL where the viewer completes payment. */
export const CheckoutResultSchema = v.pipe(
  v.variant('kind', [
    v.object({ kind: v.literal('order'), order: OrderSchema }),
    v.object({ kind: v.literal('redirect'), url: v.pipe(HttpUrlSchema, d('Page where the viewer completes payment.')) }),
  ]),
  d('Result of a checkout: a confirmed order, or a URL where the viewer completes payment.'),
);

/** Schema of {@link DepositRequest}, the body of `POST shows/{showId}/deposits`. */
export const DepositRequestSchema = v.pipe(
  v.object({ presaleId: IdSchema, quantity: quantity(99, 'Units to put a deposit on, 1–99.') }),
  d('Body of POST /shows/{showId}/deposits.'),
);

// ---------------------------------------------------------------------------------------------
// Admin commands (host actions), POST /shows/{showId}/commands with a bearer token
// ---------------------------------------------------------------------------------------------

const command = <T extends string, E extends v.ObjectEntries>(type: T, entries: E, what: string) =>
  v.pipe(v.object({ type: v.literal(type), ...entries }), d(what));

/** Schema of {@link AdminCommand}, the body of `POST shows/{showId}/commands` (admin token required). */
export const AdminCommandSchema = v.pipe(
  v.variant('type', [
    command('show.update', {
      show: v.pipe(
        v.partial(v.omit(ShowObject, ['id', 'status', 'endedAt'])),
        d('Fields to change; status changes use show.start / show.pause / show.end.'),
      ),
    }, 'Change the show\'s details.'),
    command('show.start', {}, 'Go live (from scheduled or paused).'),
    command('show.pause', {}, 'Go off air briefly ("back soon").'),
    command('show.end', {}, 'End the show for good: open sales and presales close, the stream ends (204).'),
    command('product.upsert', { product: ProductSchema }, 'Add a product or replace it.'),
    command('product.remove', { productId: IdSchema }, 'Take a product out of the show.'),
    command('product.pin', {
      productId: IdSchema,
      variantId: v.optional(IdSchema),
      streamTime: v.optional(v.pipe(v.nullable(TimestampSchema), d('Program date-time of the frame the host is on; null if unknown.'))),
    }, 'Pin a product.'),
    command('product.unpin', {
      streamTime: v.optional(v.nullable(TimestampSchema)),
    }, 'Take the pin down.'),
    command('stock.set', {
      productId: IdSchema,
      variantId: IdSchema,
      stock: v.pipe(v.nullable(count('Units in stock.')), d('New stock, or null for untracked.')),
    }, 'Set a variant\'s stock.'),
    command('sale.schedule', {
      sale: v.object({
        id: v.optional(IdSchema),
        productId: IdSchema,
        variantId: IdSchema,
        price: MoneySchema,
        units: v.pipe(count('Units offered.'), v.minValue(1, 'must be at least 1')),
        limitPerBuyer: v.pipe(count('Most units per buyer.'), v.minValue(1, 'must be at least 1')),
        startsAt: TimestampSchema,
        endsAt: TimestampSchema,
        reservationTtlMs: v.optional(v.pipe(count('Hold time of a reservation in ms (default 120000).'), v.minValue(1000))),
      }),
    }, 'Announce a flash sale; it starts by itself at startsAt.'),
    command('sale.end', { saleId: IdSchema }, 'End a flash sale now.'),
    command('presale.open', {
      presale: v.object({
        id: v.optional(IdSchema),
        productId: IdSchema,
        variantId: IdSchema,
        deposit: MoneySchema,
        balance: MoneySchema,
        balanceDueFrom: TimestampSchema,
        balanceDueUntil: TimestampSchema,
        refundable: v.boolean(),
        units: v.optional(v.pipe(count('Most deposits in total.'), v.minValue(1))),
        limitPerBuyer: v.pipe(count('Most units per buyer.'), v.minValue(1)),
        endsAt: TimestampSchema,
      }),
    }, 'Open a presale for deposits.'),
    command('presale.close', { presaleId: IdSchema }, 'Stop taking deposits.'),
    command('poll.open', {
      poll: v.object({
        id: v.optional(IdSchema),
        question: text(1, 200, 'The question.'),
        options: v.pipe(
          v.array(text(1, 100, 'Option text.')),
          v.minLength(2, 'must have at least 2 options'),
          v.maxLength(6, 'must have at most 6 options'),
        ),
        endsAt: v.optional(TimestampSchema),
      }),
    }, 'Open a poll.'),
    command('poll.close', { pollId: IdSchema }, 'Close a poll; its tallies are final.'),
    command('chat.post', {
      text: text(1, 500, 'Message text.'),
      replyTo: v.optional(v.pipe(IdSchema, d('Id of the viewer message this answers; the reply quotes it.'))),
      role: v.optional(v.picklist(['host', 'moderator'])),
      name: v.optional(text(1, 60, 'Author name; defaults to the host\'s name.')),
    }, 'Post a message as the host or a moderator.'),
    command('chat.remove', { messageId: IdSchema }, 'Remove a message for everyone.'),
    command('chat.pin', { messageId: v.nullable(IdSchema) }, 'Pin a message (null unpins).'),
    command('viewers.set', { count: count('Viewers watching now.') }, 'Report the viewer count (backends that count themselves need not use it).'),
  ]),
  d('A host or producer action. Every command is validated, applied, and turned into events.'),
);

/** Schema of {@link CommandResult}, the response to an admin command. */
export const CommandResultSchema = v.pipe(
  v.object({
    seq: count('Sequence number of the last event the command produced.'),
    id: v.optional(v.pipe(IdSchema, d('Id of the entity the command created (sale, presale, poll, message).'))),
  }),
  d('Response of POST /shows/{showId}/commands.'),
);

// ---------------------------------------------------------------------------------------------
// Errors (RFC 9457 problem details)
// ---------------------------------------------------------------------------------------------

/** The fixed list of problem types, each with its HTTP status. `type` on the wire is `urn:nightmarket:problem:<name>`. */
export const PROBLEM_TYPES = {
  'invalid-request': 400,
  'unsupported-version': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'already-voted': 409,
  'idempotency-conflict': 409,
  'show-not-live': 409,
  'payload-too-large': 413,
  'idempotency-mismatch': 422,
  'sold-out': 409,
  'limit-exceeded': 409,
  'sale-not-started': 409,
  'sale-ended': 409,
  'reservation-expired': 409,
  'presale-closed': 409,
  'balance-not-due': 409,
  'not-refundable': 409,
  'poll-closed': 409,
  'out-of-stock': 409,
  'rate-limited': 429,
  internal: 500,
} as const;

/** URI prefix of every problem type. */
export const PROBLEM_TYPE_PREFIX = 'urn:nightmarket:problem:';

/** Schema of {@link Problem}: an RFC 9457 problem details body (`application/problem+json`). */
export const ProblemSchema = v.pipe(
  v.object({
    type: v.pipe(v.string(), d(`${PROBLEM_TYPE_PREFIX}<name>, name from the fixed list.`)),
    title: v.pipe(v.string(), d('Short summary of the problem type.')),
    status: v.pipe(v.number(), v.integer(), d('HTTP status code.')),
    detail: v.pipe(v.string(), d('What went wrong in this case, for a human; safe to show to the viewer.')),
    instance: v.optional(v.string()),
    retryAfter: v.optional(v.pipe(count('Seconds to wait before retrying (also sent as Retry-After).'))),
    errors: v.optional(
      v.pipe(
        v.array(v.object({ path: v.pipe(v.string(), d('Where in the body, e.g. "lines.0.quantity".')), message: v.string() })),
        d('For invalid-request: each invalid field.'),
      ),
    ),
  }),
  d('An error response, media type application/problem+json.'),
);
