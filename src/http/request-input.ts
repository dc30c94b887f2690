/**
 * Input of the Express routes, checked at the edge: query strings against zod schemas, and
 * operators' files (CSV, JSON) with limits and messages that name the route's own terms.
 */
import express, { type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { isRealDate } from '../counting/calendar.js';
import { describeIssues } from '../counting/site.js';
import { FootfallError } from '../errors.js';

export const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date YYYY-MM-DD' })
  .refine(isRealDate, { message: 'is not a date on the calendar' });

export const flagSchema = z.enum(['1', '0', 'true', 'false']).transform((value) => value === '1' || value === 'true');

/** A history file of 40,000 days is about 1 MB; 100,000 page baselines about 5 MB. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** The query checked against `schema`, or `invalid_query` naming the fields. */
export function query<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new FootfallError('invalid_query', `The query is not valid: ${describeIssues(result.error)}.`);
  return result.data;
}

export function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * An operator's file: `text/csv` or `text/plain` as text, and with `json` also
 * `application/json` as a value; `what` names the file in messages ("history", "page file").
 */
export function fileBody(what: string, rows: string, options: { json?: boolean } = {}): RequestHandler {
  const text = express.text({ type: () => true, limit: MAX_FILE_BYTES });
  const json = express.json({ type: () => true, limit: MAX_FILE_BYTES });
  return (req, res, next) => {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    const asJson = options.json === true && type === 'application/json';
    if (type !== 'text/csv' && type !== 'text/plain' && !asJson) {
      return next(new FootfallError('unsupported_media_type', `Send the ${what} as text/csv${options.json ? ' or application/json' : ''}: rows ${rows}.`));
    }
    (asJson ? json : text)(req, res, (error?: unknown) => {
      if ((error as { type?: string } | undefined)?.type === 'entity.too.large') {
        return next(new FootfallError('body_too_large', `The ${what} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB; send it in parts.`));
      }
      next(error);
    });
  };
}
