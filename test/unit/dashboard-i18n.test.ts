/**
 * The dashboards' words and formats (public/common), under Node: one translation table for
 * /ops and /s/<site>, every key in both languages with the same placeholders, every label the
 * pages name present in it, and numbers and dates as each language writes them.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../../src/paths.js';

type Lang = 'vi' | 'en';
interface I18n {
  STRINGS: Record<Lang, Record<string, string>>;
  LANGUAGES: Lang[];
  pickLanguage(tag: string | null | undefined): Lang;
  setLanguage(lang: Lang): void;
  t(key: string, params?: Record<string, string | number>): string;
}
interface Format {
  formatCount(n: number): string;
  formatDate(date: string, options?: { short?: boolean }): string;
  formatWeekday(day: number): string;
  formatAgo(iso: string | null, now: number): string;
}
interface Sources {
  DIMENSIONS: string[];
  sourceLabel(dimension: string, name: string): string;
}

const PUBLIC = path.join(PACKAGE_ROOT, 'public');
/** The dashboards' modules are plain browser JS: loaded by URL, typed here by hand. */
const load = <T>(file: string) => import(pathToFileURL(path.join(PUBLIC, 'common', file)).href) as Promise<T>;

/** footfall's own source names (src/counting/sources/dimensions.ts, OTHER_PATH) and the devices. */
const PLACEHOLDERS = ['(direct)', '(internal)', '(none)', '(unknown)', '(other)'];
const DEVICES = ['desktop', 'mobile', 'tablet'];

/** The dashboards' files, and every label key they name: in markup and in literal `t('…')` calls. */
function namedKeys(): Map<string, string> {
  const dirs = readdirSync(PUBLIC, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  const files = dirs.flatMap((dir) =>
    readdirSync(path.join(PUBLIC, dir.name))
      .filter((name) => /\.(html|js)$/.test(name))
      .map((name) => path.join(PUBLIC, dir.name, name)),
  );
  const keys = new Map<string, string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/data-i18n(?:-[a-z-]+)?="([^"$]+)"|\bt\(\s*'([^']+)'/g)) keys.set(match[1] ?? match[2]!, path.relative(PACKAGE_ROOT, file));
  }
  return keys;
}

describe('dashboard words and formats', () => {
  let i18n: I18n;
  let format: Format;
  let sources: Sources;

  before(async () => {
    [i18n, format, sources] = await Promise.all([load<I18n>('i18n.js'), load<Format>('format.js'), load<Sources>('sources.js')]);
  });
  afterEach(() => i18n.setLanguage('en'));

  it('has every key in both languages, with the same placeholders, translated', () => {
    const { vi, en } = i18n.STRINGS;
    assert.deepEqual(Object.keys(vi).sort(), Object.keys(en).sort());
    const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en)) {
      assert.ok(vi[key]!.trim() && en[key]!.trim(), `${key} is empty`);
      assert.deepEqual(names(vi[key]!), names(en[key]!), `${key} has other placeholders in vi and en`);
      assert.notEqual(vi[key], en[key], `${key} is not translated`);
    }
  });

  it('knows every label the pages name, and every name the code builds', () => {
    const known = new Set(Object.keys(i18n.STRINGS.en));
    const missing = [...namedKeys()].filter(([key]) => !known.has(key)).map(([key, file]) => `${key} (${file})`);
    assert.deepEqual(missing, []);
    const built = [
      ...sources.DIMENSIONS.map((dim) => `dim.${dim}`),
      ...PLACEHOLDERS.map((name) => `source.${name}`),
      ...DEVICES.map((name) => `device.${name}`),
      ...['bot', 'origin', 'rate_limit', 'invalid'].map((reason) => `refused.${reason}`),
      ...['today', 'yesterday', 'week', 'month', 'year', 'total', 'online'].map((period) => `figure.${period}`),
      ...['day', 'month', 'year'].map((group) => `label.${group}`),
    ];
    assert.deepEqual(built.filter((key) => !known.has(key)), []);
    assert.equal(namedKeys().size > 60, true, 'the scan finds the pages\' labels');
  });

  it('speaks Vietnamese, with its diacritics, for any vi* browser language', () => {
    assert.deepEqual(['vi', 'vi-VN', 'VI', 'en-US', 'fr', '', null, undefined].map(i18n.pickLanguage), ['vi', 'vi', 'vi', 'en', 'en', 'en', 'en', 'en']);
    i18n.setLanguage('vi');
    const keys = ['figure.online', 'figure.today', 'figure.yesterday', 'figure.week', 'figure.month', 'figure.year', 'figure.total', 'label.views', 'label.visitors', 'sources.title', 'pages.title', 'chart.byDay', 'chart.byMonth', 'chart.byYear'];
    assert.deepEqual(keys.map((key) => i18n.t(key)), [
      'Đang online', 'Hôm nay', 'Hôm qua', 'Trong tuần', 'Tháng này', 'Năm nay', 'Tất cả', 'Lượt xem', 'Khách', 'Nguồn truy cập', 'Trang xem nhiều', 'Theo ngày', 'Theo tháng', 'Theo năm',
    ]);
    assert.match(i18n.t('refused.title'), /^Lượt bị từ chối/);
    assert.equal(i18n.t('figure.visitors', { n: '1.200' }), '1.200 khách');
  });

  it('writes numbers and dates as each language does', () => {
    i18n.setLanguage('vi');
    assert.deepEqual(
      [format.formatCount(4_288_000), format.formatDate('2026-11-27'), format.formatDate('2026-11'), format.formatDate('2026'), format.formatWeekday(1)],
      ['4.288.000', '27/11/2026', '11/2026', '2026', 'Thứ Hai'],
    );
    assert.equal(format.formatAgo(new Date(Date.now() - 12_000).toISOString(), Date.now()), '12 giây trước');
    i18n.setLanguage('en');
    assert.deepEqual(
      [format.formatCount(4_288_000), format.formatDate('2026-11-27'), format.formatDate('2026-11'), format.formatDate('2026-11-27', { short: true }), format.formatWeekday(1)],
      ['4,288,000', '27 Nov 2026', 'Nov 2026', '27 Nov', 'Monday'],
    );
    assert.equal(format.formatAgo(null, Date.now()), 'never');
  });

  it('names sources in the language in force, keeping other names as they are', () => {
    i18n.setLanguage('vi');
    assert.deepEqual(
      [sources.sourceLabel('country', 'VN'), sources.sourceLabel('referrer', '(direct)'), sources.sourceLabel('device', 'mobile'), sources.sourceLabel('referrer', 'Zalo')],
      ['Việt Nam', '(truy cập trực tiếp)', 'điện thoại', 'Zalo'],
    );
    i18n.setLanguage('en');
    assert.deepEqual(
      [sources.sourceLabel('country', 'US'), sources.sourceLabel('country', '(unknown)'), sources.sourceLabel('campaign', '(none)'), sources.sourceLabel('referrer', 'baomoi.com')],
      ['United States', '(unknown)', '(no campaign)', 'baomoi.com'],
    );
  });
});
