// @ts-check
/**
 * The dashboards' live feed: the Socket.IO namespace `/ops`, which sends `sites` — each
 * followed site's counts payload and last hit — once per push interval. It says how it is
 * doing in a status line: connecting, live (with the time of the last update), stale (no
 * update for a few seconds while connected) or reconnecting. A refusal that trying again
 * cannot change (a wrong or revoked credential, an unknown site) ends it and is reported.
 */
import { formatClock } from './format.js';
import { onLanguageChange, t } from './i18n.js';

/* global io */

/** Past this many seconds without a payload, the figures are called stale. */
const STALE_AFTER_S = 5;
/** Refusals that no retry changes. */
const FINAL = ['unauthorized', 'forbidden', 'unknown_site', 'invalid_auth'];

/** @typedef {{ counts: any, lastHit: string | null }} SiteRow */
/** @typedef {'idle' | 'connecting' | 'live' | 'stale' | 'reconnecting'} FeedState */

export class LiveFeed {
  /**
   * @param {HTMLElement} status the status line (`data-state` drives its colour)
   * @param {{ rows(rows: SiteRow[], at: number): void, refused(code: string): void }} on
   */
  constructor(status, on) {
    this.status = status;
    this.on = on;
    /** @type {any} */
    this.socket = undefined;
    this.lastAt = 0;
    /** @type {FeedState} */
    this.state = 'idle';
    this.failures = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.retry = undefined;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.clock = undefined;
    onLanguageChange(() => this.render());
  }

  /**
   * Connects with `auth`: `{token}` (admin), `{key}` (an owner's key) or `{site}` (a public site).
   * @param {Record<string, string>} auth
   */
  start(auth) {
    this.stop();
    this.set('connecting');
    const socket = io('/ops', { auth, transports: ['websocket', 'polling'] });
    this.socket = socket;
    socket.on('sites', (/** @type {SiteRow[]} */ rows) => {
      this.lastAt = Date.now();
      this.failures = 0;
      this.set('live');
      this.on.rows(rows, this.lastAt);
    });
    socket.on('connect_error', (/** @type {Error} */ error) => {
      // Still active: the transport failed and socket.io tries again by itself.
      if (socket.active) return this.set('reconnecting');
      if (FINAL.includes(error.message)) {
        this.stop();
        this.on.refused(error.message);
        return;
      }
      // Refused for now (too many connections, too many failed checks): back off and retry.
      this.later();
    });
    socket.on('disconnect', (/** @type {string} */ reason) => {
      if (this.socket !== socket) return;
      this.set('reconnecting');
      // A server going down for a deploy says goodbye first: come back when it is up again.
      if (reason === 'io server disconnect') this.later();
    });
    this.clock = setInterval(() => {
      if (this.state === 'live' || this.state === 'stale') this.set(this.age() >= STALE_AFTER_S ? 'stale' : 'live');
    }, 1000);
  }

  stop() {
    clearTimeout(this.retry);
    clearInterval(this.clock);
    const socket = this.socket;
    this.socket = undefined;
    socket?.disconnect();
    this.set('idle');
  }

  /** Seconds since the last payload. */
  age() {
    return Math.round((Date.now() - this.lastAt) / 1000);
  }

  later() {
    this.set('reconnecting');
    clearTimeout(this.retry);
    const socket = this.socket;
    const wait = Math.min(30_000, 1000 * 2 ** this.failures++) * (0.5 + Math.random());
    this.retry = setTimeout(() => socket === this.socket && socket.connect(), wait);
  }

  /** @param {FeedState} state */
  set(state) {
    this.state = state;
    this.render();
  }

  render() {
    const { state } = this;
    /** @type {Record<FeedState, () => string>} */
    const texts = {
      idle: () => '',
      connecting: () => t('status.connecting'),
      live: () => t('status.live', { time: formatClock(this.lastAt) }),
      stale: () => t('status.stale', { n: this.age() }),
      reconnecting: () => t('status.reconnecting'),
    };
    const text = texts[state]();
    this.status.dataset.state = state;
    if (this.status.textContent !== text) this.status.textContent = text;
  }
}
