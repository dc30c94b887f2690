/**
 * Widget wording and number formats. No DOM here, so unit tests can run it under Node.
 */
import type { Row } from './rows.js';

/** The languages the widget speaks; any other page language gets English. */
export type Lang = 'vi' | 'en';

/** The title bar, and each row's label. */
export interface Labels {
  title: string;
  rows: Readonly<Record<Row, string>>;
}

export const LABELS: Readonly<Record<Lang, Labels>> = {
  vi: {
    title: 'Thống kê truy cập',
    rows: { online: 'Đang online', today: 'Hôm nay', yesterday: 'Hôm qua', week: 'Trong tuần', month: 'Tháng này', year: 'Năm nay', total: 'Tất cả' },
  },
  en: {
    title: 'Visitor statistics',
    rows: { online: 'Online now', today: 'Today', yesterday: 'Yesterday', week: 'This week', month: 'This month', year: 'This year', total: 'All-time' },
  },
};

/** What a figure shows before data arrives, or when the site refused the page. */
export const PLACEHOLDER = '—';

/** `vi`, `vi-VN`, `VI` → Vietnamese; anything else (or nothing) → English. */
export function pickLang(tag: string | null | undefined): Lang {
  return /^vi/i.test(tag || '') ? 'vi' : 'en';
}

const formats: Partial<Record<Lang, Intl.NumberFormat>> = {};

/** The number format of a language (vi-VN groups with ".": 11.554), made once. */
export function numberFormat(lang: Lang): Intl.NumberFormat {
  return (formats[lang] ||= new Intl.NumberFormat(lang == 'vi' ? 'vi-VN' : 'en-US'));
}
