/**
 * Who may read or change what: the admin token for everything the operator does, a site
 * owner's key for its sites' reports (and imports, for an `import` key), nothing for a
 * public site's figures. HTTP routes and the `/ops` namespace ask here alike. Failed checks
 * are counted per client address: past a few a minute, that address is refused without a
 * check, and each burst is logged once — never with what was sent.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { FootfallError } from '../errors.js';
import type { Logger } from '../log.js';
import type { KeyRecord, Store } from '../store/store.js';
import { keyIdOf, keyMatches, type KeyInfo } from './keys.js';

/** What a request may do, once its credential was checked. */
export type Grant = { by: 'admin' } | { by: 'key'; key: KeyInfo } | { by: 'public' };

/** What a site's route needs: its figures (`read`, or `public` for a public site's), or imports. */
export type Need = 'read' | 'import';

export interface AccessOptions {
  store: Store;
  adminToken?: string;
  /** `FOOTFALL_METRICS_TOKEN`: when set, `/metrics` needs it (or the admin token). */
  metricsToken?: string;
  log: Logger;
  /** How long a key's record is trusted before it is read again (revocation reaches every instance within it). */
  recheckMs: number;
  clock?: () => number;
}

/** Failed checks an address may make per minute before it is refused unheard. */
const FAILURES_PER_MINUTE = 10;
const MINUTE_MS = 60_000;
/** Addresses tracked; past this, the oldest minute's counts go. */
const MAX_TRACKED = 10_000;

/** Compares digests so the time taken says nothing about the token. */
export function tokenMatches(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/** The credential of `Authorization: Bearer <credential>`; the scheme is case-insensitive (RFC 7235). */
export function bearerOf(header: string | undefined): string | undefined {
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

export class Access {
  private readonly clock: () => number;
  private readonly failures = new Map<string, { minute: number; count: number; logged: boolean }>();
  // Records are re-read every `recheckMs`; verified proofs hold the hash, so a changed key misses.
  /** Key id → its record as last read (undefined: none), and when. */
  private readonly records = new Map<string, { record: KeyRecord | undefined; at: number }>();
  /** Keys whose secret already matched their record's hash: scrypt once per key and hash. */
  private readonly verified = new Set<string>();

  constructor(private readonly options: AccessOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** True when the admin API exists at all (a token is configured). */
  get adminEnabled(): boolean {
    return this.options.adminToken !== undefined;
  }

  /** The admin token, or `unauthorized`; `not_found` when no token is configured. */
  admin(authorization: string | undefined, address: string): Grant {
    if (!this.adminEnabled) throw new FootfallError('not_found');
    this.refuseIfGuessing(address);
    const credential = bearerOf(authorization);
    if (credential !== undefined && this.isAdminToken(credential)) return { by: 'admin' };
    throw this.failed(address, 'admin token', credential === undefined ? undefined : 'admin token');
  }

  /** Nothing without a metrics token configured; else that token or the admin token, or `unauthorized`. */
  metrics(authorization: string | undefined, address: string): void {
    const { metricsToken } = this.options;
    if (metricsToken === undefined) return;
    this.refuseIfGuessing(address);
    const credential = bearerOf(authorization);
    if (credential !== undefined && (tokenMatches(metricsToken, credential) || this.isAdminToken(credential))) return;
    throw this.failed(address, '/metrics', credential === undefined ? undefined : 'metrics token', 'Send the metrics token as "Authorization: Bearer <token>".');
  }

  /**
   * The admin token or a key that opens `site` for `need`; a public site's reads need nothing.
   * `unauthorized` for none, a wrong, expired or revoked one; `forbidden` for a valid key of
   * other sites, or a read key asked to import.
   */
  async site(authorization: string | undefined, address: string, site: { id: string; public?: boolean }, need: Need): Promise<Grant> {
    const credential = bearerOf(authorization);
    if (credential === undefined && need === 'read' && site.public === true) return { by: 'public' };
    this.refuseIfGuessing(address);
    if (credential !== undefined && this.isAdminToken(credential)) return { by: 'admin' };
    const key = credential === undefined ? undefined : await this.keyOf(credential);
    if (!key) throw this.failed(address, 'site', credential === undefined ? undefined : 'key');
    if (!key.sites.includes(site.id)) throw new FootfallError('forbidden', `This key does not open site "${site.id}".`);
    if (need === 'import' && key.scope !== 'import') throw new FootfallError('forbidden', 'This is a read key: imports need a key of scope "import".');
    return { by: 'key', key };
  }

  /** The sites an `/ops` client follows: all with the admin token, a key's own with a key. */
  async feed(auth: { token?: unknown; key?: unknown }, address: string): Promise<'all' | string[]> {
    this.refuseIfGuessing(address);
    if (typeof auth.token === 'string' && this.adminEnabled && this.isAdminToken(auth.token)) return 'all';
    const key = typeof auth.key === 'string' ? await this.keyOf(auth.key) : undefined;
    if (key) return key.sites;
    throw this.failed(address, '/ops', typeof auth.token === 'string' ? 'admin token' : typeof auth.key === 'string' ? 'key' : undefined);
  }

  /** The key's record when `key` is a valid, unexpired, unrevoked key. */
  private async keyOf(key: string): Promise<KeyInfo | undefined> {
    const id = keyIdOf(key);
    if (id === undefined) return undefined;
    const now = this.clock();
    let cached = this.records.get(id);
    if (!cached || now - cached.at >= this.options.recheckMs) {
      cached = { record: await this.options.store.getKey(id), at: now };
      if (this.records.size >= MAX_TRACKED) this.records.clear();
      this.records.set(id, cached);
    }
    const { record } = cached;
    if (!record || (record.expiresAt !== null && Date.parse(record.expiresAt) <= now)) return undefined;
    const proof = createHash('sha256').update(`${record.hash}\n${key}`).digest('base64url');
    if (!this.verified.has(proof)) {
      if (!(await keyMatches(record, key))) return undefined;
      if (this.verified.size >= MAX_TRACKED) this.verified.clear();
      this.verified.add(proof);
    }
    const { hash: _hash, ...info } = record;
    return info;
  }

  private isAdminToken(credential: string): boolean {
    return this.options.adminToken !== undefined && tokenMatches(this.options.adminToken, credential);
  }

  /** Throws `rate_limited` while `address` has used up its failed checks of this minute. */
  private refuseIfGuessing(address: string): void {
    const entry = this.failures.get(address);
    const minute = Math.floor(this.clock() / MINUTE_MS);
    if (entry && entry.minute === minute && entry.count >= FAILURES_PER_MINUTE) {
      const retryAfter = Math.max(1, Math.ceil(((minute + 1) * MINUTE_MS - this.clock()) / 1000));
      throw new FootfallError('rate_limited', 'Too many failed token or key checks from this address; try again later.', { retryAfter });
    }
  }

  /** Counts a failed check (`sent` says what was sent, never its value) and answers `unauthorized`. */
  private failed(address: string, where: string, sent: string | undefined, message?: string): FootfallError {
    const minute = Math.floor(this.clock() / MINUTE_MS);
    let entry = this.failures.get(address);
    if (!entry || entry.minute !== minute) {
      if (this.failures.size >= MAX_TRACKED) this.failures.clear();
      this.failures.set(address, (entry = { minute, count: 0, logged: false }));
    }
    entry.count += 1;
    // The first failure of an address each minute, and the one that stops it; the rest would flood the log.
    if (sent !== undefined && (!entry.logged || entry.count === FAILURES_PER_MINUTE)) {
      entry.logged = true;
      const refusing = entry.count >= FAILURES_PER_MINUTE;
      this.options.log.warn({ address, where, sent, failures: entry.count }, refusing ? 'failed credential checks: refusing this address until the next minute' : 'failed credential check');
    }
    return new FootfallError('unauthorized', message);
  }
}
