/**
 * The snippet's page subscription: the one list of paths a page asks for, and how a push's
 * `pages` are matched back to the slots.
 */
import { strict as assert } from 'node:assert';
import { figureOf, figuresOf } from '../../client-snippet/src/figures.js';
import { watchList } from '../../client-snippet/src/watch-list.js';
import type { CountsPayload } from '../../src/counting/counts-payload.js';
import { MAX_ASKED_PATHS } from '../../src/counting/page-path.js';
import { MAX_CLIENT_MESSAGE_BYTES } from '../../src/live/events.js';

const SITE = 'long-huu';

/** A push answering `views`, one per asked path, under the names the server gives them. */
function pushOf(pages: Array<[path: string, views: number]>): CountsPayload {
  const period = { views: 0, visitors: 0 };
  return {
    site: SITE,
    at: '2026-11-27T15:20:00.000Z',
    timezone: 'UTC',
    online: 0,
    today: { date: '2026-11-27', ...period },
    yesterday: { date: '2026-11-26', ...period },
    week: { label: '2026-W48', start: '2026-11-23', ...period },
    month: { label: '2026-11', ...period },
    year: { label: '2026', ...period },
    total: period,
    pages: pages.map(([path, views]) => ({ path, views })),
  };
}

describe('snippet page subscription', () => {
  it('asks for each path once, in page order, leaving out what is no path', () => {
    const shown = ['/tin-tuc/1', undefined, '/tin-tuc/2', '/tin-tuc/1', 'tin-tuc/3', '', '/index.php?option=com_content&id=7', '/tin-tuc/2'];
    assert.deepEqual(watchList(SITE, shown), ['/tin-tuc/1', '/tin-tuc/2', '/index.php?option=com_content&id=7']);
    assert.deepEqual(watchList(SITE, []), []);
  });

  it('asks for the first 50 paths only', () => {
    const shown = Array.from({ length: 70 }, (_, i) => `/tin-tuc/${i}`);
    const list = watchList(SITE, shown);
    assert.equal(MAX_ASKED_PATHS, 50);
    assert.deepEqual(list, shown.slice(0, 50));
  });

  it('keeps the handshake within the one message the server takes', () => {
    // Vietnamese slugs: three UTF-8 bytes for many characters.
    const shown = Array.from({ length: 50 }, (_, i) => `/tin-tức/${i}-${'ệ'.repeat(200)}`);
    const list = watchList(SITE, shown);
    const bytes = Buffer.byteLength(JSON.stringify({ site: SITE, paths: list }));
    assert.ok(list.length > 1 && list.length < 50, `${list.length} paths`);
    assert.ok(bytes <= MAX_CLIENT_MESSAGE_BYTES - 64, `${bytes} B`);
    assert.deepEqual(list, shown.slice(0, list.length));
  });

  it("matches the server's pages to the asked paths by position, whatever the server names them", () => {
    const asked = ['/index.php?option=com_content&view=article&id=123&Itemid=9', '/tin-tuc/2?utm_source=zalo', '/tin-tuc/3'];
    const figures = figuresOf(pushOf([['/index.php?id=123', 2020], ['/tin-tuc/2', 5], ['/tin-tuc/3', 0]]), asked);
    assert.deepEqual(
      asked.map((path) => figureOf(figures, 'page.views', path)),
      [2020, 5, 0],
    );
  });

  it('shows no page figures from a push that answers another list', () => {
    const figures = figuresOf(pushOf([['/tin-tuc/1', 7]]), ['/tin-tuc/1', '/tin-tuc/2']);
    assert.equal(figureOf(figures, 'page.views', '/tin-tuc/1'), undefined);
    assert.equal(figureOf(figures, 'total.views', '/tin-tuc/1'), 0, 'the site figures still count');
  });
});
