// @ts-check
/** Number and time formatting for the dashboard, in the browser's language. */

const numbers = new Intl.NumberFormat(undefined);

/** @param {number} n */
export function formatCount(n) {
  return numbers.format(n);
}

/**
 * `12 s ago`, `5 min ago`, `3 h ago`, `2 d ago`; `never` without a hit.
 * @param {string | null} iso
 * @param {number} now epoch ms
 */
export function formatAgo(iso, now) {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

/** @param {string | null} iso */
export function formatTime(iso) {
  return iso ? new Date(iso).toLocaleString() : 'No counted hit yet';
}
