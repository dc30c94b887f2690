/**
 * The referring sites footfall names instead of showing their domain: search engines, social
 * networks, chat apps and AI assistants a visitor is likely to arrive from, Vietnamese ones
 * included. One row per name; adding a source is adding a row here.
 *
 * - `hosts`: a referrer host that is one of these or a subdomain of one gets the name
 *   (`l.facebook.com` → `facebook.com` → Facebook). The longest match wins, so
 *   `chat.openai.com` can be ChatGPT while the rest of `openai.com` is not.
 * - `brands`: the registrable domain's label before an ICANN public suffix, for companies that
 *   hold one domain per country (`google.com.vn`, `yahoo.co.jp`). Private suffixes do not count:
 *   `google.blogspot.com` is somebody's blog.
 * - `apps`: Android package names, from `android-app://<package>/` referrers.
 */

export interface KnownReferrer {
  readonly name: string;
  readonly hosts?: readonly string[];
  readonly brands?: readonly string[];
  readonly apps?: readonly string[];
}

export const KNOWN_REFERRERS: readonly KnownReferrer[] = [
  { name: 'Google', hosts: ['google'], brands: ['google'], apps: ['com.google.android.googlequicksearchbox', 'com.google.android.apps.searchlite'] },
  { name: 'Bing', hosts: ['bing.com'], apps: ['com.microsoft.bing'] },
  { name: 'Cốc Cốc', hosts: ['coccoc.com'], apps: ['com.coccoc.trinhduyet'] },
  { name: 'Facebook', hosts: ['facebook.com', 'fb.com', 'fb.me', 'fb.watch'], apps: ['com.facebook.katana', 'com.facebook.lite'] },
  { name: 'Messenger', hosts: ['messenger.com', 'm.me'], apps: ['com.facebook.orca', 'com.facebook.mlite'] },
  { name: 'Zalo', hosts: ['zalo.me', 'zaloapp.com', 'zalo.vn'], apps: ['com.zing.zalo'] },
  { name: 'YouTube', hosts: ['youtube.com', 'youtu.be'], apps: ['com.google.android.youtube'] },
  { name: 'TikTok', hosts: ['tiktok.com'], apps: ['com.zhiliaoapp.musically', 'com.ss.android.ugc.trill'] },
  { name: 'X', hosts: ['x.com', 'twitter.com', 't.co'], apps: ['com.twitter.android'] },
  { name: 'Instagram', hosts: ['instagram.com'], apps: ['com.instagram.android'] },
  { name: 'Threads', hosts: ['threads.net', 'threads.com'], apps: ['com.instagram.barcelona'] },
  { name: 'LinkedIn', hosts: ['linkedin.com', 'lnkd.in'], apps: ['com.linkedin.android'] },
  { name: 'Reddit', hosts: ['reddit.com', 'redd.it'], apps: ['com.reddit.frontpage'] },
  { name: 'Pinterest', brands: ['pinterest'], hosts: ['pin.it'], apps: ['com.pinterest'] },
  { name: 'Telegram', hosts: ['t.me', 'telegram.me', 'telegram.org'], apps: ['org.telegram.messenger'] },
  { name: 'WhatsApp', hosts: ['whatsapp.com', 'wa.me'], apps: ['com.whatsapp'] },
  { name: 'Viber', hosts: ['viber.com'], apps: ['com.viber.voip'] },
  { name: 'Yahoo', brands: ['yahoo'] },
  { name: 'DuckDuckGo', hosts: ['duckduckgo.com'], apps: ['com.duckduckgo.mobile.android'] },
  { name: 'Yandex', brands: ['yandex'], hosts: ['ya.ru'] },
  { name: 'Baidu', hosts: ['baidu.com'], apps: ['com.baidu.searchbox'] },
  { name: 'Naver', hosts: ['naver.com'], apps: ['com.nhn.android.search'] },
  { name: 'Wikipedia', hosts: ['wikipedia.org'] },
  { name: 'ChatGPT', hosts: ['chatgpt.com', 'chat.openai.com'], apps: ['com.openai.chatgpt'] },
  { name: 'Perplexity', hosts: ['perplexity.ai'] },
];

const byHost = new Map<string, string>();
const byBrand = new Map<string, string>();
const byApp = new Map<string, string>();
for (const { name, hosts = [], brands = [], apps = [] } of KNOWN_REFERRERS) {
  for (const host of hosts) byHost.set(host, name);
  for (const brand of brands) byBrand.set(brand, name);
  for (const app of apps) byApp.set(app, name);
}

/**
 * The name of a referring site, or undefined when it is not a known one. `hostname` is
 * lowercase; `icannBrand` is its registrable domain's label before an ICANN suffix, if any.
 */
export function knownSiteName(hostname: string, icannBrand: string | undefined): string | undefined {
  // From the whole host to ever shorter suffixes: the longest listed one wins.
  let host = hostname;
  for (;;) {
    const name = byHost.get(host);
    if (name !== undefined) return name;
    const dot = host.indexOf('.');
    if (dot === -1) break;
    host = host.slice(dot + 1);
  }
  return icannBrand === undefined ? undefined : byBrand.get(icannBrand);
}

/** The name of a known Android app by its lowercase package name. */
export function knownAppName(packageName: string): string | undefined {
  return byApp.get(packageName);
}
