/**
 * The deploy topology with real parts: a Redis Cluster of three masters with a replica each,
 * three footfall processes on it (FOOTFALL_ANSWER=written, one proxy hop trusted), and Debian's
 * nginx running deploy/nginx.conf in front. Visitors reach it only through nginx, each from an
 * address of its own on the loopback network (127.0.x.y), so nginx's per-address limits and its
 * sticky hashing see what they would see in production.
 */
import http from 'node:http';
import { io, type Socket } from 'socket.io-client';
import type { CountsPayload } from '../../src/counting/counts-payload.js';
import { freePort } from '../support/free-port.js';
import { startNginx, type NginxProcess } from '../support/nginx.js';
import { startRedisCluster, type RedisCluster } from '../support/redis-cluster.js';
import { BROWSER_UA, SITE_ORIGIN } from '../support/server.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

export const SITE = 'topology';
export const TOKEN = 'topology-admin-token-0123456789abcdef';
export const PUSH_INTERVAL_MS = 500;

export interface Topology {
  cluster: RedisCluster;
  nginx: NginxProcess;
  /** One per port; a restarted instance replaces its entry. */
  instances: ServerProcess[];
  ports: number[];
  /** Starts instance `index` again on its port. */
  restart(index: number): Promise<void>;
  stop(): Promise<void>;
}

function instanceEnv(cluster: RedisCluster, port: number): Record<string, string> {
  return {
    PORT: String(port),
    FOOTFALL_STORE: cluster.url,
    FOOTFALL_TRUST_PROXY: '1',
    FOOTFALL_ADMIN_TOKEN: TOKEN,
    FOOTFALL_PUSH_INTERVAL_MS: String(PUSH_INTERVAL_MS),
    FOOTFALL_ANSWER: 'written',
  };
}

export async function startTopology(): Promise<Topology> {
  const cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1, appendonly: true });
  const ports = [await freePort(), await freePort(), await freePort()];
  const instances = await Promise.all(ports.map((port) => startServerProcess(instanceEnv(cluster, port), 30_000)));
  const nginx = await startNginx(ports.map((port) => `127.0.0.1:${port}`));
  return {
    cluster,
    nginx,
    instances,
    ports,
    async restart(index) {
      instances[index] = await startServerProcess(instanceEnv(cluster, ports[index]!), 30_000);
    },
    async stop() {
      await nginx.stop();
      await Promise.all(instances.map((instance) => instance.stop('SIGKILL')));
      await cluster.stop();
    },
  };
}

/** Creates the site through nginx and waits until every instance serves it. */
export async function createSite(topology: Topology): Promise<void> {
  const created = await fetch(`${topology.nginx.url}/api/v1/admin/sites/${SITE}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ origins: [SITE_ORIGIN], timezone: 'Asia/Ho_Chi_Minh' }),
  });
  if (created.status !== 201 && created.status !== 200) throw new Error(`site not created: ${created.status} ${await created.text()}`);
  const deadline = Date.now() + 10_000;
  for (const instance of topology.instances) {
    while ((await fetch(`${instance.url}/api/v1/sites/${SITE}/counts`)).status !== 200) {
      if (Date.now() > deadline) throw new Error(`${instance.url} never learnt the site`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** The n-th visitor's own loopback address: 127.0.(1 + n / 250).(1 + n % 250). */
export function visitorAddress(n: number): string {
  return `127.0.${1 + Math.floor(n / 250) % 250}.${1 + (n % 250)}`;
}

const agents = new Map<string, http.Agent>();

function agentFor(address: string): http.Agent {
  let agent = agents.get(address);
  if (!agent) agents.set(address, (agent = new http.Agent({ keepAlive: true, localAddress: address })));
  return agent;
}

export function closeAgents(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}

/** One page view by visitor `n` through nginx: the status, or 0 when the connection failed. */
export function sendHit(base: string, n: number): Promise<number> {
  const url = new URL('/api/v1/hit', base);
  const body = JSON.stringify({ site: SITE, url: `${SITE_ORIGIN}/tin-tuc/${n % 7}` });
  return new Promise((resolve) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent: agentFor(visitorAddress(n)),
        headers: { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body), origin: SITE_ORIGIN, 'user-agent': `${BROWSER_UA} visitor ${n}` },
        timeout: 15_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end(body);
  });
}

/** Today's views as nginx's readers see them. */
export async function viewsThroughNginx(base: string): Promise<number> {
  const counts = (await (await fetch(`${base}/api/v1/sites/${SITE}/counts`)).json()) as CountsPayload;
  return counts.today.views;
}

export interface Widget {
  socket: Socket;
  transport: 'websocket' | 'polling';
  /** Every `counts` event: when it came and today's views in it. */
  received: Array<{ at: number; views: number }>;
  /** When the socket lost its connection, and when it had one again. */
  drops: Array<{ at: number; back?: number }>;
  /** Resolves when a payload with at least `views` arrives; the arrival time. */
  seen(views: number, timeoutMs: number): Promise<number>;
}

/** A widget through nginx, reconnecting as the snippet does, from `address`. */
export function openWidget(base: string, transport: 'websocket' | 'polling', address: string): Widget {
  const socket = io(base, {
    auth: { site: SITE },
    transports: [transport],
    extraHeaders: { origin: SITE_ORIGIN, 'user-agent': `${BROWSER_UA} widget ${address}` },
    // engine.io-client passes `agent` to ws and to its Node XHR (both take an http.Agent);
    // its type says string | boolean only.
    agent: new http.Agent({ keepAlive: true, localAddress: address }) as unknown as string,
    forceNew: true,
    reconnection: true,
    reconnectionDelay: 250,
    reconnectionDelayMax: 1_000,
  });
  const widget: Widget = {
    socket,
    transport,
    received: [],
    drops: [],
    seen(views, timeoutMs) {
      const already = widget.received.find((entry) => entry.views >= views);
      if (already) return Promise.resolve(already.at);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          socket.off('counts', check);
          reject(new Error(`a ${transport} widget saw ${widget.received.at(-1)?.views} views, not ${views}, within ${timeoutMs} ms`));
        }, timeoutMs);
        const check = (counts: CountsPayload) => {
          if (counts.today.views < views) return;
          clearTimeout(timer);
          socket.off('counts', check);
          resolve(Date.now());
        };
        socket.on('counts', check);
      });
    },
  };
  socket.on('counts', (counts: CountsPayload) => widget.received.push({ at: Date.now(), views: counts.today.views }));
  socket.on('disconnect', () => widget.drops.push({ at: Date.now() }));
  socket.on('connect', () => {
    const drop = widget.drops.at(-1);
    if (drop && drop.back === undefined) drop.back = Date.now();
  });
  return widget;
}

/** Open live connections on each instance, from its /metrics. */
export async function connectionsPerInstance(topology: Topology): Promise<number[]> {
  return Promise.all(
    topology.instances.map(async (instance) => {
      const text = await (await fetch(`${instance.url}/metrics`)).text();
      return Number(/^footfall_live_connections (\d+)/m.exec(text)?.[1] ?? NaN);
    }),
  );
}

/**
 * Sends hits from fresh visitors for `durationMs`, `perSecond` of them, while `during` runs;
 * resolves with every status once both are done. Bounded: at most perSecond × duration hits.
 */
export async function hitsWhile(base: string, firstVisitor: number, perSecond: number, durationMs: number, during: () => Promise<void>): Promise<number[]> {
  const statuses: Promise<number>[] = [];
  const total = Math.floor((perSecond * durationMs) / 1000);
  const started = Date.now();
  let stopped = false;
  const sending = (async () => {
    for (let i = 0; i < total && !stopped; i++) {
      const due = started + (i * 1000) / perSecond;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      statuses.push(sendHit(base, firstVisitor + i));
    }
  })();
  try {
    await during();
  } catch (error) {
    stopped = true;
    await sending;
    throw error;
  }
  await sending;
  return Promise.all(statuses);
}

/** p-th percentile (0–100) of `values`. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
