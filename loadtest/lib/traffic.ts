/**
 * What realistic traffic to one bench site looks like: about fifty real-looking paths with a
 * skewed popularity, browser User-Agents, referrers, and many visitors told apart by their
 * `X-Forwarded-For` address (footfall runs with FOOTFALL_TRUST_PROXY=1 in the bench).
 * Deterministic (seeded), so every run and every target gets the same requests.
 * loadtest/k6/*.js carry a copy of these lists: keep them in step.
 */

/** The bench site, as written to FOOTFALL_SITES_FILE. */
export const BENCH_SITE = 'bench';
export const BENCH_ORIGIN = 'https://bench.example.com';
export const BENCH_TIMEZONE = 'Asia/Ho_Chi_Minh';

export const PATHS: readonly string[] = [
  '/', '/about', '/contact', '/pricing', '/blog', '/docs', '/docs/getting-started', '/docs/install',
  '/docs/configuration', '/docs/api', '/docs/faq', '/blog/2025/11/self-hosted-analytics',
  '/blog/2025/10/why-we-count-visits', '/blog/2025/09/redis-hyperloglog-explained',
  '/blog/2025/08/sqlite-in-production', '/blog/2025/07/privacy-without-cookies',
  '/blog/2025/06/timezones-are-hard', '/tin-tuc/thong-bao-nghi-le', '/tin-tuc/lich-hoc-hoc-ky-2',
  '/tin-tuc/ket-qua-tuyen-sinh-2025', '/san-pham/ao-thun-nam', '/san-pham/giay-the-thao',
  '/san-pham/tui-xach-da', '/danh-muc/khuyen-mai', '/danh-muc/hang-moi-ve', '/gio-hang', '/thanh-toan',
  '/tai-khoan/dang-nhap', '/tai-khoan/dang-ky', '/lien-he', '/gioi-thieu', '/tuyen-dung',
  '/events/2025-hanoi-meetup', '/events/2025-saigon-conference', '/careers', '/careers/backend-engineer',
  '/careers/frontend-engineer', '/legal/privacy', '/legal/terms', '/status', '/changelog',
  '/changelog/v2-0', '/changelog/v1-9', '/search', '/tags/javascript', '/tags/typescript',
  '/tags/redis', '/authors/long-huu', '/authors/minh-anh', '/archive/2024',
];

export const USER_AGENTS: readonly string[] = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  'Mozilla/5.0 (Linux; Android 13; Redmi Note 12) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.6723.107 Mobile Safari/537.36',
  'Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; CPH2581) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.39 Mobile Safari/537.36 OPR/86.0.0.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Linux; Android 12; vivo 1906) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36 coc_coc_browser/120.0.0.0',
];

const REFERRERS: readonly (string | null)[] = [
  null, null, null, 'https://www.google.com/', 'https://www.google.com.vn/', 'https://www.facebook.com/',
  'https://l.facebook.com/', 'https://zalo.me/', 'https://duckduckgo.com/', 'https://www.bing.com/',
  'https://news.ycombinator.com/', 'https://t.co/',
];

const QUERIES: readonly string[] = ['', '', '', '', '?utm_source=newsletter&utm_medium=email', '?ref=home', '?page=2', '#comments'];

/** A small, fast, seeded generator (mulberry32): the same seed gives the same traffic. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A skewed pick (roughly Zipf): the home page and a few articles get most views. */
export function pickPath(random: () => number): string {
  return PATHS[Math.floor(PATHS.length * random() ** 2.5)]!;
}

/** The visitor `i`'s client address: distinct for every i below 2^24; a header value only. */
export function visitorAddress(i: number): string {
  return `100.${64 + ((i >>> 16) & 63)}.${(i >>> 8) & 255}.${i & 255}`;
}

/**
 * A fresh visitor's address: a /64 of its own (so no per-address budget ties two together) in
 * public space (Viettel's 2402:800::/32, so the country database is asked), FRESH_DIGITS hex
 * digits wide whatever `n`, so the load worker can write it into prebuilt bytes.
 */
export const FRESH_ADDRESS_PREFIX = '2402:800:';
export const FRESH_DIGITS = 8;
export function freshAddress(n: number): string {
  const hex = (n >>> 0).toString(16).padStart(FRESH_DIGITS, '0');
  return `${FRESH_ADDRESS_PREFIX}${hex.slice(0, 4)}:${hex.slice(4)}::1`;
}

export function visitorUserAgent(i: number): string {
  return USER_AGENTS[i % USER_AGENTS.length]!;
}

/** The JSON body of one hit, about 150–250 bytes as the snippet sends it. */
export function hitBody(random: () => number, origin = BENCH_ORIGIN, site = BENCH_SITE): string {
  const referrer = REFERRERS[Math.floor(random() * REFERRERS.length)] ?? null;
  const query = QUERIES[Math.floor(random() * QUERIES.length)]!;
  return JSON.stringify({ site, url: `${origin}${pickPath(random)}${query}`, referrer });
}
