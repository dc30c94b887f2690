/**
 * Free TCP ports on 127.0.0.1 for servers started by tests.
 *
 * A port is "free" if we could bind it a moment ago; another process may still grab it
 * before our server does, so callers that choose the port themselves (startRedis) retry
 * on a new one when the bind fails.
 */
import net from 'node:net';

/** Redis Cluster listens on `port + 10000` for its node-to-node bus. */
export const CLUSTER_BUS_OFFSET = 10000;

// Cluster candidates are drawn from 15000..22767 so both p and p+10000 (25000..32767)
// lie below Linux's ephemeral range (32768+), where outgoing connections could take them.
const CLUSTER_MIN = 15000;
const CLUSTER_MAX = 32767 - CLUSTER_BUS_OFFSET;

/** Bind 127.0.0.1:`port` (0 = let the OS choose); resolves the open server, or null if taken. */
function tryListen(port: number): Promise<net.Server | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(null));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(server));
  });
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function portOf(server: net.Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  return address.port;
}

/** One free port chosen by the OS (listen on 127.0.0.1:0, read the port, close). */
export async function freePort(): Promise<number> {
  const server = await tryListen(0);
  if (server === null) throw new Error('could not bind 127.0.0.1:0');
  const port = portOf(server);
  await close(server);
  return port;
}

/** Options for {@link freePorts}. */
export interface FreePortsOptions {
  /** Only return ports p for which p + 10000 (the Redis Cluster bus port) is free too. */
  clusterBus?: boolean;
}

/**
 * `n` distinct free ports. All candidates are held open until the set is complete, so the
 * OS cannot hand out the same port twice; they are closed before resolving.
 */
export async function freePorts(n: number, options: FreePortsOptions = {}): Promise<number[]> {
  const held: net.Server[] = [];
  const ports: number[] = [];
  try {
    for (let attempts = 0; ports.length < n; attempts++) {
      if (attempts > 200 + 20 * n) throw new Error(`could not find ${n} free ports`);
      if (!options.clusterBus) {
        const server = await tryListen(0);
        if (server === null) continue;
        held.push(server);
        ports.push(portOf(server));
        continue;
      }
      const port = CLUSTER_MIN + Math.floor(Math.random() * (CLUSTER_MAX - CLUSTER_MIN + 1));
      const main = await tryListen(port); // fails for ports we already hold, too
      if (main === null) continue;
      held.push(main);
      const bus = await tryListen(port + CLUSTER_BUS_OFFSET);
      if (bus === null) continue; // `main` stays held (and unused) until we finish
      held.push(bus);
      ports.push(port);
    }
    return ports;
  } finally {
    await Promise.all(held.map(close));
  }
}
