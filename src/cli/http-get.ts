/**
 * GET with a time limit and retries, for commands that read other people's servers (a
 * sitemap, an old counter): a server that is slow or briefly down — a timeout, a refused
 * connection, 429, 5xx — is asked again after a growing pause, honouring `Retry-After` up to
 * a minute; any other answer is final.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface GetOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Further attempts after the first. */
  retries: number;
  /** The first pause; each next one doubles. */
  backoffMs?: number;
  /** Ctrl-C: stops waiting and asking at once. */
  signal?: AbortSignal;
}

export interface GetAnswer {
  status: number;
  headers: Headers;
  body: Buffer;
}

const MAX_RETRY_AFTER_MS = 60_000;

/** The final answer for `url`; throws with the last reason when every attempt failed. */
export async function httpGet(url: string, options: GetOptions): Promise<GetAnswer> {
  const backoffMs = options.backoffMs ?? 500;
  for (let attempt = 0; ; attempt += 1) {
    let pauseMs = backoffMs * 2 ** attempt;
    let reason: string;
    try {
      const signals = [AbortSignal.timeout(options.timeoutMs), ...(options.signal ? [options.signal] : [])];
      const response = await fetch(url, { headers: options.headers, redirect: 'follow', signal: AbortSignal.any(signals) });
      const body = Buffer.from(await response.arrayBuffer());
      if (response.status !== 429 && response.status < 500) return { status: response.status, headers: response.headers, body };
      reason = `HTTP ${response.status}`;
      pauseMs = Math.max(pauseMs, retryAfterMs(response.headers.get('retry-after')));
    } catch (error) {
      if (options.signal?.aborted) throw new Error('interrupted');
      reason = (error as Error).name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : describe(error);
    }
    if (attempt >= options.retries) throw new Error(`${reason} (asked ${attempt + 1} time${attempt === 0 ? '' : 's'})`);
    await sleep(pauseMs, undefined, { signal: options.signal }).catch(() => {
      throw new Error('interrupted');
    });
  }
}

function retryAfterMs(header: string | null): number {
  if (header === null) return 0;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : 0;
}

/** fetch's "fetch failed" hides the reason (refused, unknown host) in `cause`. */
function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
