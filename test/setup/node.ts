// Node 20 has no global EventSource; msw's `sse()` handlers refuse to run without one.
import { EventSource } from 'eventsource';

globalThis.EventSource ??= EventSource as unknown as typeof globalThis.EventSource;
