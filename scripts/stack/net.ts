/** Ports on 127.0.0.1 for the stack's services: free ones, taken ones, waiting for one to open. */
import { createConnection, createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (the kernel's pick; free when this resolves). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Throws a clear error when one of `ports` is taken on 127.0.0.1, naming the service that wanted it.
 *
 * @param ports - service name → port
 */
export async function assertPortsFree(ports: Readonly<Record<string, number>>): Promise<void> {
  for (const [name, port] of Object.entries(ports)) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (!free) {
      throw new Error(
        `Port ${port} on 127.0.0.1 (for ${name}) is taken by another program. Stop it (\`ss -ltnp 'sport = :${port}'\` shows which), ` +
          `or run \`npm run stack:stop\` if it is an earlier stack, or choose other ports (see deploy/README.md).`,
      );
    }
  }
}

/** Resolves once 127.0.0.1:`port` accepts connections; rejects after `timeoutMs` naming `what`. */
export async function waitForPort(port: number, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await isListening(port))) {
    if (Date.now() > deadline) throw new Error(`${what} did not start listening on 127.0.0.1:${port} within ${timeoutMs} ms.`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
