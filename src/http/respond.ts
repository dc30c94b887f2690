/** Writing responses on the bare `node:http` path: JSON bodies and the one error shape. */
import type { ServerResponse } from 'node:http';
import { FootfallError } from '../errors.js';

export type Headers = Record<string, string | number>;

/** Writes a JSON body that is already serialised (cached payloads are serialised once). */
export function sendJsonText(res: ServerResponse, status: number, json: string, headers: Headers = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(json), ...headers });
  res.end(json);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Headers = {}): void {
  sendJsonText(res, status, JSON.stringify(body), headers);
}

/** `{"error":{"code","message"}}` with the catalogue's status, and `Retry-After` where it applies. */
export function sendError(res: ServerResponse, error: FootfallError, headers: Headers = {}): void {
  const extra: Headers = error.retryAfter === undefined ? headers : { ...headers, 'Retry-After': error.retryAfter };
  sendJson(res, error.status, error.toJSON(), extra);
}

/** Any thrown value as a FootfallError; unknown ones become `internal_error` (logged by the caller). */
export function asFootfallError(error: unknown): FootfallError {
  return error instanceof FootfallError ? error : new FootfallError('internal_error', undefined, { cause: error });
}
