/**
 * Site owners' keys: the operator creates them for some sites and a scope (`read`, `import`),
 * lists them (never the secrets) and revokes them; every action is audited. A key reads
 * `ffk_<id>_<secret>`: the id finds the record, and the secret is checked against a slow hash
 * (scrypt, salted with the id), so a copy of the store gives no usable key.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto';
import { z } from 'zod';
import { describeIssues } from '../counting/site.js';
import { FootfallError } from '../errors.js';
import type { KeyRecord, Store } from '../store/store.js';
import type { AuditTrail } from './audit-trail.js';

/** What the operator sees of a key: everything but its hash. */
export type KeyInfo = Omit<KeyRecord, 'hash'>;

/** scrypt at 8 MiB and about 20 ms: cheap enough per new key check, costly for a guesser. */
const SCRYPT = { N: 8192, r: 8, p: 1, maxmem: 32 * 1024 * 1024 } as const;
const KEY_PATTERN = /^ffk_([A-Za-z0-9_-]{11})_([A-Za-z0-9_-]{43})$/;
const MAX_KEY_SITES = 1000;

function scrypt(secret: BinaryLike, salt: BinaryLike, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCallback(secret, salt, length, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/**
 * A new key's id: 11 base64url characters, never starting with `-`, which a command line would
 * take for an option (`footfall keys revoke -vQ…` fails where `footfall keys revoke vQ…` works).
 */
export function newKeyId(): string {
  for (;;) {
    const id = randomBytes(8).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

async function hashOf(id: string, secret: string): Promise<string> {
  const digest = await scrypt(secret, `footfall-key:${id}`, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${digest.toString('base64url')}`;
}

/** The key's id, or undefined when the text is no footfall key at all. */
export function keyIdOf(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}

/** True when `key` is the key of `record`, in time that says nothing about the secret. */
export async function keyMatches(record: KeyRecord, key: string): Promise<boolean> {
  const match = KEY_PATTERN.exec(key);
  if (!match || match[1] !== record.id) return false;
  const given = Buffer.from(await hashOf(record.id, match[2] ?? ''));
  const stored = Buffer.from(record.hash);
  return given.length === stored.length && timingSafeEqual(given, stored);
}

export const newKeySchema = z.strictObject({
  sites: z.array(z.string()).min(1, { message: 'must name at least one site' }).max(MAX_KEY_SITES),
  scope: z.enum(['read', 'import'], { message: 'must be "read" or "import"' }),
  label: z.string().max(200).optional(),
  expiresAt: z.iso.datetime({ offset: true, message: 'must be a time such as 2027-01-01T00:00:00Z' }).optional(),
});

export class KeyAdmin {
  constructor(
    private readonly store: Store,
    private readonly trail: AuditTrail,
    private readonly knownSite: (id: string) => boolean,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Creates a key; answers its secret, this once. Throws `invalid_body` naming the field. */
  async create(input: unknown, actor: string): Promise<KeyInfo & { key: string }> {
    const parsed = newKeySchema.safeParse(input ?? {});
    if (!parsed.success) throw new FootfallError('invalid_body', `The key is not valid: ${describeIssues(parsed.error)}.`);
    const { sites, scope, label, expiresAt } = parsed.data;
    const unknown = sites.filter((site) => !this.knownSite(site));
    if (unknown.length > 0) throw new FootfallError('invalid_body', `The key is not valid: sites: there is no site ${unknown.map((id) => `"${id}"`).join(', ')}.`);
    const now = this.clock();
    if (expiresAt !== undefined && Date.parse(expiresAt) <= now) throw new FootfallError('invalid_body', 'The key is not valid: expiresAt: is not in the future.');
    const id = newKeyId();
    const secret = randomBytes(32).toString('base64url');
    const record: KeyRecord = {
      id,
      hash: await hashOf(id, secret),
      sites: [...new Set(sites)].sort(),
      scope,
      label: label ?? null,
      expiresAt: expiresAt === undefined ? null : new Date(expiresAt).toISOString(),
      createdAt: new Date(now).toISOString(),
    };
    await this.store.putKey(record);
    const info = infoOf(record);
    await this.trail.record(actor, 'key.create', record.sites.join(','), null, info);
    return { ...info, key: `ffk_${id}_${secret}` };
  }

  async list(): Promise<KeyInfo[]> {
    return (await this.store.listKeys()).map(infoOf);
  }

  /** Revokes a key at once, on every instance (they look keys up anew within a push interval). */
  async revoke(id: string, actor: string): Promise<KeyInfo> {
    const record = await this.store.getKey(id);
    if (!record) throw new FootfallError('unknown_key', `There is no key "${id.slice(0, 40)}".`);
    await this.store.deleteKey(id);
    const info = infoOf(record);
    await this.trail.record(actor, 'key.revoke', record.sites.join(','), info, null);
    return info;
  }
}

function infoOf({ hash: _hash, ...info }: KeyRecord): KeyInfo {
  return info;
}
