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

export function errorMiddleware(log: Logger) {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    let failure: FootfallError;
    if (error instanceof FootfallError) failure = error;
    // Express throws URIError for a path segment like `%zz`: no site or route can be named so.
    else if (error instanceof URIError) failure = new FootfallError('not_found');
    else {
      const parserCode = PARSER_ERRORS[(error as { type?: string }).type ?? ''];
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
