/**
 * Event streams on the server's direct Node path (src/event-stream.ts): the same head as the
 * protocol handler gives everywhere, events of one turn in one chunk, and a client that stops
 * reading is cut off instead of holding memory.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpHandler, ShowEngine } from '@nightmarket/engine';
import { createNightmarketServer, type NightmarketServer } from '@nightmarket/server';
import { NodeEventStreams } from '../src/event-stream.js';

const ADMIN = 'admin-token-for-tests';
const SHOW = {
  id: 'spring',
  title: 'Spring launch',
  status: 'live' as const,
  startsAt: Date.UTC(2027, 0, 15, 8),
  host: { name: 'Lin' },
  stream: { hls: 'https://video.example/live.m3u8' },
  locale: 'zh-CN',
  currency: 'CNY',
};

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A raw HTTP/1.1 client that keeps every byte it received, to look at the chunked framing. */
function rawGet(port: number, path: string, headers: Record<string, string> = {}): { socket: net.Socket; received: () => string; until: (test: (text: string) => boolean) => Promise<string> } {
  const socket = net.connect(port, '127.0.0.1');
  cleanups.push(() => socket.destroy());
  let text = '';
  const waiters = new Set<() => void>();
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('latin1');
    for (const wake of waiters) wake();
  });
  socket.on('close', () => {
    for (const wake of waiters) wake();
  });
  const head = Object.entries({ Host: `127.0.0.1:${port}`, Accept: 'text/event-stream', ...headers })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.write(`GET ${path} HTTP/1.1\r\n${head}\r\n`);
  const until = (test: (text: string) => boolean): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out; received ${JSON.stringify(text)}`)), 5000);
      const check = (): void => {
        if (test(text)) {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(text);
        } else if (socket.destroyed) {
          clearTimeout(timer);
          reject(new Error(`connection closed; received ${JSON.stringify(text)}`));
        }
      };
      waiters.add(check);
      check();
    });
  return { socket, received: () => text, until };
}

/** The chunks of a chunked HTTP/1.1 body (after the head). */
function chunksOf(text: string): string[] {
  let rest = text.slice(text.indexOf('\r\n\r\n') + 4);
  const chunks: string[] = [];
  for (;;) {
    const eol = rest.indexOf('\r\n');
    if (eol === -1) return chunks;
    const size = parseInt(rest.slice(0, eol), 16);
    if (rest.length < eol + 2 + size + 2) return chunks;
    chunks.push(rest.slice(eol + 2, eol + 2 + size));
    rest = rest.slice(eol + 2 + size + 2);
  }
}

async function startServer(): Promise<NightmarketServer> {
  const server = await createNightmarketServer({
    adminToken: ADMIN,
    port: 0,
    shows: [{ show: SHOW }],
    cors: ['https://shop.example'],
    simulatedStreams: false,
    onError: () => undefined,
  });
  cleanups.push(() => server.close());
  return server;
}

describe('event streams on the Node path', () => {
  it('answers with the protocol handler head (security, CORS, protocol) and sends the events of one turn in one chunk', async () => {
    const server = await startServer();
    const engine = server.registry.get('spring')!;
    const client = rawGet(server.port, '/api/shows/spring/events', { Origin: 'https://shop.example' });
    await client.until((text) => text.includes('retry: 1000'));
    const head = client.received().slice(0, client.received().indexOf('\r\n\r\n') + 2).toLowerCase();
    expect(head).toMatch(/^http\/1\.1 200 /);
    for (const line of [
      'transfer-encoding: chunked',
      'content-type: text/event-stream; charset=utf-8',
      'cache-control: no-store',
      'x-accel-buffering: no',
      'nightmarket-protocol: 1',
      "content-security-policy: default-src 'none'; frame-ancestors 'none'",
      'access-control-allow-origin: https://shop.example',
      'access-control-allow-credentials: true',
      'x-content-type-options: nosniff',
    ]) {
      expect(head).toContain(`\r\n${line}\r\n`);
    }

    // Two events in the same turn of the event loop: one write, so one chunk with both frames.
    await Promise.all([engine.chat('mei', { text: 'first' }), engine.chat('lin', { text: 'second' })]);
    const text = await client.until((t) => t.includes('second'));
    const chunks = chunksOf(text);
    const both = chunks.find((c) => c.includes('first'));
    expect(both).toContain('second');
    expect(both!.indexOf('first')).toBeLessThan(both!.indexOf('second'));
    expect(both!.match(/^id: [^\n]+:(\d+)$/gm)).toHaveLength(2);
  });

  it('counts viewers, ends streams with the show and then answers 204', async () => {
    const server = await startServer();
    const engine = server.registry.get('spring')!;
    const client = rawGet(server.port, '/api/shows/spring/events');
    await client.until((text) => text.includes('retry:'));
    expect(engine.connectedViewers).toBe(1);
    await engine.command({ type: 'show.end' });
    // The terminating chunk: the response ended, the connection stays usable.
    await client.until((text) => text.endsWith('0\r\n\r\n'));
    expect(client.received()).toContain('"status":"ended"');
    expect(engine.connectedViewers).toBe(0);
    const after = await fetch(`${server.url}api/shows/spring/events`);
    expect(after.status).toBe(204);
  });

  it('counts the viewer out when the client goes away', async () => {
    const server = await startServer();
    const engine = server.registry.get('spring')!;
    const client = rawGet(server.port, '/api/shows/spring/events');
    await client.until((text) => text.includes('retry:'));
    expect(engine.connectedViewers).toBe(1);
    client.socket.destroy();
    for (let i = 0; i < 100 && engine.connectedViewers > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(engine.connectedViewers).toBe(0);
  });

  /** An engine served by a bare Node server through NodeEventStreams with a small bound. */
  async function bareServer(maxUnsentBytes: number): Promise<{ engine: ShowEngine; port: number }> {
    const engine = new ShowEngine({ show: SHOW });
    cleanups.push(() => engine.dispose());
    const handler = createHttpHandler({ shows: () => engine });
    const streams = new NodeEventStreams(maxUnsentBytes);
    const server = http.createServer((req, res) => {
      void handler(new Request(`http://127.0.0.1${req.url}`, { headers: { Accept: 'text/event-stream' } })).then((response) => {
        if (!streams.send(response, res)) res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    server.on('connection', (socket) => cleanups.push(() => socket.destroy()));
    return { engine, port: (server.address() as AddressInfo).port };
  }

  it('lets a burst larger than the bound through to a client that reads it', async () => {
    const { engine, port } = await bareServer(16 * 1024);
    const client = rawGet(port, '/shows/spring/events');
    await client.until((text) => text.includes('retry:'));
    const text = 'x'.repeat(400);
    for (let i = 0; i < 200; i++) void engine.command({ type: 'chat.post', text: `${i} ${text}` });
    await client.until((received) => received.includes(`199 ${text}`));
    expect(engine.connectedViewers).toBe(1);
  });

  it('cuts off a client that stops reading once its socket holds more than the bound', async () => {
    const { engine, port } = await bareServer(64 * 1024);
    const client = rawGet(port, '/shows/spring/events');
    await client.until((text) => text.includes('retry:'));
    client.socket.pause(); // stops reading: the kernel's buffers fill up, then the server's
    const closed = new Promise<void>((resolve) => client.socket.once('close', () => resolve()));
    const resume = client.socket.resume.bind(client.socket);
    client.socket.resume = () => client.socket; // keep it paused even when a listener is added

    const text = 'x'.repeat(400);
    let sent = 0;
    // Loopback buffers hold a few MB: keep publishing until the server gives up on the client.
    while (engine.connectedViewers > 0 && sent < 200_000) {
      for (let i = 0; i < 500; i++) await engine.command({ type: 'chat.post', text });
      sent += 500;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(engine.connectedViewers).toBe(0);
    expect(sent).toBeLessThan(200_000);
    // Reading again, the client finds its connection gone.
    resume();
    await closed;
  }, 30_000);
});
