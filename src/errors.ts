/**
 * Every error a client can receive, over HTTP or as a live connection's `connect_error`, with
 * its HTTP status and a default message that says what to fix. HTTP handlers throw
 * `FootfallError` and one writer turns it into `{"error":{"code","message"}}`; live refusals
 * are built by `liveRefusal`. Stack traces go to the log, never to a client.
 */
export const ERRORS = {
  invalid_body: { status: 400, message: 'The request body is not valid.' },
  invalid_query: { status: 400, message: 'The query string is not valid.' },
  invalid_settings: { status: 400, message: 'The site settings are not valid.' },
  invalid_auth: { status: 400, message: 'Connect with auth: {site: "<site id>", path?: "/page", paths?: ["/page", …]}.' },
  unauthorized: { status: 401, message: 'Send the admin token or a valid key as "Authorization: Bearer <token or key>".' },
  forbidden: { status: 403, message: 'This key does not open this site or this action.' },
  origin_not_allowed: { status: 403, message: 'This origin is not one of the site\'s origins.' },
  unknown_site: { status: 404, message: 'There is no site with this id.' },
  unknown_key: { status: 404, message: 'There is no key with this id.' },
  not_found: { status: 404, message: 'There is nothing at this address.' },
  body_too_large: { status: 413, message: 'The request body is larger than 4 KiB.' },
  unsupported_media_type: {
    status: 415,
    message: 'Send the body as application/json or text/plain.',
  },
  rate_limited: { status: 429, message: 'Too many page views from this visitor; try again later.' },
  too_many_connections: { status: 429, message: 'This address has as many live connections open as it may; close one first.' },
  internal_error: { status: 500, message: 'Something went wrong on the server; it has been logged.' },
  store_unavailable: {
    status: 503,
    message: 'The counter store is not answering and the outage buffer is full; try again later.',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class FootfallError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Seconds, for `Retry-After` on 429 and 503. */
  readonly retryAfter?: number;

  constructor(code: ErrorCode, message?: string, options?: { retryAfter?: number; cause?: unknown }) {
    super(message ?? ERRORS[code].message, { cause: options?.cause });
    this.name = 'FootfallError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.retryAfter = options?.retryAfter;
  }

  toJSON(): { error: { code: ErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/**
 * A refused live connection: Socket.IO gives the client `connect_error` with this message (the
 * code, which clients switch on) and `data` (the code and the human message).
 */
export function liveRefusal(code: ErrorCode, message?: string): Error & { data: { code: ErrorCode; message: string } } {
  return Object.assign(new Error(code), { data: { code, message: message ?? ERRORS[code].message } });
}

/** A problem with the configuration or the data files that must stop the start. */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}
