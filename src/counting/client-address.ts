/**
 * The client IP a visitor id and the limits are keyed on, for HTTP requests and live
 * handshakes alike. `X-Forwarded-For` is believed only as far as `FOOTFALL_TRUST_PROXY` says
 * (Express `trust proxy` syntax); by default not at all.
 */
import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';
import type { Config } from '../config/config.js';

export type ClientAddress = (req: IncomingMessage) => string;

export function clientAddressResolver(trustProxy: Config['trustProxy']): ClientAddress {
  if (trustProxy === false) return (req) => req.socket.remoteAddress ?? '';
  const trust: (address: string, hop: number) => boolean =
    trustProxy === true
      ? () => true
      : typeof trustProxy === 'number'
        ? (_address, hop) => hop < trustProxy
        : proxyAddr.compile(trustProxy.split(',').map((part) => part.trim()));
  return (req) => proxyAddr(req, trust);
}
