// @ts-check
/**
 * The dashboards' one translation table — `/ops` and `/s/<site>` alike — and the language in
 * force: the visitor's choice (the switch; a preference kept in localStorage, not a secret),
 * else the browser's language (`vi…` → Vietnamese, anything else → English).
 *
 * Markup names its labels by key in `data-i18n` (text), `data-i18n-placeholder`,
 * `data-i18n-aria-label` and `data-i18n-title`; `translate()` fills them, and code asks `t()`.
 * Importing this module touches no DOM, so Node tests can read the table.
 */

/** @typedef {'vi' | 'en'} Lang */

/** @type {readonly Lang[]} */
export const LANGUAGES = ['vi', 'en'];

const STORAGE_KEY = 'footfall.lang';

/** Each language's own name, shown as such on the switch in both languages. */
export const LANGUAGE_NAMES = { vi: 'Tiếng Việt', en: 'English' };

/**
 * Every label, by key. `{name}` stands for a value filled in by `t(key, { name })`; both
 * languages use the same names (test/unit/dashboard-i18n.test.ts checks).
 * @type {Readonly<Record<Lang, Readonly<Record<string, string>>>>}
 */
export const STRINGS = {
  en: {
    'lang.switch': 'Language',

    'status.connecting': 'Connecting…',
    'status.live': 'Live · {time}',
    'status.reconnecting': 'Disconnected · reconnecting…',
    'status.stale': 'Stale · last update {n} s ago',

    'figure.online': 'Online now',
    'figure.today': 'Today',
    'figure.yesterday': 'Yesterday',
    'figure.week': 'This week',
    'figure.month': 'This month',
    'figure.year': 'This year',
    'figure.total': 'All-time',
    'figure.views': 'views',
    'figure.visitors': '{n} visitors',
    'figure.onlineNote': 'visitors on the site now',
    'figure.weekFrom': 'from {date}',

    'label.views': 'Views',
    'label.visitors': 'Visitors',
    'label.hour': 'Hour',
    'label.day': 'Day',
    'label.month': 'Month',
    'label.year': 'Year',

    'chart.hours': 'Today by hour',
    'chart.siteTime': 'site time',
    'chart.group': 'Group by',
    'chart.byDay': 'By day',
    'chart.byMonth': 'By month',
    'chart.byYear': 'By year',
    'chart.range': 'Period',
    'range.days': 'last {n} days',
    'range.months': 'last {n} months',
    'range.years': 'last {n} years',

    'pages.title': 'Top pages',
    'pages.previous': 'The day before',
    'pages.next': 'The day after',
    'pages.hint': 'Click a day in the chart by day to see its pages.',
    'pages.none': 'No page views on this day.',

    'sources.title': 'Sources',
    'sources.dimension': 'Show',
    'sources.range': 'Compare with',
    'sources.name': 'Source',
    'sources.lastDays': 'Last {n} days',
    'sources.none': 'No views in this period.',
    'dim.referrer': 'Referrers',
    'dim.campaign': 'Campaigns',
    'dim.country': 'Countries',
    'dim.browser': 'Browsers',
    'dim.os': 'Operating systems',
    'dim.device': 'Devices',
    'source.(direct)': '(direct)',
    'source.(internal)': '(internal)',
    'source.(none)': '(no campaign)',
    'source.(unknown)': '(unknown)',
    'source.(other)': '(other)',
    'device.desktop': 'desktop',
    'device.mobile': 'mobile',
    'device.tablet': 'tablet',

    'arrivals.title': 'Coming in now',
    'arrivals.note': 'Where the views of the last minute came from, checked every 10 s.',
    'arrivals.waiting': 'Watching…',
    'arrivals.none': 'No new views from other sites in the last minute.',

    'refused.title': 'Refused today',
    'refused.note': 'Hits footfall did not count, by reason.',
    'refused.bot': 'Bots and crawlers',
    'refused.origin': 'Origin not allowed',
    'refused.rate_limit': 'Rate limited',
    'refused.invalid': 'Invalid requests',

    'paths.title': 'Page slots',
    'paths.note': 'Distinct pages footfall keeps; past a limit, new pages count under (other).',
    'paths.day': 'Today',
    'paths.total': 'All-time',
    'paths.of': '{n} of {limit}',
    'paths.full': 'full: new pages count under (other)',

    'error.load': 'Could not load the charts: {message}',
    'error.gone': 'There is no site "{site}" any more.',
    'error.http': 'The server answered {status}.',

    'owner.title': 'Visitor statistics',
    'owner.public': 'public',
    'owner.needKey': "This site's statistics are not public. Open the dashboard with the link (with its key) that the site's operator gave you.",
    'owner.revoked': "This link's key is no longer valid; ask the site's operator for a new one.",
    'owner.forbidden': 'This link\'s key opens another site, not "{site}"; ask the site\'s operator for the right link.',
    'owner.unknown': 'There is no site "{site}" on this server.',
    'owner.noSite': 'This address names no site: dashboards are at /s/<site>.',
    'owner.limited': 'Too many tries with wrong keys from your network; try again in a minute.',
    'owner.offline': 'Could not reach the server ({message}); trying again…',

    'ops.signIn': 'Sign in',
    'ops.signOut': 'Sign out',
    'ops.signInHelp': "Enter the admin token (the server's FOOTFALL_ADMIN_TOKEN). It is kept in this tab only and forgotten when the tab closes.",
    'ops.token': 'Admin token',
    'ops.wrongToken': 'That is not the admin token.',
    'ops.refused': 'The server refused the token. Sign in again.',
    'ops.refusedSaved': 'The server refused the saved token. Sign in again.',
    'ops.adminOff': 'The admin API is off on this server: set FOOTFALL_ADMIN_TOKEN and restart it.',
    'ops.notSignedIn': 'Not signed in.',
    'ops.filter': 'Filter sites',
    'ops.figuresShown': 'Figures shown',
    'ops.col.site': 'Site',
    'ops.col.online': 'Online',
    'ops.col.lastHit': 'Last hit',
    'ops.allSites': 'All sites',
    'ops.back': '← All sites',
    'ops.count': '{shown} of {total} sites',
    'ops.countOne': '{shown} of {total} site',
    'ops.noSites': 'No sites yet. Add one with "footfall sites add ID --origin https://example.com" or PUT /api/v1/admin/sites/ID.',
    'ops.settings': '{origins} · {zone} · weeks start on {day}',
    'ops.noOrigins': 'no origins (no page can send hits)',
    'ops.baseline': ' · baseline {views} views, {visitors} visitors',

    'ago.never': 'never',
    'ago.s': '{n} s ago',
    'ago.min': '{n} min ago',
    'ago.h': '{n} h ago',
    'ago.d': '{n} d ago',
    'time.none': 'No counted hit yet',
  },
  vi: {
    'lang.switch': 'Ngôn ngữ',

    'status.connecting': 'Đang kết nối…',
    'status.live': 'Trực tiếp · {time}',
    'status.reconnecting': 'Mất kết nối · đang kết nối lại…',
    'status.stale': 'Chưa cập nhật · lần cuối {n} giây trước',

    'figure.online': 'Đang online',
    'figure.today': 'Hôm nay',
    'figure.yesterday': 'Hôm qua',
    'figure.week': 'Trong tuần',
    'figure.month': 'Tháng này',
    'figure.year': 'Năm nay',
    'figure.total': 'Tất cả',
    'figure.views': 'lượt xem',
    'figure.visitors': '{n} khách',
    'figure.onlineNote': 'khách đang xem trang',
    'figure.weekFrom': 'từ {date}',

    'label.views': 'Lượt xem',
    'label.visitors': 'Khách',
    'label.hour': 'Giờ',
    'label.day': 'Ngày',
    'label.month': 'Tháng',
    'label.year': 'Năm',

    'chart.hours': 'Hôm nay theo giờ',
    'chart.siteTime': 'giờ của trang',
    'chart.group': 'Nhóm theo',
    'chart.byDay': 'Theo ngày',
    'chart.byMonth': 'Theo tháng',
    'chart.byYear': 'Theo năm',
    'chart.range': 'Khoảng thời gian',
    'range.days': '{n} ngày qua',
    'range.months': '{n} tháng qua',
    'range.years': '{n} năm qua',

    'pages.title': 'Trang xem nhiều',
    'pages.previous': 'Ngày trước đó',
    'pages.next': 'Ngày hôm sau',
    'pages.hint': 'Bấm vào một ngày trên biểu đồ theo ngày để xem các trang của ngày đó.',
    'pages.none': 'Chưa có lượt xem nào trong ngày này.',

    'sources.title': 'Nguồn truy cập',
    'sources.dimension': 'Xem theo',
    'sources.range': 'So với',
    'sources.name': 'Nguồn',
    'sources.lastDays': '{n} ngày qua',
    'sources.none': 'Chưa có lượt xem trong khoảng này.',
    'dim.referrer': 'Trang giới thiệu',
    'dim.campaign': 'Chiến dịch',
    'dim.country': 'Quốc gia',
    'dim.browser': 'Trình duyệt',
    'dim.os': 'Hệ điều hành',
    'dim.device': 'Thiết bị',
    'source.(direct)': '(truy cập trực tiếp)',
    'source.(internal)': '(trong trang)',
    'source.(none)': '(không có chiến dịch)',
    'source.(unknown)': '(không rõ)',
    'source.(other)': '(khác)',
    'device.desktop': 'máy tính',
    'device.mobile': 'điện thoại',
    'device.tablet': 'máy tính bảng',

    'arrivals.title': 'Đang vào trang',
    'arrivals.note': 'Nguồn của các lượt xem trong một phút qua, kiểm tra mỗi 10 giây.',
    'arrivals.waiting': 'Đang theo dõi…',
    'arrivals.none': 'Không có lượt xem mới từ trang khác trong một phút qua.',

    'refused.title': 'Lượt bị từ chối hôm nay',
    'refused.note': 'Những lượt truy cập footfall không tính, theo lý do.',
    'refused.bot': 'Bot và trình thu thập',
    'refused.origin': 'Tên miền không được phép',
    'refused.rate_limit': 'Vượt giới hạn tần suất',
    'refused.invalid': 'Yêu cầu không hợp lệ',

    'paths.title': 'Số trang được ghi nhận',
    'paths.note': 'Số trang riêng footfall lưu; quá giới hạn, trang mới được tính vào (khác).',
    'paths.day': 'Hôm nay',
    'paths.total': 'Tất cả',
    'paths.of': '{n} trên {limit}',
    'paths.full': 'đã đầy: trang mới được tính vào (khác)',

    'error.load': 'Không tải được biểu đồ: {message}',
    'error.gone': 'Không còn trang "{site}".',
    'error.http': 'Máy chủ trả lời {status}.',

    'owner.title': 'Thống kê truy cập',
    'owner.public': 'công khai',
    'owner.needKey': 'Thống kê của trang này không công khai. Hãy mở bằng đường dẫn (có kèm khóa) mà người quản trị trang đã gửi cho bạn.',
    'owner.revoked': 'Khóa trong đường dẫn này không còn hiệu lực; hãy xin người quản trị trang một đường dẫn mới.',
    'owner.forbidden': 'Khóa trong đường dẫn này dành cho trang khác, không phải "{site}"; hãy xin người quản trị trang đường dẫn đúng.',
    'owner.unknown': 'Máy chủ này không có trang "{site}".',
    'owner.noSite': 'Địa chỉ này không chỉ tới trang nào: bảng thống kê ở /s/<tên trang>.',
    'owner.limited': 'Mạng của bạn đã thử sai khóa quá nhiều lần; hãy thử lại sau một phút.',
    'owner.offline': 'Không kết nối được máy chủ ({message}); đang thử lại…',

    'ops.signIn': 'Đăng nhập',
    'ops.signOut': 'Đăng xuất',
    'ops.signInHelp': 'Nhập mã quản trị (FOOTFALL_ADMIN_TOKEN của máy chủ). Mã chỉ được giữ trong thẻ này và bị xóa khi đóng thẻ.',
    'ops.token': 'Mã quản trị',
    'ops.wrongToken': 'Đó không phải mã quản trị.',
    'ops.refused': 'Máy chủ từ chối mã quản trị. Hãy đăng nhập lại.',
    'ops.refusedSaved': 'Máy chủ từ chối mã đã lưu. Hãy đăng nhập lại.',
    'ops.adminOff': 'API quản trị đang tắt trên máy chủ này: đặt FOOTFALL_ADMIN_TOKEN rồi khởi động lại.',
    'ops.notSignedIn': 'Chưa đăng nhập.',
    'ops.filter': 'Lọc trang',
    'ops.figuresShown': 'Số liệu hiển thị',
    'ops.col.site': 'Trang',
    'ops.col.online': 'Đang online',
    'ops.col.lastHit': 'Lượt cuối',
    'ops.allSites': 'Tất cả các trang',
    'ops.back': '← Tất cả các trang',
    'ops.count': '{shown} trên {total} trang',
    'ops.countOne': '{shown} trên {total} trang',
    'ops.noSites': 'Chưa có trang nào. Thêm bằng "footfall sites add ID --origin https://example.com" hoặc PUT /api/v1/admin/sites/ID.',
    'ops.settings': '{origins} · {zone} · tuần bắt đầu từ {day}',
    'ops.noOrigins': 'chưa có tên miền (không trang nào gửi được lượt xem)',
    'ops.baseline': ' · số ban đầu {views} lượt xem, {visitors} khách',

    'ago.never': 'chưa có',
    'ago.s': '{n} giây trước',
    'ago.min': '{n} phút trước',
    'ago.h': '{n} giờ trước',
    'ago.d': '{n} ngày trước',
    'time.none': 'Chưa có lượt nào được tính',
  },
};

/**
 * `vi`, `vi-VN`, `VI` → Vietnamese; anything else (or nothing) → English.
 * @param {string | null | undefined} tag
 * @returns {Lang}
 */
export function pickLanguage(tag) {
  return /^vi\b/i.test(tag ?? '') ? 'vi' : 'en';
}

/** @type {Lang} */
let current = 'en';
/** @type {Set<(lang: Lang) => void>} */
const listeners = new Set();

/** The language in force. */
export function language() {
  return current;
}

/**
 * The label `key` in the language in force, `{name}`s filled from `params`. An unknown key
 * shows as itself, so a missing label is visible rather than blank.
 * @param {string} key
 * @param {Record<string, string | number>} [params]
 */
export function t(key, params) {
  const text = STRINGS[current][key] ?? STRINGS.en[key] ?? key;
  return params ? text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole)) : text;
}

/**
 * Fills every `data-i18n*` label under `root`.
 * @param {ParentNode} root
 */
export function translate(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    const text = t(/** @type {string} */ (el.getAttribute('data-i18n')));
    if (el.textContent !== text) el.textContent = text;
  }
  for (const attribute of ['placeholder', 'aria-label', 'title']) {
    for (const el of root.querySelectorAll(`[data-i18n-${attribute}]`)) {
      el.setAttribute(attribute, t(/** @type {string} */ (el.getAttribute(`data-i18n-${attribute}`))));
    }
  }
}

/**
 * Calls `listener` after each change of language (the page's labels are translated by then).
 * @param {(lang: Lang) => void} listener
 */
export function onLanguageChange(listener) {
  listeners.add(listener);
}

/**
 * Switches the page to `lang`: `<html lang>`, every label, then the listeners.
 * @param {Lang} lang
 * @param {{ remember?: boolean }} [options] `remember`: keep it as the visitor's preference
 */
export function setLanguage(lang, { remember = false } = {}) {
  current = lang;
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // Storage switched off: the choice holds for this page only.
    }
  }
  // Under Node (the unit tests) there is no page to translate.
  if (typeof document !== 'undefined') {
    document.documentElement.lang = lang;
    translate(document);
  }
  for (const listener of listeners) listener(lang);
}

/** The preference saved by the switch, else the browser's language. */
export function preferredLanguage() {
  let saved = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage switched off.
  }
  return saved === 'vi' || saved === 'en' ? saved : pickLanguage(navigator.language);
}

/**
 * The switch: one button per language, each named in its own language; the pressed one is the
 * language in force.
 * @param {HTMLElement} container
 */
export function mountLanguageSwitch(container) {
  container.setAttribute('role', 'group');
  container.setAttribute('data-i18n-aria-label', 'lang.switch');
  const buttons = LANGUAGES.map((lang) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.lang = lang;
    button.dataset.lang = lang;
    button.textContent = LANGUAGE_NAMES[lang];
    button.addEventListener('click', () => setLanguage(lang, { remember: true }));
    return button;
  });
  container.replaceChildren(...buttons);
  const mark = () => {
    for (const button of buttons) button.setAttribute('aria-pressed', String(button.dataset.lang === current));
  };
  onLanguageChange(mark);
  mark();
}
