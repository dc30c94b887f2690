/** `footfall keys add|list|revoke`: site owners' keys, audited as cli:<user>. */
import { FootfallError } from '../errors.js';
import type { KeyInfo } from '../ops/keys.js';
import { COMMON_OPTIONS, parseCommand, positionals } from './args.js';
import { CliError, EXIT, println, usageError, type CliIo, type Command } from './cli-io.js';
import { withStore } from './open-store.js';
import { textTable } from './text-table.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  site: { type: 'string', multiple: true },
  scope: { type: 'string' },
  label: { type: 'string' },
  expires: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** `footfall keys add --site ID… --scope read|import [--label L] [--expires TIME]`, `list`, `revoke ID`. */
export const keysCommand: Command = async (args, io, log) => {
  const parsed = parseCommand('keys', args, OPTIONS, io.stdout);
  if (!parsed) return EXIT.ok;
  const { values, positionals: given } = parsed;
  const [action, ...rest] = given;
  const actor = `cli:${io.user}`;
  switch (action) {
    case 'add':
      positionals('keys add', rest, []);
      return withStore(io, values.store, log, async ({ keys }) => {
        const input = { sites: values.site ?? [], scope: values.scope ?? 'read', label: values.label, expiresAt: values.expires };
        let created;
        try {
          created = await keys.create(input, actor);
        } catch (error) {
          if (error instanceof FootfallError && error.code === 'invalid_body') throw usageError(error.message);
          throw error;
        }
        if (values.json) println(io.stdout, JSON.stringify(created, null, 2));
        else {
          println(io.stdout, created.key);
          println(io.stderr, `Created ${created.scope} key ${created.id} for ${created.sites.join(', ')}. The key is shown this once: footfall keeps only its hash.`);
        }
        return EXIT.ok;
      });
    case 'list':
      positionals('keys list', rest, []);
      return withStore(io, values.store, log, async ({ keys }) => {
        const list = await keys.list();
        if (values.json) println(io.stdout, JSON.stringify(list, null, 2));
        else if (list.length === 0) println(io.stdout, "No keys yet. Create one with 'footfall keys add --site ID --scope read'.");
        else print(io, list);
        return EXIT.ok;
      });
    case 'revoke': {
      const [id = ''] = positionals('keys revoke', rest, ['ID']);
      return withStore(io, values.store, log, async ({ keys }) => {
        try {
          await keys.revoke(id, actor);
        } catch (error) {
          if (error instanceof FootfallError && error.code === 'unknown_key') throw new CliError(EXIT.conflict, `there is no key "${id}". 'footfall keys list' shows the keys.`);
          throw error;
        }
        println(io.stdout, `Revoked key ${id}: it opens nothing from now on, on every instance within a push interval.`);
        return EXIT.ok;
      });
    }
    case undefined:
      throw usageError("missing the action: footfall keys add|list|revoke. See 'footfall keys --help'.");
    default:
      throw usageError(`unknown action "${action}": use add, list or revoke. See 'footfall keys --help'.`);
  }
};

function print(io: CliIo, list: KeyInfo[]): void {
  const rows = list.map((key) => [key.id, key.scope, key.sites.join(' '), key.label ?? '', key.expiresAt ?? 'never', key.createdAt]);
  const columns = [{ title: 'ID' }, { title: 'SCOPE' }, { title: 'SITES' }, { title: 'LABEL' }, { title: 'EXPIRES' }, { title: 'CREATED' }];
  for (const line of textTable(columns, rows)) println(io.stdout, line);
}
