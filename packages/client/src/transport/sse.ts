/**
 * Reads a Server-Sent Events response body with `eventsource-parser` (a small, maintained parser
 * that follows the WHATWG spec to the letter), reporting messages, `retry:` hints and liveness:
 * every chunk of bytes — heartbeat comments included — counts as a sign of life.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** Callbacks of {@link readEventStream}. */
export interface EventStreamHandlers {
  /** A complete SSE message. */
  onMessage(message: EventSourceMessage): void;
  /** The server's reconnection delay hint (`retry:` field), ms. */
  onRetry(ms: number): void;
  /** Bytes arrived (a message, a heartbeat comment, anything). */
  onActivity(): void;
}

/**
 * Consumes `body` until it ends (resolves), fails (rejects), or `signal` aborts (resolves; the
 * caller checks the signal). The reader is cancelled on abort rather than trusting the fetch's
 * own abort to reach the body: not every fetch implementation (or interceptor) wires that up.
 */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  handlers: EventStreamHandlers,
  signal: AbortSignal,
): Promise<void> {
  const parser = createParser({
    onEvent: (message) => handlers.onMessage(message),
    onRetry: (ms) => handlers.onRetry(ms),
  });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  const cancel = (): void => void reader.cancel(signal.reason).catch(() => undefined);
  if (signal.aborted) cancel();
  signal.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      handlers.onActivity();
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } finally {
    signal.removeEventListener('abort', cancel);
    reader.releaseLock();
  }
}
