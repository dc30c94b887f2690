/**
 * The Lua scripts the Redis store runs, registered with ioredis' `defineCommand`: the first call
 * on a connection sends the source (EVAL), later calls only the SHA (EVALSHA), and a Redis
 * that lost its script cache gets the source again.
 *
 * Every script declares a fixed number of KEYS, the first being a key of the site, so ioredis
 * routes it to the slot of the site's hash tag on a Cluster and groups it correctly when
 * auto-pipelining. Period keys (days, weeks, minutes) travel in ARGV: they carry the same hash
 * tag, hence the same slot, which Redis allows a script without flags to touch.
 */
import { APPLY_BATCH_LUA } from './batch-script.js';
import type { RedisClient } from './connect.js';
import { READ_COUNTS_LUA, READ_HISTORY_LUA, READ_SOURCES_LUA, TOP_PAGES_LUA } from './read-scripts.js';
import { IMPORT_HISTORY_LUA, SALT_LUA } from './write-scripts.js';

const SCRIPTS = {
  footfallApplyBatch: { numberOfKeys: 10, lua: APPLY_BATCH_LUA },
  footfallReadCounts: { numberOfKeys: 17, lua: READ_COUNTS_LUA },
  footfallReadHistory: { numberOfKeys: 1, lua: READ_HISTORY_LUA },
  footfallTopPages: { numberOfKeys: 1, lua: TOP_PAGES_LUA },
  footfallReadSources: { numberOfKeys: 1, lua: READ_SOURCES_LUA },
  footfallSalt: { numberOfKeys: 2, lua: SALT_LUA },
  footfallImportHistory: { numberOfKeys: 4, lua: IMPORT_HISTORY_LUA },
} as const;

/** The scripts {@link runScript} can run. */
export type ScriptName = keyof typeof SCRIPTS;

type ScriptCommand = (...args: string[]) => Promise<unknown>;

/** Registers every script on `client`; call once per connection before {@link runScript}. */
export function defineScripts(client: RedisClient): void {
  for (const [name, definition] of Object.entries(SCRIPTS)) client.defineCommand(name, definition);
}

/** Runs one script: one EVALSHA (one round trip, batched with others of the same tick). */
export function runScript(client: RedisClient, name: ScriptName, call: { keys: string[]; args: string[] }): Promise<unknown> {
  if (call.keys.length !== SCRIPTS[name].numberOfKeys) {
    throw new Error(`${name} takes ${SCRIPTS[name].numberOfKeys} keys, got ${call.keys.length}`);
  }
  const command = (client as unknown as Record<ScriptName, ScriptCommand | undefined>)[name];
  if (!command) throw new Error(`${name} is not defined on this connection: call defineScripts first`);
  return command.call(client, ...call.keys, ...call.args);
}
