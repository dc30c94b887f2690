// k6: POST /api/v1/hit at a fixed rate, with the Node harness' thresholds (loadtest/scenarios/
// ingest.ts): p99 ≤ 20 ms at 50 % of the saturated rate, errors < 1 %. Traffic as in
// loadtest/lib/traffic.ts (paths, User-Agents, referrers, visitors by X-Forwarded-For): keep
// the lists in step. footfall must run with FOOTFALL_TRUST_PROXY=1, FOOTFALL_RATE_LIMIT=0 and
// the bench site (origin https://bench.example.com) — see loadtest/README.md. Through nginx
// (the deploy topology), footfall trusts 2 hops and nginx runs without its per-address limits
// (the load comes from one address); with FOOTFALL_ANSWER=written answers wait for their flush,
// so set P99_MS=100.
//
//   k6 run -e BASE_URL=http://127.0.0.1:8080 -e RATE=3500 -e DURATION=30s loadtest/k6/ingest.js
//
// Only loopback targets: BASE_URL must be http://127.0.0.1:… or http://localhost:….
import http from 'k6/http';
import exec from 'k6/execution';
import { check } from 'k6';

const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:8080';
const SITE = __ENV.SITE || 'bench';
const ORIGIN = __ENV.ORIGIN || 'https://bench.example.com';
const RATE = Number(__ENV.RATE || 1000);
const DURATION = __ENV.DURATION || '30s';
const VISITORS = Number(__ENV.VISITORS || 30000);
const P99_MS = Number(__ENV.P99_MS || 20);

if (!/^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/.test(BASE_URL)) {
  throw new Error(`BASE_URL ${BASE_URL} is not a loopback address; load only ever targets this machine`);
}

export const options = {
  scenarios: {
    ingest: {
      // Open model: requests are due at RATE/s whatever the answers, like the harness' rate mode.
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: 64,
      maxVUs: 512,
    },
  },
  thresholds: {
    'http_req_duration{scenario:ingest}': [`p(99)<=${P99_MS}`],
    http_req_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
  },
  summaryTrendStats: ['med', 'p(90)', 'p(99)', 'max'],
};

const PATHS = [
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

const USER_AGENTS = [
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

const REFERRERS = [
  null, null, null, 'https://www.google.com/', 'https://www.google.com.vn/', 'https://www.facebook.com/',
  'https://l.facebook.com/', 'https://zalo.me/', 'https://duckduckgo.com/', 'https://www.bing.com/',
  'https://news.ycombinator.com/', 'https://t.co/',
];

const QUERIES = ['', '', '', '', '?utm_source=newsletter&utm_medium=email', '?ref=home', '?page=2', '#comments'];

/** As traffic.ts: visitor i's address, a header value only (never a target). */
function visitorAddress(i) {
  return `100.${64 + ((i >>> 16) & 63)}.${(i >>> 8) & 255}.${i & 255}`;
}

/** As traffic.ts' pickPath: the home page and a few articles get most views. */
function pickPath() {
  return PATHS[Math.floor(PATHS.length * Math.random() ** 2.5)];
}

export default function () {
  // A stride coprime with VISITORS walks every visitor before repeating one (as load-worker.ts).
  const visitor = (exec.scenario.iterationInTest * 7919) % VISITORS;
  const body = JSON.stringify({
    site: SITE,
    url: `${ORIGIN}${pickPath()}${QUERIES[Math.floor(Math.random() * QUERIES.length)]}`,
    referrer: REFERRERS[Math.floor(Math.random() * REFERRERS.length)],
  });
  const res = http.post(`${BASE_URL}/api/v1/hit`, body, {
    headers: {
      'Content-Type': 'text/plain;charset=UTF-8',
      Origin: ORIGIN,
      'User-Agent': USER_AGENTS[visitor % USER_AGENTS.length],
      'X-Forwarded-For': visitorAddress(visitor),
    },
    tags: { name: 'POST /api/v1/hit' },
  });
  check(res, { 'counted (202)': (r) => r.status === 202 });
}
