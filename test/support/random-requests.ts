/**
 * Random HTTP requests for fuzzing a running footfall: any method, paths under /api/v1 and
 * elsewhere with bad escapes and random query strings, odd headers and media types, random and
 * malformed bodies up to ~8 KB, and — as raw bytes on a socket — lying Content-Lengths, broken
 * chunked encoding and bytes no client library would send. Built from fast-check arbitraries so
 * a seed reproduces a run.
 */
import fc from 'fast-check';

export interface RandomRequest {
  /** `http`: through node:http (well-framed); `raw`: these exact bytes on a fresh socket. */
  kind: 'http' | 'raw';
  method: string;
  /** Request target as sent (already escaped for `http`). */
  path: string;
  headers: Array<[string, string]>;
  body: Buffer;
  /** For `raw`: the whole request as written to the socket. */
  bytes?: Buffer;
}

/** Origins near a site's `https://<host>` that are never it: scheme, port, sub- and superdomain. */
export function nearOrigins(host: string): string[] {
  return [`http://${host}`, `https://${host}:8443`, `https://www.${host}`, `https://${host}.evil.example`, `https://x${host}`, `https://${host.replace(/\./g, '-')}`];
}

const SEGMENT_TRASH = ['%', '%2', '%zz', '%E0%A4%A', '%C0%AF', '%00', '%2F', '%2e%2e', '..', '.', '%FF%FE', '~', ';', ',', '*', "'", '"', '<script>', '%3Cscript%3E', 'tức', 'а'];
const QUERY_KEYS = ['site', 'url', 'ref', 'path', 'metric', 'label', 'from', 'to', 'date', 'limit', 'EIO', 'transport', 'sid', 'format', 'x'];
const CONTENT_TYPES = [
  'application/json',
  'text/plain',
  'text/plain;charset=UTF-8',
  'application/json; charset=utf-16',
  'application/json;charset=latin1',
  'TEXT/PLAIN',
  ' application/json ',
  'application/json, text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/octet-stream',
  'image/png',
  '',
  ';;;',
  'application/',
  '*/*',
];
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'curl/8.5.0',
  '',
  'x'.repeat(3000),
  // Longer than footfall reads (512), just under Node's 16 KiB header limit.
  `Mozilla/5.0 ${'x'.repeat(15_000)}`,
];

/** Characters node:http refuses in a request target, escaped; `%` is left alone so bad escapes stay bad. */
function looseEscape(path: string): string {
  // Byte-wise, so that lone surrogates (which encodeURIComponent refuses) go out as U+FFFD.
  return path.replace(/[^\u0021-\u007e]|#/gu, (c) => [...Buffer.from(c, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}

/**
 * Arbitrary requests for a server whose sites are `siteIds`, using only `foreignOrigins` (and
 * random strings) where an origin or page URL goes — never a site's own origin.
 */
export function randomRequests(siteIds: string[], foreignOrigins: string[]): fc.Arbitrary<RandomRequest> {
  const text = (max: number) => fc.string({ unit: 'grapheme', maxLength: max });
  const site = fc.oneof(fc.constantFrom(...siteIds), fc.constantFrom('', 'Demo', 'x'.repeat(80), '%zz', '..', '%2e%2e'), text(12));
  const origin = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...foreignOrigins, 'null', '') }, { weight: 1, arbitrary: text(20) });
  const pageUrl = fc.oneof(
    fc.tuple(fc.constantFrom(...foreignOrigins), fc.webPath(), fc.constantFrom('', '?utm=1', '#top')).map(([o, p, t]) => `${o}${p}${t}`),
    fc.constantFrom('/relative', 'ftp://x/', 'javascript:alert(1)', 'data:text/html,x', 'https://', ''),
    text(40),
  );
  const segment = fc.oneof(fc.webSegment(), fc.constantFrom(...SEGMENT_TRASH), text(6));
  const routePath = fc.oneof(
    fc.constantFrom('/api/v1/hit', '/api/v1/ping', '/api/v1/hit.gif', '/metrics', '/healthz', '/readyz', '/footfall.js', '/', '/dashboard', '/socket.io/'),
    site.map((s) => `/api/v1/sites/${s}/counts`),
    site.map((s) => `/api/v1/sites/${s}/badge.svg`),
    fc.tuple(fc.constantFrom('', '/history', '/pages', '/audit'), site).map(([tail, s]) => `/api/v1/admin/sites/${s}${tail}`),
    fc.tuple(fc.constantFrom('/history', '/pages', '/day', '/sources', '/paths'), site).map(([tail, s]) => `/api/v1/sites/${s}${tail}`),
    fc.constantFrom('/api/v1/admin/keys', '/api/v1/admin/keys/ffk_x', '/api/v1/admin/audit'),
    fc.constantFrom('/api/v1/admin/sites', '/api/v1/admin/import', '/api/v1//hit', '/api/v1/hit/', '/API/V1/HIT', '/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '//etc/passwd'),
    fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => `/api/v1/${parts.join('/')}`),
    fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
  );
  const queryValue = fc.oneof(site, pageUrl, fc.constantFrom('total.views', 'online', '2026-11-27', '-1', '1e9', '%', '%zz', '/tin-tuc', '4', 'websocket'), text(30));
  const query = fc.oneof(
    fc.constant(''),
    fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), text(5)), queryValue, fc.boolean()), { maxLength: 6 })
      .map((pairs) => `?${pairs.map(([k, v, encode]) => (encode ? `${encodeURIComponent(k)}=${encodeURIComponent(v)}` : `${k}=${v}`)).join('&')}`),
  );
  const headerPair = fc.oneof(
    fc.constantFrom(...CONTENT_TYPES, 'x').chain((type) => (type === 'x' ? text(20) : fc.constant(type))).map((v) => ['content-type', v] as [string, string]),
    origin.map((v) => ['origin', v] as [string, string]),
    pageUrl.map((v) => ['referer', v] as [string, string]),
    fc.oneof(fc.constantFrom(...USER_AGENTS), text(30)).map((v) => ['user-agent', v] as [string, string]),
    fc.oneof(fc.ipV4(), fc.ipV6(), text(20), fc.array(fc.ipV4(), { maxLength: 30 }).map((ips) => ips.join(', '))).map((v) => ['x-forwarded-for', v] as [string, string]),
    fc.tuple(fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', ''), text(40)).map(([scheme, v]) => ['authorization', `${scheme} ${v}`] as [string, string]),
    fc.constantFrom<[string, string]>(['dnt', '1'], ['sec-gpc', '1'], ['sec-purpose', 'prefetch'], ['purpose', 'prefetch'], ['x-moz', 'prefetch']),
    fc.constantFrom<[string, string]>(['content-encoding', 'gzip'], ['content-encoding', 'br'], ['accept-encoding', 'gzip, br'], ['expect', '100-continue'], ['connection', 'close']),
    fc.tuple(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), text(50)).map(([k, v]) => [k, v] as [string, string]),
  );
  const body = fc.oneof(
    fc.constant(Buffer.alloc(0)),
    fc
      .record({ site, url: pageUrl, referrer: fc.option(pageUrl) }, { requiredKeys: [] })
      .map((b) => Buffer.from(JSON.stringify(b))),
    fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    text(200).map((s) => Buffer.from(s)),
    fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
    // Up to ~8 KB: a chunk repeated, so that both sides of the 4 KiB limit are reached.
    fc.tuple(text(64), fc.integer({ min: 1, max: 128 })).map(([s, n]) => Buffer.from(s.repeat(n)).subarray(0, 8_200)),
  );
  const method = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') },
    { weight: 1, arbitrary: fc.constantFrom('TRACE', 'PROPFIND', 'FOO', 'M-SEARCH', 'get', 'PURGE') },
  );
  const clean = fc
    .record({ method, path: fc.tuple(routePath, query).map(([p, q]) => looseEscape(p + q)), headers: fc.array(headerPair, { maxLength: 8 }), body })
    .map(({ method: m, path, headers, body: b }): RandomRequest => {
      // Only well-formed header values: node:http refuses the others before sending anything.
      const safe = headers.filter(([, v]) => /^[\t\u0020-\u007e\u0080-\u00ff]*$/.test(v));
      return { kind: 'http', method: m, path, headers: safe, body: m === 'GET' || m === 'HEAD' ? Buffer.alloc(0) : b };
    });
  // Requests that get deep into ingest: a real site, a usable media type, a JSON body with a
  // page on a foreign origin (or the pixel's query), and everything else still random.
  const goodType = fc.constantFrom('application/json', 'text/plain;charset=UTF-8', 'text/plain', 'application/json; charset=utf-8');
  const ingest = fc
    .record({
      route: fc.constantFrom('/api/v1/hit', '/api/v1/ping', '/api/v1/hit.gif'),
      site: fc.constantFrom(...siteIds),
      url: pageUrl,
      referrer: fc.oneof(fc.constant(undefined), pageUrl, fc.integer({ min: 1, max: 5_000 }).map((n) => 'r'.repeat(n))),
      type: goodType,
      headers: fc.array(headerPair, { maxLength: 6 }),
      extra: fc.dictionary(fc.constantFrom('site', 'url', 'x', '__proto__'), fc.jsonValue(), { maxKeys: 2 }),
    })
    .map(({ route, site: id, url, referrer, type, headers, extra }): RandomRequest => {
      const safe = headers.filter(([k, v]) => k !== 'content-type' && /^[\t\u0020-\u007e\u0080-\u00ff]*$/.test(v));
      if (route === '/api/v1/hit.gif') {
        const q = new URLSearchParams({ site: id, url, ...(referrer === undefined ? {} : { ref: referrer }) });
        return { kind: 'http', method: 'GET', path: `${route}?${q}`, headers: safe, body: Buffer.alloc(0) };
      }
      const body = { site: id, url, ...(referrer === undefined ? {} : { referrer }), ...extra };
      return { kind: 'http', method: 'POST', path: route, headers: [['content-type', type], ...safe], body: Buffer.from(JSON.stringify(body)) };
    });
  const framing = fc.oneof(
    fc.constant('exact'),
    fc.constantFrom('more', 'less', 'garbage', 'negative', 'huge', 'twice', 'chunked', 'bad-chunk', 'both'),
  );
  const raw = fc
    .record({ request: clean, framing, rawPath: fc.oneof(fc.constant(undefined), fc.tuple(routePath, query).map(([p, q]) => p + q)) })
    .map(({ request, framing: f, rawPath }): RandomRequest => {
      const target = rawPath ?? request.path;
      const lines = [`${request.method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', ...request.headers.map(([k, v]) => `${k}: ${v}`)];
      const b = request.body;
      let payload = b;
      switch (f) {
        case 'exact': lines.push(`Content-Length: ${b.length}`); break;
        case 'more': lines.push(`Content-Length: ${b.length + 1 + (b.length % 50)}`); break;
        case 'less': lines.push(`Content-Length: ${Math.floor(b.length / 2)}`); break;
        case 'garbage': lines.push('Content-Length: abc'); break;
        case 'negative': lines.push('Content-Length: -1'); break;
        case 'huge': lines.push('Content-Length: 99999999999999999999'); break;
        case 'twice': lines.push(`Content-Length: ${b.length}`, `Content-Length: ${b.length + 1}`); break;
        case 'chunked': lines.push('Transfer-Encoding: chunked'); payload = Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n0\r\n\r\n')]); break;
        case 'bad-chunk': lines.push('Transfer-Encoding: chunked'); payload = Buffer.concat([Buffer.from('zz\r\n'), b]); break;
        case 'both': lines.push('Transfer-Encoding: chunked', `Content-Length: ${b.length}`); break;
      }
      const bytes = Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), payload]);
      return { ...request, kind: 'raw', path: target, bytes };
    });
  return fc.oneof({ weight: 6, arbitrary: clean }, { weight: 3, arbitrary: ingest }, { weight: 1, arbitrary: raw });
}

/**
 * True when some URL anywhere in the request (headers, target, body; also after decoding
 * escapes) has one of `origins` as its origin: such a request could be a valid hit.
 */
export function mentionsOrigin(request: RandomRequest, origins: string[]): boolean {
  const parts = [request.path, ...request.headers.map(([, v]) => v), request.body.toString('utf8')];
  const texts = parts.flatMap((part) => {
    try {
      return [part, decodeURIComponent(part)];
    } catch {
      return [part];
    }
  });
  for (const text of texts) {
    for (const match of text.matchAll(/https?:\/\/[^\s"'&,\\]*/gi)) {
      try {
        if (origins.includes(new URL(match[0]).origin)) return true;
      } catch {
        // not a URL at all
      }
    }
  }
  return false;
}
