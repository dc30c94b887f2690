/**
 * Widget wording and number formats. No DOM here, so unit tests can run it under Node.
 */

/** The languages the widget speaks; any other page language gets English. */
export type Lang = 'vi' | 'en';

/** Title, then the rows: online, today, this week, all-time. */
export type Labels = readonly [title: string, online: string, today: string, week: string, total: string];

export const LABELS: Readonly<Record<Lang, Labels>> = {
  vi: ['Thống kê truy cập', 'Đang online', 'Hôm nay', 'Trong tuần', 'Tất cả'],
  en: ['Visitor statistics', 'Online now', 'Today', 'This week', 'All-time'],
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
