/**
 * The HTTP binding of protocol v1: header names, media types and paths, relative to the
 * backend's base URL (the `api` attribute of `<nm-player>`).
 */

/** Request header carrying the protocol version the client speaks; responses echo the version served. */
export const PROTOCOL_HEADER = 'Nightmarket-Protocol';
/** Request header making a commerce request safe to retry. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** Media type of error responses. */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';
/** Media type of the event stream. */
export const EVENT_STREAM_MEDIA_TYPE = 'text/event-stream';

const seg = (value: string): string => encodeURIComponent(value);

/** Paths of the protocol's endpoints, relative to the base URL. */
export const paths = {
  /** `GET`: snapshot of a show. */
  show: (showId: string): string => `shows/${seg(showId)}`,
  /** `GET`: the show's Server-Sent Events stream. */
  events: (showId: string): string => `shows/${seg(showId)}/events`,
  /** `POST`: post a chat message. */
  chat: (showId: string): string => `shows/${seg(showId)}/chat`,
  /** `POST`: send reactions. */
  reactions: (showId: string): string => `shows/${seg(showId)}/reactions`,
  /** `POST`: vote in a poll. */
  votes: (showId: string, pollId: string): string => `shows/${seg(showId)}/polls/${seg(pollId)}/votes`,
  /** `GET`: the viewer's cart. */
  cart: (showId: string): string => `shows/${seg(showId)}/cart`,
  /** `POST`: add a line to the cart. */
  cartLines: (showId: string): string => `shows/${seg(showId)}/cart/lines`,
  /** `PATCH` / `DELETE`: change or remove a cart line. */
  cartLine: (showId: string, lineId: string): string => `shows/${seg(showId)}/cart/lines/${seg(lineId)}`,
  /** `POST`: reserve flash-sale units. */
  reservations: (showId: string): string => `shows/${seg(showId)}/reservations`,
  /** `DELETE`: release a reservation. */
  reservation: (showId: string, reservationId: string): string =>
    `shows/${seg(showId)}/reservations/${seg(reservationId)}`,
  /** `POST`: check out. */
  checkout: (showId: string): string => `shows/${seg(showId)}/checkout`,
  /** `POST`: pay a presale deposit. */
  deposits: (showId: string): string => `shows/${seg(showId)}/deposits`,
  /** `GET`: one of the viewer's orders. */
  order: (showId: string, orderId: string): string => `shows/${seg(showId)}/orders/${seg(orderId)}`,
  /** `POST`: pay the balance of a deposit order. */
  balance: (showId: string, orderId: string): string => `shows/${seg(showId)}/orders/${seg(orderId)}/balance`,
  /** `POST`: refund a refundable deposit. */
  refund: (showId: string, orderId: string): string => `shows/${seg(showId)}/orders/${seg(orderId)}/refund`,
  /** `POST` (admin): apply a host command. */
  commands: (showId: string): string => `shows/${seg(showId)}/commands`,
} as const;
