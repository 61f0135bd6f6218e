/**
 * A server restart starts a new event sequence (a new epoch). A client following the show must
 * notice by itself — the restarted server answers its old cursor with a `reset` — fetch a fresh
 * snapshot, and carry on with the new sequence: no stale state, no event applied twice.
 */
import { afterEach, expect, it } from 'vitest';
import { createClient, type Room, type ShowState } from '@nightmarket/client';
import { createNightmarketServer, type NightmarketServer } from '@nightmarket/server';
import { sampleProducts, sampleShow } from '@nightmarket/testing';

const ADMIN = 'restart-admin-token';
const servers: NightmarketServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(port = 0): Promise<NightmarketServer> {
  const server = await createNightmarketServer({
    port,
    adminToken: ADMIN,
    shows: [{ show: sampleShow({ id: 'restart-show' }), products: sampleProducts }],
    simulatedStreams: false,
    engine: { heartbeatMs: 500 },
  });
  servers.push(server);
  return server;
}

const command = (server: NightmarketServer, body: unknown) =>
  fetch(`${server.url}api/shows/restart-show/commands`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  }).then((r) => {
    if (!r.ok) throw new Error(`command failed: ${r.status}`);
  });

function until(room: Room, predicate: (s: ShowState) => boolean, ms = 10_000): Promise<ShowState> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out: seq ${room.state?.seq}, status ${room.status}`)), ms);
    const check = (s: ShowState | null): void => {
      if (s && predicate(s)) {
        clearTimeout(timer);
        off();
        resolve(s);
      }
    };
    const off = room.subscribe(check);
    check(room.state);
  });
}

it('a client follows a show across a server restart: reset, new snapshot, new epoch', async () => {
  const first = await start();
  const room = createClient({ baseUrl: `${first.url}api/` }).join('restart-show', { retryMs: 50, maxBackoffMs: 200 });
  const before = await room.ready;
  const resyncs: string[] = [];
  room.on('resync', (s) => resyncs.push(s.epoch));
  for (let i = 0; i < 5; i++) await command(first, { type: 'chat.post', text: `before restart ${i}` });
  await until(room, (s) => s.chat.length === 5);

  // Restart on the same port: a new process would have a new epoch and an empty history.
  const port = first.port;
  await first.close();
  servers.splice(servers.indexOf(first), 1);
  const second = await start(port);
  await command(second, { type: 'product.pin', productId: 'tea-set' });
  await command(second, { type: 'chat.post', text: 'after restart' });

  const after = await until(room, (s) => s.epoch !== before.epoch && s.chat.some((m) => m.text === 'after restart'));
  expect(resyncs.length).toBeGreaterThanOrEqual(1);
  expect(after.chat.map((m) => m.text)).toEqual(['after restart']); // nothing from the old sequence
  expect(after.pinned?.productId).toBe('tea-set');
  const snapshot = (await (await fetch(`${second.url}api/shows/restart-show`)).json()) as { epoch: string; seq: number };
  expect(after.epoch).toBe(snapshot.epoch);
  expect(after.seq).toBeLessThanOrEqual(snapshot.seq);
  room.close();
});
