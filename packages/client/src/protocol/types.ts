/**
 * TypeScript types of protocol v1, inferred from the schemas in `schemas.ts` so they cannot drift.
 */
import type * as v from 'valibot';
import type * as s from './schemas.js';

/** An amount of money: integer minor units plus an ISO 4217 currency. */
export interface Money extends v.InferOutput<typeof s.MoneySchema> {}
/** An image with its text alternative. */
export interface Image extends v.InferOutput<typeof s.ImageSchema> {}
/** The person presenting a show. */
export interface Host extends v.InferOutput<typeof s.HostSchema> {}
/** Lifecycle of a show. */
export type ShowStatus = v.InferOutput<typeof s.ShowStatusSchema>;
/** A live show: one host, one stream, a set of products. */
export interface Show extends v.InferOutput<typeof s.ShowSchema> {}
/** A purchasable variant of a product. */
export interface Variant extends v.InferOutput<typeof s.VariantSchema> {}
/** When the buyer can expect a product. */
export interface DeliveryPromise extends v.InferOutput<typeof s.DeliveryPromiseSchema> {}
/** A guarantee such as authenticity or a verified seller. */
export interface TrustBadge extends v.InferOutput<typeof s.TrustBadgeSchema> {}
/** A product shown in the show. */
export interface Product extends v.InferOutput<typeof s.ProductSchema> {}
/** The product the host is presenting now. */
export interface Pin extends v.InferOutput<typeof s.PinSchema> {}
/** A flash sale: limited units at a sale price in a time window. */
export interface FlashSale extends v.InferOutput<typeof s.FlashSaleSchema> {}
/** A presale taking deposits, with the balance due later. */
export interface Presale extends v.InferOutput<typeof s.PresaleSchema> {}
/** A live poll. */
export interface Poll extends v.InferOutput<typeof s.PollSchema> {}
/** Who wrote a chat message. */
export type ChatRole = v.InferOutput<typeof s.ChatRoleSchema>;
/** A chat message. */
export interface ChatMessage extends v.InferOutput<typeof s.ChatMessageSchema> {}
/** One line of a cart. */
export interface CartLine extends v.InferOutput<typeof s.CartLineSchema> {}
/** A viewer's cart for a show. */
export interface Cart extends v.InferOutput<typeof s.CartSchema> {}
/** Flash-sale units held for one viewer. */
export interface Reservation extends v.InferOutput<typeof s.ReservationSchema> {}
/** One line of an order. */
export interface OrderLine extends v.InferOutput<typeof s.OrderLineSchema> {}
/** A confirmed order (a purchase or a presale deposit). */
export interface Order extends v.InferOutput<typeof s.OrderSchema> {}
/** Everything a player needs to draw a show at one sequence number. */
export interface Snapshot extends v.InferOutput<typeof s.SnapshotSchema> {}

/** Any event of protocol v1. Narrow it on `type`. */
export type ShowEvent = v.InferOutput<typeof s.ShowEventSchema>;
/** The names of the event types of protocol v1. */
export type ShowEventType = ShowEvent['type'];
/** Maps each event type to its event. */
export type ShowEventMap = { [K in ShowEventType]: Extract<ShowEvent, { type: K }> };
/** The envelope shared by every event, including types this client does not know. */
export interface EventEnvelope extends v.InferOutput<typeof s.EventEnvelopeSchema> {}

/** Body of a chat request. */
export interface ChatRequest extends v.InferInput<typeof s.ChatRequestSchema> {}
/** Body of a reaction request. */
export interface ReactionRequest extends v.InferInput<typeof s.ReactionRequestSchema> {}
/** Body of a poll vote. */
export interface VoteRequest extends v.InferInput<typeof s.VoteRequestSchema> {}
/** Body of an add-to-cart request. */
export interface AddToCartRequest extends v.InferInput<typeof s.AddToCartRequestSchema> {}
/** Body of a cart line update. */
export interface UpdateCartLineRequest extends v.InferInput<typeof s.UpdateCartLineRequestSchema> {}
/** Body of a flash-sale reservation request. */
export interface ReserveRequest extends v.InferInput<typeof s.ReserveRequestSchema> {}
/** Body of a checkout request: the cart, a reservation, or items bought directly. */
export type CheckoutRequest = v.InferInput<typeof s.CheckoutRequestSchema>;
/** Result of a checkout: an order, or a URL to complete payment. */
export type CheckoutResult = v.InferOutput<typeof s.CheckoutResultSchema>;
/** Body of a presale deposit request. */
export interface DepositRequest extends v.InferInput<typeof s.DepositRequestSchema> {}
/** A host or producer action sent to the admin API. */
export type AdminCommand = v.InferInput<typeof s.AdminCommandSchema>;
/** Response to an admin command. */
export interface CommandResult extends v.InferOutput<typeof s.CommandResultSchema> {}
/** An RFC 9457 problem details body. */
export interface Problem extends v.InferOutput<typeof s.ProblemSchema> {}
/** Name of a problem type from the protocol's fixed list. */
export type ProblemType = keyof typeof s.PROBLEM_TYPES;
/** A capability a backend may announce. */
export type Capability = (typeof s.CAPABILITIES)[number];
