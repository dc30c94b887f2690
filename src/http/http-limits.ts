/**
 * The HTTP server's own limits, set deliberately rather than left at Node's defaults (which
 * wait 60 s for headers and 300 s for a request, with no cap on connections): a slow client
 * holding sockets open must run out of time long before the server runs out of sockets.
 */
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';

/** Headers must arrive within this; a browser sends them at once (slowloris sends one a minute). */
export const HEADERS_TIMEOUT_MS = 10_000;
/** A whole request, body included: the largest admin import (8 MiB) over a slow link fits. */
export const REQUEST_TIMEOUT_MS = 60_000;
/** Longer than a load balancer's idle timeout (often 60 s), so the balancer closes first. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** For `createServer`: the timeouts are checked every second, not every 30 s (Node's default). */
export const HTTP_SERVER_OPTIONS: ServerOptions = { connectionsCheckingInterval: 1000 };

/** `maxConnections`: `FOOTFALL_MAX_CONNECTIONS`, live sockets included. */
export function applyHttpLimits(server: Server, maxConnections: number): void {
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.maxConnections = maxConnections;
}

/**
 * From the start of a graceful stop, every answer closes its connection. A proxy's kept-alive
 * connection would otherwise carry new requests to the stopping server until the stop cuts it
 * off, mid-answer; the proxy then sends such a hit to another instance, and a hit the stopping
 * server had already written (FOOTFALL_ANSWER=written) would count twice.
 */
export function stopKeepingAlive(server: Server): void {
  // Ahead of the app's listener: an answer it writes at once (a cached read) would otherwise
  // have its keep-alive header out before this runs.
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    res.shouldKeepAlive = false;
  });
}
