/**
 * TypeScript types of protocol v1, inferred from the schemas in `schemas.ts` so they cannot drift.
 */
import type * as v from 'valibot';
import type {
  AddToCartRequestSchema,
  AdminCommandSchema,
  CAPABILITIES,
  CartLineSchema,
  CartSchema,
  ChatMessageSchema,
  ChatRequestSchema,
  ChatRoleSchema,
  CheckoutRequestSchema,
  CheckoutResultSchema,
  CommandResultSchema,
  DeliveryPromiseSchema,
  DepositRequestSchema,
  EventEnvelopeSchema,
  FlashSaleSchema,
  HostSchema,
  ImageSchema,
  MoneySchema,
  OrderLineSchema,
  OrderSchema,
  PROBLEM_TYPES,
  PinSchema,
  PollSchema,
  PresaleSchema,
  ProblemSchema,
  ProductSchema,
  ReactionRequestSchema,
  ReservationSchema,
  ReserveRequestSchema,
  ShowEventSchema,
  ShowSchema,
  ShowStatusSchema,
  SnapshotSchema,
  TrustBadgeSchema,
  UpdateCartLineRequestSchema,
  VariantSchema,
  VoteRequestSchema,
} from './schemas.js';

/** An amount of money: integer minor units plus an ISO 4217 currency. */
export interface Money extends v.InferOutput<typeof MoneySchema> {}
/** An image with its text alternative. */
export interface Image extends v.InferOutput<typeof ImageSchema> {}
/** The person presenting a show. */
export interface Host extends v.InferOutput<typeof HostSchema> {}
/** Lifecycle of a show. */
export type ShowStatus = v.InferOutput<typeof ShowStatusSchema>;
/** A live show: one host, one stream, a set of products. */
export interface Show extends v.InferOutput<typeof ShowSchema> {}
/** A purchasable variant of a product. */
export interface Variant extends v.InferOutput<typeof VariantSchema> {}
/** When the buyer can expect a product. */
export interface DeliveryPromise extends v.InferOutput<typeof DeliveryPromiseSchema> {}
/** A guarantee such as authenticity or a verified seller. */
export interface TrustBadge extends v.InferOutput<typeof TrustBadgeSchema> {}
/** A product shown in the show. */
export interface Product extends v.InferOutput<typeof ProductSchema> {}
/** The product the host is presenting now. */
export interface Pin extends v.InferOutput<typeof PinSchema> {}
/** A flash sale: limited units at a sale price in a time window. */
export interface FlashSale extends v.InferOutput<typeof FlashSaleSchema> {}
/** A presale taking deposits, with the balance due later. */
export interface Presale extends v.InferOutput<typeof PresaleSchema> {}
/** A live poll. */
export interface Poll extends v.InferOutput<typeof PollSchema> {}
/** Who wrote a chat message. */
export type ChatRole = v.InferOutput<typeof ChatRoleSchema>;
/** A chat message. */
export interface ChatMessage extends v.InferOutput<typeof ChatMessageSchema> {}
/** One line of a cart. */
export interface CartLine extends v.InferOutput<typeof CartLineSchema> {}
/** A viewer's cart for a show. */
export interface Cart extends v.InferOutput<typeof CartSchema> {}
/** Flash-sale units held for one viewer. */
export interface Reservation extends v.InferOutput<typeof ReservationSchema> {}
/** One line of an order. */
export interface OrderLine extends v.InferOutput<typeof OrderLineSchema> {}
/** A confirmed order (a purchase or a presale deposit). */
export interface Order extends v.InferOutput<typeof OrderSchema> {}
/** Everything a player needs to draw a show at one sequence number. */
export interface Snapshot extends v.InferOutput<typeof SnapshotSchema> {}

/** Any event of protocol v1. Narrow it on `type`. */
export type ShowEvent = v.InferOutput<typeof ShowEventSchema>;
/** The names of the event types of protocol v1. */
export type ShowEventType = ShowEvent['type'];
/** Maps each event type to its event. */
export type ShowEventMap = { [K in ShowEventType]: Extract<ShowEvent, { type: K }> };
/** The envelope shared by every event, including types this client does not know. */
export interface EventEnvelope extends v.InferOutput<typeof EventEnvelopeSchema> {}

/** Body of a chat request. */
export interface ChatRequest extends v.InferInput<typeof ChatRequestSchema> {}
/** Body of a reaction request. */
export interface ReactionRequest extends v.InferInput<typeof ReactionRequestSchema> {}
/** Body of a poll vote. */
export interface VoteRequest extends v.InferInput<typeof VoteRequestSchema> {}
/** Body of an add-to-cart request. */
export interface AddToCartRequest extends v.InferInput<typeof AddToCartRequestSchema> {}
/** Body of a cart line update. */
export interface UpdateCartLineRequest extends v.InferInput<typeof UpdateCartLineRequestSchema> {}
/** Body of a flash-sale reservation request. */
export interface ReserveRequest extends v.InferInput<typeof ReserveRequestSchema> {}
/** Body of a checkout request: the cart, a reservation, or items bought directly. */
export type CheckoutRequest = v.InferInput<typeof CheckoutRequestSchema>;
/** Result of a checkout: an order, or a URL to complete payment. */
export type CheckoutResult = v.InferOutput<typeof CheckoutResultSchema>;
/** Body of a presale deposit request. */
export interface DepositRequest extends v.InferInput<typeof DepositRequestSchema> {}
/** A host or producer action sent to the admin API. */
export type AdminCommand = v.InferInput<typeof AdminCommandSchema>;
/** Response to an admin command. */
export interface CommandResult extends v.InferOutput<typeof CommandResultSchema> {}
/** An RFC 9457 problem details body. */
export interface Problem extends v.InferOutput<typeof ProblemSchema> {}
/** Name of a problem type from the protocol's fixed list. */
export type ProblemType = keyof typeof PROBLEM_TYPES;
/** A capability a backend may announce. */
export type Capability = (typeof CAPABILITIES)[number];
