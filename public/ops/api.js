// @ts-check
/** The admin API, with the token the operator signed in with. */

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * @param {string} token
 */
export function createApi(token) {
  /**
   * @param {string} path under /api/v1/admin
   * @returns {Promise<any>}
   */
  async function get(path) {
    const response = await fetch(`/api/v1/admin${path}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      cache: 'no-store',
      credentials: 'omit',
    });
    if (response.ok) return response.json();
    let code = 'http_' + response.status;
    let message = `The server answered ${response.status}.`;
    try {
      const body = await response.json();
      code = body.error.code;
      message = body.error.message;
    } catch {
      // Not footfall's error shape (a proxy's page): keep the status.
    }
    if (response.status === 404 && code === 'not_found') {
      message = 'The admin API is off on this server: set FOOTFALL_ADMIN_TOKEN and restart it.';
    }
    throw new ApiError(response.status, code, message);
  }
  return { get };
}
