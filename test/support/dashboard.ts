/**
 * What the dashboards' browser tests share (/ops and /s/<site>): keys made and revoked through
 * the admin API, the words each language shows, and what a page shows and sends.
 *
 * Code that runs inside the page is passed as strings: the root tsconfig has no DOM types.
 */
import { strict as assert } from 'node:assert';
import type { Page, Request } from 'playwright-core';

/**
 * Words of a site's view in each language, never shown in the other (compared in lower case:
 * labels may be shown in capitals).
 */
export const VIEW_WORDS = {
  vi: ['Đang online', 'Hôm nay', 'Hôm qua', 'Trong tuần', 'Tháng này', 'Năm nay', 'Tất cả', 'Lượt xem', 'Khách', 'Nguồn truy cập', 'Trang xem nhiều', 'Hôm nay theo giờ', 'Theo ngày', 'Theo tháng', 'Theo năm', 'Đang vào trang', 'Số trang được ghi nhận'],
  en: ['Online now', 'Today', 'Yesterday', 'This week', 'This month', 'This year', 'All-time', 'Views', 'Visitors', 'Sources', 'Top pages', 'Today by hour', 'By day', 'By month', 'By year', 'Coming in now', 'Page slots'],
} as const;

type Lang = keyof typeof VIEW_WORDS;

/** Asserts that `page` speaks `lang` only: its words shown, none of the other language's. */
export async function assertSpeaks(page: Page, lang: Lang): Promise<void> {
  const text = ((await page.evaluate('document.body.innerText')) as string).toLowerCase();
  const other: Lang = lang === 'vi' ? 'en' : 'vi';
  assert.deepEqual(VIEW_WORDS[lang].filter((word) => !text.includes(word.toLowerCase())), [], `${lang} words missing`);
  assert.deepEqual(VIEW_WORDS[other].filter((word) => text.includes(word.toLowerCase())), [], `${other} words shown in ${lang}`);
  assert.equal(await page.getAttribute('html', 'lang'), lang);
}

/** Every translated label of the page as shown now: text, placeholder, aria-label and title. */
function labels(page: Page): Promise<Array<{ key: string; text: string | null }>> {
  return page.evaluate(`[...document.querySelectorAll('[data-i18n], [data-i18n-placeholder], [data-i18n-aria-label], [data-i18n-title]')]
    .filter((el) => el.checkVisibility())
    .flatMap((el) => [['data-i18n', null], ['data-i18n-placeholder', 'placeholder'], ['data-i18n-aria-label', 'aria-label'], ['data-i18n-title', 'title']]
      .filter(([name]) => el.hasAttribute(name))
      .map(([name, attribute]) => ({ key: el.getAttribute(name), text: attribute ? el.getAttribute(attribute) : el.textContent })))`) as Promise<Array<{ key: string; text: string | null }>>;
}

/**
 * Clicks the language switch to `lang`; returns the labels shown before that did not change
 * (none, when everything is translated) and how many there were.
 */
export async function switchLanguage(page: Page, lang: Lang): Promise<{ unchanged: string[]; shown: number }> {
  const before = await labels(page);
  await page.click(`#lang-switch button[data-lang="${lang}"]`);
  assert.equal(await page.getAttribute(`#lang-switch button[data-lang="${lang}"]`, 'aria-pressed'), 'true');
  const after = await labels(page);
  assert.deepEqual(after.map((label) => label.key), before.map((label) => label.key), 'the same labels are shown');
  return { unchanged: before.filter((label, i) => label.text === after[i]?.text).map((label) => `${label.key}: ${label.text}`), shown: before.length };
}

/** How far the page is wider than its window (0: nothing to scroll sideways). */
export async function sideScroll(page: Page): Promise<number> {
  return (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
}

/** What a page sent: every request with all its headers, and the address of every WebSocket. */
export interface Traffic {
  requests: Array<{ url: string; headers: Record<string, string> }>;
  sockets: string[];
  /** Resolves once the headers of every request so far are in `requests`. */
  settled(): Promise<unknown>;
}

export function watchTraffic(page: Page): Traffic {
  const pending: Array<Promise<void>> = [];
  const traffic: Traffic = { requests: [], sockets: [], settled: () => Promise.all(pending) };
  page.on('request', (request: Request) => {
    pending.push(request.allHeaders().then((headers) => void traffic.requests.push({ url: request.url(), headers }), () => undefined));
  });
  page.on('websocket', (socket) => void traffic.sockets.push(socket.url()));
  return traffic;
}

/**
 * Asserts that `secret` went only in `Authorization` headers: never in a request line (the
 * part of a URL before any fragment), another header, or a WebSocket address.
 */
export async function assertOnlyInAuthorization(traffic: Traffic, secret: string): Promise<void> {
  await traffic.settled();
  const leaks = [
    ...traffic.requests.filter(({ url }) => url.split('#')[0]!.includes(secret)).map(({ url }) => `request line ${url}`),
    ...traffic.requests.flatMap(({ url, headers }) =>
      Object.entries(headers)
        .filter(([name, value]) => name !== 'authorization' && value.includes(secret))
        .map(([name]) => `${name} of ${url}`),
    ),
    ...traffic.sockets.filter((url) => url.includes(secret)).map((url) => `websocket ${url}`),
  ];
  assert.deepEqual(leaks, []);
}

/** The admin API of `server` with `token`. */
export function adminApi(server: { url: string }, token: string) {
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}/api/v1/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    async get<T>(path: string): Promise<T> {
      const response = await call('GET', path);
      assert.equal(response.status, 200, `GET ${path}: ${await response.clone().text()}`);
      return (await response.json()) as T;
    },
    /** A new owner's key; `sites` it opens, `read` scope unless told otherwise. */
    async createKey(sites: string[], scope: 'read' | 'import' = 'read'): Promise<{ id: string; key: string }> {
      const response = await call('POST', '/keys', { sites, scope });
      assert.equal(response.status, 201, await response.clone().text());
      return (await response.json()) as { id: string; key: string };
    },
    async revokeKey(id: string): Promise<void> {
      assert.equal((await call('DELETE', `/keys/${id}`)).status, 204);
    },
  };
}
