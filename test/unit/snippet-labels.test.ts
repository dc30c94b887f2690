/** The snippet's wording, widget rows, number formats and figure lookup: the parts that need no DOM. */
import { strict as assert } from 'node:assert';
import { figureOf, figuresOf, SLOT_METRICS } from '../../client-snippet/src/figures.js';
import { LABELS, numberFormat, pickLang } from '../../client-snippet/src/labels.js';
import { DEFAULT_ROWS, pickRows, ROWS, rowValue } from '../../client-snippet/src/rows.js';
import type { CountsPayload } from '../../src/counting/counts-payload.js';

const COUNTS: CountsPayload = {
  site: 'long-huu',
  at: '2026-11-27T15:20:00.000Z',
  timezone: 'Asia/Ho_Chi_Minh',
  online: 14,
  today: { date: '2026-11-27', views: 11554, visitors: 3120 },
  yesterday: { date: '2026-11-26', views: 10877, visitors: 2984 },
  week: { label: '2026-W48', start: '2026-11-23', views: 73061, visitors: 20011 },
  month: { label: '2026-11', views: 298113, visitors: 61220 },
  year: { label: '2026', views: 3312870, visitors: 402115 },
  total: { views: 4288561, visitors: 1200345 },
  pages: [{ path: '/tin-tuc/le-hoi', views: 1234 }],
};

describe('snippet labels and figures', () => {
  it('speaks Vietnamese for any vi* language and English otherwise', () => {
    assert.deepEqual(['vi', 'vi-VN', 'VI', 'en', 'en-GB', 'fr', '', null, undefined].map(pickLang), ['vi', 'vi', 'vi', 'en', 'en', 'en', 'en', 'en', 'en']);
  });

  it('labels the title and every row in both languages', () => {
    const rowsIn = (lang: 'vi' | 'en') => ROWS.map((row) => LABELS[lang].rows[row]);
    assert.equal(LABELS.vi.title, 'Thống kê truy cập');
    assert.deepEqual(rowsIn('vi'), ['Đang online', 'Hôm nay', 'Hôm qua', 'Trong tuần', 'Tháng này', 'Năm nay', 'Tất cả']);
    assert.equal(LABELS.en.title, 'Visitor statistics');
    assert.deepEqual(rowsIn('en'), ['Online now', 'Today', 'Yesterday', 'This week', 'This month', 'This year', 'All-time']);
  });

  it('shows the rows data-rows names, in its order, and the classic four otherwise', () => {
    assert.deepEqual(DEFAULT_ROWS, ['online', 'today', 'week', 'total']);
    assert.deepEqual(pickRows('online,today,yesterday,week,month,year,total'), ROWS);
    assert.deepEqual(pickRows('total,today'), ['total', 'today']);
    assert.deepEqual(pickRows(' year , month,year,YEAR,page,,constructor,today '), ['year', 'month', 'today']);
    for (const none of [null, '', ',', 'page,views,Total']) assert.deepEqual(pickRows(none), DEFAULT_ROWS, String(none));
  });

  it("reads each row's views or visitors", () => {
    assert.deepEqual(
      ROWS.map((row) => rowValue(COUNTS, row, 'views')),
      [14, 11554, 10877, 73061, 298113, 3312870, 4288561],
    );
    assert.deepEqual(
      ROWS.map((row) => rowValue(COUNTS, row, 'visitors')),
      [14, 3120, 2984, 20011, 61220, 402115, 1200345],
    );
  });

  it('groups digits as each language does', () => {
    assert.equal(numberFormat('vi').format(11554), '11.554');
    assert.equal(numberFormat('vi').format(4288561), '4.288.561');
    assert.equal(numberFormat('en').format(4288561), '4,288,561');
  });

  it('reads every slot metric from a push', () => {
    const metrics = [
      'online', 'today.views', 'today.visitors', 'yesterday.views', 'yesterday.visitors', 'week.views', 'week.visitors',
      'month.views', 'month.visitors', 'year.views', 'year.visitors', 'total.views', 'total.visitors', 'page.views',
    ];
    assert.deepEqual([...SLOT_METRICS].sort(), [...metrics].sort());
    const figures = figuresOf(COUNTS, ['/tin-tuc/le-hoi']);
    assert.deepEqual(
      metrics.map((metric) => figureOf(figures, metric, '/tin-tuc/le-hoi')),
      [14, 11554, 3120, 10877, 2984, 73061, 20011, 298113, 61220, 3312870, 402115, 4288561, 1200345, 1234],
    );
  });

  it('shows no page figure for a path not asked for, and refuses names that are not metrics', () => {
    assert.equal(figureOf(figuresOf(COUNTS, ['/tin-tuc/le-hoi']), 'page.views', '/other'), undefined);
    for (const name of ['page.visitors', 'total', 'constructor', 'today.__proto__', '']) assert.ok(!SLOT_METRICS.includes(name), name);
  });
});
