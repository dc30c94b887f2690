/**
 * What a hit or ping may carry, validated at the edge. Bad input is answered `invalid_body`
 * with the field named, and counts nothing.
 */
import { z } from 'zod';
import { memoize } from '../counting/memo.js';
import { MAX_URL_LENGTH, pageOf, type Page } from '../counting/page-path.js';
import { describeIssues, SITE_ID_PATTERN } from '../counting/site.js';
import { FootfallError } from '../errors.js';

const siteId = z.string().regex(SITE_ID_PATTERN, { message: 'is not a site id' });

const pageUrl = z
  .string()
  .max(MAX_URL_LENGTH, { message: `is longer than ${MAX_URL_LENGTH} characters` })
  .refine((value) => pageOf(value) !== undefined, { message: 'is not an absolute http or https URL' });

export const hitBodySchema = z.object({
  site: siteId,
  url: pageUrl,
  referrer: z.string().max(MAX_URL_LENGTH).optional().nullable(),
});

export const pingBodySchema = z.object({ site: siteId });

/** A valid hit: the site it names, the page it counts, and where the visitor came from. */
export interface Hit {
  site: string;
  page: Page;
  referrer?: string | null;
}

/**
 * A site's pages are viewed over and over: each URL is parsed once while it stays among the
 * recent ones. Only URLs of a usual length are remembered, which bounds the memory to about
 * 6 MB whatever URLs are sent.
 */
const REMEMBERED_PAGES = 4096;
const REMEMBERED_URL_LENGTH = 512;
const rememberedPage = memoize(REMEMBERED_PAGES, pageOf);

function pageOfUrl(url: string): Page | undefined {
  return url.length <= REMEMBERED_URL_LENGTH ? rememberedPage(url) : pageOf(url);
}

/**
 * Validates a hit body. The common, valid case is checked by hand and parses its URL once;
 * `hitBodySchema` stays the definition and explains every refusal.
 */
export function readHit(value: unknown): Hit {
  if (typeof value === 'object' && value !== null) {
    const { site, url, referrer } = value as Record<string, unknown>;
    const referrerOk = referrer === undefined || referrer === null || (typeof referrer === 'string' && referrer.length <= MAX_URL_LENGTH);
    if (typeof site === 'string' && SITE_ID_PATTERN.test(site) && typeof url === 'string' && url.length <= MAX_URL_LENGTH && referrerOk) {
      const page = pageOfUrl(url);
      if (page) return { site, page, referrer: referrer as string | null | undefined };
    }
  }
  const body = validateInput(hitBodySchema, value);
  const page = pageOf(body.url);
  if (!page) throw new FootfallError('invalid_body', 'The request is not valid: url: is not an absolute http or https URL.');
  return { site: body.site, page, referrer: body.referrer };
}

/** Parses a body as JSON, or throws `invalid_body`. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new FootfallError('invalid_body', 'The body is not JSON; send {"site": "...", "url": "https://..."}.');
  }
}

/** Checks a value against `schema`, or throws `invalid_body` naming the fields. */
export function validateInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new FootfallError('invalid_body', `The request is not valid: ${describeIssues(result.error)}.`);
  return result.data;
}
