/**
 * Reads a small request body with its limit enforced while it streams, so an oversized or
 * endless body costs at most the limit in memory.
 */
import type { IncomingMessage } from 'node:http';
import { FootfallError } from '../errors.js';

/** The limit of hit and ping bodies (4 KiB; docs/api.md, "POST /api/v1/hit"). */
export const BODY_LIMIT = 4096;

/** `application/json` or `text/plain` (what `navigator.sendBeacon` sends for a string). */
export function checkMediaType(req: IncomingMessage): void {
  if (!ACCEPTED_MEDIA_TYPE.test(req.headers['content-type'] ?? '')) throw new FootfallError('unsupported_media_type');
}

/** The type, then parameters or nothing; one test per request on the hot path. */
const ACCEPTED_MEDIA_TYPE = /^\s*(?:application\/json|text\/plain)\s*(?:;|$)/i;

export function readBody(req: IncomingMessage, limit = BODY_LIMIT): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    req.resume();
    return Promise.reject(new FootfallError('body_too_large'));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new FootfallError('body_too_large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    // The client hung up mid-body: its problem, not the server's, so no error log.
    req.on('error', () => reject(new FootfallError('invalid_body', 'The request body ended early.')));
  });
}
