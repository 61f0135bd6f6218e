/**
 * Fixtures of the stack tests: a whole stack (nginx + nchan, Redis, two server instances) on a
 * database of its own in the run's PostgreSQL cluster, and HTTP helpers to drive shows on it as
 * a host and as viewers do.
 */
import pg from 'pg';
import { inject } from 'vitest';
import { fromSnapshot, type Product, type Show, type ShowState, type Snapshot } from '@nightmarket/client';
import { sampleProducts, sampleShow } from '@nightmarket/testing';
import { startStack, type Stack, type StackOptions } from '../../../../scripts/stack/stack.js';

let databases = 0;

/** A new, empty database in the run's cluster; resolves with its URL. */
export async function newDatabase(): Promise<string> {
  const url = inject('postgresUrl');
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const name = `stack_${process.pid}_${++databases}`;
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Starts a stack on a fresh database (instances log to files in its directory). */
export async function testStack(options: StackOptions = {}): Promise<Stack> {
  return startStack({ database: await newDatabase(), leaseMs: 1500, ...options });
}

/** Calls the stack as the admin (through nginx unless `origin` names an instance). */
export async function admin(stack: Stack, method: string, path: string, body?: unknown, origin = stack.url): Promise<Response> {
  return fetch(new URL(`api/${path}`, origin), {
    method,
    headers: { Authorization: `Bearer ${stack.adminToken}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Runs a host command; throws with the answer when it fails. */
export async function command(stack: Stack, showId: string, cmd: Record<string, unknown>): Promise<unknown> {
  const response = await admin(stack, 'POST', `shows/${showId}/commands`, cmd);
  const text = await response.text();
  if (!response.ok) throw new Error(`${String(cmd['type'])} answered ${response.status}: ${text}`);
  return JSON.parse(text) as unknown;
}

/** Creates a live show with the sample products (and `products`' stock if given). */
export async function createShow(stack: Stack, id: string, overrides: { show?: Partial<Show>; products?: readonly Product[] } = {}): Promise<void> {
  const show = sampleShow({ id, status: 'live', startsAt: Date.now(), ...overrides.show });
  const response = await admin(stack, 'PUT', `shows/${id}`, { show, products: overrides.products ?? sampleProducts });
  if (response.status !== 201) throw new Error(`creating show ${id} answered ${response.status}: ${await response.text()}`);
}

/**
 * The show's state as its engine has it now: an uncached snapshot from an instance (which
 * forwards to the one running the show), as a client holds it.
 */
export async function serverState(stack: Stack, showId: string): Promise<ShowState> {
  const live = stack.instances.find((i) => i.process !== undefined)!;
  const response = await fetch(new URL(`api/shows/${showId}`, live.url));
  if (!response.ok) throw new Error(`snapshot of ${showId} answered ${response.status}: ${await response.text()}`);
  return fromSnapshot((await response.json()) as Snapshot);
}

/** POSTs as a viewer (bearer `<id>`), with an Idempotency-Key when given. */
export async function viewerPost(stack: Stack, viewer: string, path: string, body: unknown, key?: string): Promise<Response> {
  return fetch(new URL(`api/${path}`, stack.url), {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${viewer}`,
      'Content-Type': 'application/json',
      ...(key === undefined ? {} : { 'Idempotency-Key': key }),
    },
    body: JSON.stringify(body),
  });
}

/**
 * A fetch for clients of the stack that cuts event streams on demand (`drop(events, times)`:
 * each of the next `times` streams ends after `events` messages, as a dropped connection does)
 * and counts the streams it opened.
 */
export function cuttingFetch(): { fetch: typeof fetch; drop(events: number, times: number): void; streams(): number } {
  const cuts: number[] = [];
  let streams = 0;
  const wrapped: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!url.pathname.endsWith('/events') || !response.body) return response;
    streams++;
    const cut = cuts.shift();
    if (cut === undefined) return response;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const encoder = new TextEncoder();
    let messages = 0;
    let pending = '';
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { value, done } = await reader.read();
        if (done) return controller.close();
        pending += decoder.decode(value, { stream: true });
        // Pass whole messages through until the cut, then end the stream there.
        let out = '';
        let at: number;
        while ((at = pending.indexOf('\n\n')) !== -1) {
          const message = pending.slice(0, at + 2);
          pending = pending.slice(at + 2);
          out += message;
          if (/^data:/m.test(message) && ++messages === cut) {
            controller.enqueue(encoder.encode(out));
            controller.close();
            void reader.cancel();
            return;
          }
        }
        if (out) controller.enqueue(encoder.encode(out));
      },
      cancel: (reason) => reader.cancel(reason),
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return {
    fetch: wrapped,
    drop: (events, times) => {
      for (let i = 0; i < times; i++) cuts.push(events);
    },
    streams: () => streams,
  };
}
