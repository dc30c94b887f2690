/**
 * Asks a Busuanzi server (or a clone that speaks its protocol) for a page's figures, as its
 * script does: a JSONP GET whose `Referer` is the page. Busuanzi counts every such question
 * as a view of the page and of the site, and a visitor it has no `busuanziId` cookie for as a
 * new one; so the session keeps the cookies the server sets, and each answer says how many of
 * its figures the questions themselves added.
 */
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { httpGet } from './http-get.js';

export const BUSUANZI_ENDPOINT = 'https://busuanzi.ibruce.info/busuanzi';

/** Busuanzi answers numbers; some clones answer numeric strings. */
const figure = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,15}$/).transform(Number)]);
const answerSchema = z.object({ site_pv: figure, site_uv: figure, page_pv: figure });

export interface BusuanziFigures {
  sitePv: number;
  siteUv: number;
  pagePv: number;
}

export interface BusuanziSessionOptions {
  endpoint: string;
  userAgent: string;
  timeoutMs: number;
  retries: number;
  signal?: AbortSignal;
}

export class BusuanziSession {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly options: BusuanziSessionOptions) {}

  /** The figures Busuanzi shows on `page`, this question's view included. */
  async figures(page: URL): Promise<BusuanziFigures> {
    const callback = `BusuanziCallback_${randomInt(2 ** 40)}`;
    const url = new URL(this.options.endpoint);
    url.searchParams.set('jsonpCallback', callback);
    const headers: Record<string, string> = { referer: page.href, 'user-agent': this.options.userAgent, accept: '*/*' };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const answer = await httpGet(url.href, { headers, timeoutMs: this.options.timeoutMs, retries: this.options.retries, signal: this.options.signal });
    for (const cookie of answer.headers.getSetCookie()) this.keep(cookie);
    if (answer.status !== 200) throw new Error(`HTTP ${answer.status} from ${url.origin}${url.pathname}`);
    return parseJsonp(answer.body.toString('utf8'), callback);
  }

  private keep(setCookie: string): void {
    const pair = setCookie.split(';', 1)[0] ?? '';
    const at = pair.indexOf('=');
    if (at > 0) this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
}

/** `try{Callback({"site_uv":…,"page_pv":…,"site_pv":…});}catch(e){}` → the figures. */
export function parseJsonp(body: string, callback: string): BusuanziFigures {
  const start = body.indexOf(`${callback}(`);
  const open = body.indexOf('{', start);
  // The object ends where the call does: `catch(e){}` after it has braces of its own.
  const close = body.lastIndexOf('})');
  if (start < 0 || open < 0 || close < open) throw new Error(`the answer is not Busuanzi's JSONP: ${preview(body)}`);
  let value: unknown;
  try {
    value = JSON.parse(body.slice(open, close + 1));
  } catch {
    throw new Error(`the answer's JSON does not parse: ${preview(body)}`);
  }
  const parsed = answerSchema.safeParse(value);
  if (!parsed.success) throw new Error(`the answer lacks site_pv, site_uv or page_pv as whole numbers: ${preview(body)}`);
  return { sitePv: parsed.data.site_pv, siteUv: parsed.data.site_uv, pagePv: parsed.data.page_pv };
}

function preview(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}
