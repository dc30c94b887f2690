// @ts-check
/**
 * footfall's JSON API as the dashboards use it: `/api/v1/admin` with the admin token (ops),
 * `/api/v1` with an owner's key or with nothing for a public site. The credential goes in the
 * `Authorization` header only — never in a URL — and no cookie is sent.
 */
import { t } from './i18n.js';

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code footfall's error code (`unauthorized`, `forbidden`, `unknown_site`, …)
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * @param {string} base `/api/v1/admin` or `/api/v1`
 * @param {string | undefined} credential the admin token or a key; none for a public site
 */
export function createApi(base, credential) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (credential) headers.authorization = `Bearer ${credential}`;
  /**
   * @param {string} path under `base`, e.g. `/sites/long-huu/day`
   * @returns {Promise<any>}
   */
  async function get(path) {
    const response = await fetch(`${base}${path}`, { headers, cache: 'no-store', credentials: 'omit' });
    if (response.ok) return response.json();
    let code = `http_${response.status}`;
    let message = t('error.http', { status: response.status });
    try {
      const body = await response.json();
      code = body.error.code;
      message = body.error.message;
    } catch {
      // Not footfall's error shape (a proxy's page): keep the status.
    }
    throw new ApiError(response.status, code, message);
  }
  return { get };
}
