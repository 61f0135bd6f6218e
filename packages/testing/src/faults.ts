/**
 * Fault injection for the test kit: it sits between msw and the protocol handler and breaks
 * things on purpose the way real networks and real backends do — a stream cut after N events, a
 * stream that goes silent, frames that are not JSON or not protocol, 5xx answers, slow answers,
 * and 204 "no stream". Faults are armed by a test and each one fires a bounded number of times.
 */
import { EVENT_STREAM_MEDIA_TYPE, PROBLEM_MEDIA_TYPE } from '@nightmarket/client';

/** Which requests a fault applies to. */
export type FaultTarget = 'stream' | 'snapshot' | 'commerce' | 'any';

interface StreamPlan {
  /** Messages to pass before the fault fires. */
  after: number;
  action: 'drop' | 'stall' | 'inject';
  /** For `inject`: the raw SSE text to insert. */
  frame?: string;
}

interface ResponsePlan {
  target: FaultTarget;
  times: number;
  respond: () => Response;
}

/**
 * Faults armed for one show (or the whole backend). Every method arms a fault and returns
 * `this`, so faults chain: `faults.failNext('stream', 2).dropStreamAfter(5)`.
 */
export class Faults {
  #streamPlans: StreamPlan[] = [];
  #responsePlans: ResponsePlan[] = [];
  #delayMs = 0;
  #delayTarget: FaultTarget = 'any';
  #streamRequests = 0;

  /** How many event-stream requests reached the kit (connections and reconnections). */
  get streamRequests(): number {
    return this.#streamRequests;
  }

  /** Cuts the next event stream after it has delivered `events` messages (the connection drops). */
  dropStreamAfter(events: number): this {
    this.#streamPlans.push({ after: events, action: 'drop' });
    return this;
  }

  /**
   * Makes the next event stream go silent after `events` messages: the connection stays open but
   * no byte, not even a heartbeat, arrives again — what a dead proxy or a sleeping laptop looks like.
   */
  stallStreamAfter(events: number): this {
    this.#streamPlans.push({ after: events, action: 'stall' });
    return this;
  }

  /**
   * Inserts a raw frame into the next event stream after `events` messages. `frame` is the data
   * of one SSE message (e.g. `'{not json'` or a JSON event of the wrong shape); give a complete
   * SSE block ending in a blank line to control every field.
   */
  injectFrame(events: number, frame: string): this {
    const block = frame.endsWith('\n\n') ? frame : `${frame.split('\n').map((l) => `data: ${l}`).join('\n')}\n\n`;
    this.#streamPlans.push({ after: events, action: 'inject', frame: block });
    return this;
  }

  /** Answers the next `times` requests of `target` with an HTTP error (default 503, problem+json). */
  failNext(target: FaultTarget, times = 1, status = 503): this {
    this.#responsePlans.push({
      target,
      times,
      respond: () =>
        new Response(
          JSON.stringify({
            type: 'urn:nightmarket:problem:internal',
            title: 'Internal error',
            status,
            detail: `Injected fault: HTTP ${status}.`,
          }),
          { status, headers: { 'Content-Type': PROBLEM_MEDIA_TYPE } },
        ),
    });
    return this;
  }

  /** Answers the next `times` event-stream requests with 204 No Content ("the show is over"). */
  noStream(times = 1): this {
    this.#responsePlans.push({ target: 'stream', times, respond: () => new Response(null, { status: 204 }) });
    return this;
  }

  /** Delays every matching request by `ms` before it is handled (0 turns the delay off). */
  delay(ms: number, target: FaultTarget = 'any'): this {
    this.#delayMs = ms;
    this.#delayTarget = target;
    return this;
  }

  /** Disarms every fault. */
  clear(): this {
    this.#streamPlans = [];
    this.#responsePlans = [];
    this.#delayMs = 0;
    return this;
  }

  /** @internal Runs `handle` for `request` with the armed faults applied. */
  async apply(request: Request, target: Exclude<FaultTarget, 'any'>, handle: () => Promise<Response>): Promise<Response> {
    if (target === 'stream') this.#streamRequests++;
    if (this.#delayMs > 0 && (this.#delayTarget === 'any' || this.#delayTarget === target)) {
      await abortableDelay(this.#delayMs, request.signal);
      if (request.signal.aborted) return new Response(null, { status: 499, statusText: 'Client Closed Request' });
    }
    const plan = this.#responsePlans.find((p) => p.target === 'any' || p.target === target);
    if (plan) {
      if (--plan.times <= 0) this.#responsePlans.splice(this.#responsePlans.indexOf(plan), 1);
      return plan.respond();
    }
    const response = await handle();
    const streamPlan = this.#streamPlans[0];
    if (
      target !== 'stream' ||
      !streamPlan ||
      !response.body ||
      !(response.headers.get('Content-Type') ?? '').includes(EVENT_STREAM_MEDIA_TYPE)
    ) {
      return response;
    }
    this.#streamPlans.shift();
    return new Response(sabotage(response.body, streamPlan), { status: response.status, headers: response.headers });
  }
}

/** Wraps an SSE body, counting complete messages and firing the plan after `plan.after` of them. */
function sabotage(body: ReadableStream<Uint8Array>, initialPlan: StreamPlan): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let plan = initialPlan;
  let buffer = '';
  let delivered = 0;
  let fired = false;
  let stalled: (() => void) | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (fired && plan.action === 'stall') {
        // Hold the connection open and silent until the client gives up on it.
        await new Promise<void>((resolve) => (stalled = resolve));
        return;
      }
      // A pull that enqueues nothing is not called again: read until a whole block goes out.
      for (let sent = false; !sent; ) {
        const { done, value } = await reader.read();
        if (done) {
          if (buffer) controller.enqueue(encoder.encode(buffer));
          controller.close();
          return;
        }
        buffer += decoder.decode(value, { stream: true });
        // Forward whole blocks only, so the fault lands exactly between messages.
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end + 2);
          buffer = buffer.slice(end + 2);
          const isMessage = /^data:/m.test(block);
          sent = true;
          if (isMessage && delivered === plan.after) {
            if (plan.action === 'inject') {
              controller.enqueue(encoder.encode(plan.frame! + block));
              // Injected once; everything after passes through untouched.
              plan = { after: Number.POSITIVE_INFINITY, action: 'inject' };
              delivered++;
              continue;
            }
            fired = true;
            buffer = '';
            await reader.cancel();
            if (plan.action === 'drop') controller.error(new TypeError('Injected fault: connection dropped.'));
            return; // stall: the next pull waits until the client gives up
          }
          if (isMessage) delivered++;
          controller.enqueue(encoder.encode(block));
        }
      }
    },
    async cancel(reason) {
      stalled?.();
      await reader.cancel(reason);
    },
  });
}

/** Waits `ms`, or less if the request is aborted meanwhile (its answer is discarded anyway). */
function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
