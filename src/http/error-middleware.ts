/** The one place Express errors become `{"error":{"code","message"}}`; stacks go to the log. */
import type { NextFunction, Request, Response } from 'express';
import { FootfallError } from '../errors.js';
import type { Logger } from '../log.js';

/** Errors body-parser throws, by its `type`. */
const PARSER_ERRORS: Record<string, FootfallError['code']> = {
  'entity.parse.failed': 'invalid_body',
  'entity.too.large': 'body_too_large',
  'encoding.unsupported': 'unsupported_media_type',
};

/** Client errors body-parser passes on without a `type` (a gzip body that does not inflate), by status. */
const CLIENT_ERRORS: Record<number, FootfallError['code']> = { 400: 'invalid_body', 413: 'body_too_large', 415: 'unsupported_media_type' };

function parserCodeOf(error: unknown): FootfallError['code'] | undefined {
  const { type, expose, status } = error as { type?: string; expose?: boolean; status?: number };
  return PARSER_ERRORS[type ?? ''] ?? (expose === true && status !== undefined ? CLIENT_ERRORS[status] : undefined);
}

export function errorMiddleware(log: Logger) {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    let failure: FootfallError;
    if (error instanceof FootfallError) failure = error;
    // Express throws URIError for a path segment like `%zz`: no site or route can be named so.
    else if (error instanceof URIError) failure = new FootfallError('not_found');
    else {
      const parserCode = parserCodeOf(error);
      failure = new FootfallError(parserCode ?? 'internal_error');
      if (!parserCode) log.error({ err: error }, 'request failed');
    }
    if (failure.retryAfter !== undefined) res.set('Retry-After', String(failure.retryAfter));
    res.status(failure.status).json(failure.toJSON());
  };
}

export function notFound(_req: Request, _res: Response, next: NextFunction): void {
  next(new FootfallError('not_found'));
}
