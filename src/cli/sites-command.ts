/** `footfall sites list|add|remove`: site settings, through the audited SiteAdmin. */
import type { Site } from '../counting/site.js';
import { FootfallError } from '../errors.js';
import { COMMON_OPTIONS, parseCommand, positionals, wholeNumber } from './args.js';
import { CliError, EXIT, println, usageError, type CliIo, type Command } from './cli-io.js';
import { withStore, type OpenedStore } from './open-store.js';
import { formatCount, textTable } from './text-table.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  json: { type: 'boolean' },
  origin: { type: 'string', multiple: true },
  timezone: { type: 'string' },
  'week-start': { type: 'string' },
  'baseline-views': { type: 'string' },
  'baseline-visitors': { type: 'string' },
  update: { type: 'boolean' },
  yes: { type: 'boolean' },
} as const;

type Values = NonNullable<ReturnType<typeof parseCommand<typeof OPTIONS>>>['values'];

/** `footfall sites list|add|remove …` */
export const sitesCommand: Command = async (args, io, log) => {
  const parsed = parseCommand('sites', args, OPTIONS, io.stdout);
  if (!parsed) return EXIT.ok;
  const { values, positionals: given } = parsed;
  const [action, ...rest] = given;
  const actor = `cli:${io.user}`;
  switch (action) {
    case 'list':
      positionals('sites list', rest, []);
      return withStore(io, values.store, log, (opened) => list(opened, io, values.json === true));
    case 'add': {
      const [id = ''] = positionals('sites add', rest, ['ID']);
      return withStore(io, values.store, log, (opened) => add(opened, io, id, values, actor));
    }
    case 'remove': {
      const [id = ''] = positionals('sites remove', rest, ['ID']);
      if (!values.yes) throw usageError(`removing site "${id}" deletes every figure it has; add --yes to confirm.`);
      return withStore(io, values.store, log, (opened) => remove(opened, io, id, actor));
    }
    case undefined:
      throw usageError("missing the action: footfall sites list|add|remove. See 'footfall sites --help'.");
    default:
      throw usageError(`unknown action "${action}": use list, add or remove. See 'footfall sites --help'.`);
  }
};

async function list({ counter }: OpenedStore, io: CliIo, json: boolean): Promise<typeof EXIT.ok> {
  const sites = counter.listSites();
  if (json) {
    println(io.stdout, JSON.stringify(sites, null, 2));
    return EXIT.ok;
  }
  if (sites.length === 0) {
    println(io.stdout, "No sites yet. Add one with 'footfall sites add ID --origin https://example.com'.");
    return EXIT.ok;
  }
  const rows = sites.map((site) => [
    site.id,
    site.origins.join(' ') || '(none)',
    site.timezone,
    ['Sunday', 'Monday', '', '', '', '', 'Saturday'][site.weekStart] ?? String(site.weekStart),
    `${formatCount(site.baseline.views)} / ${formatCount(site.baseline.visitors)}`,
  ]);
  const columns = [{ title: 'SITE' }, { title: 'ORIGINS' }, { title: 'TIME ZONE' }, { title: 'WEEK STARTS' }, { title: 'BASELINE VIEWS / VISITORS', align: 'right' as const }];
  for (const line of textTable(columns, rows)) println(io.stdout, line);
  return EXIT.ok;
}

/** The settings the options give; a baseline given in part keeps the other figure. */
function settingsOf(values: Values, before: Site | undefined): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  if (values.origin !== undefined) settings.origins = values.origin;
  if (values.timezone !== undefined) settings.timezone = values.timezone;
  const weekStart = wholeNumber('week-start', values['week-start'], 0, 6);
  if (weekStart !== undefined) settings.weekStart = weekStart;
  const views = wholeNumber('baseline-views', values['baseline-views'], 0, Number.MAX_SAFE_INTEGER);
  const visitors = wholeNumber('baseline-visitors', values['baseline-visitors'], 0, Number.MAX_SAFE_INTEGER);
  if (views !== undefined || visitors !== undefined) {
    settings.baseline = { views: views ?? before?.baseline.views ?? 0, visitors: visitors ?? before?.baseline.visitors ?? 0 };
  }
  return settings;
}

async function add({ counter, sites }: OpenedStore, io: CliIo, id: string, values: Values, actor: string) {
  const before = await counter.storedSite(id);
  if (before && !values.update) {
    throw new CliError(EXIT.conflict, `site "${id}" already exists; add --update to change its settings.`);
  }
  if (!before && values.update) throw new CliError(EXIT.conflict, `there is no site "${id}" to update; leave out --update to create it.`);
  let saved: Site;
  try {
    ({ site: saved } = await sites.put(id, settingsOf(values, before), actor));
  } catch (error) {
    if (error instanceof FootfallError && error.code === 'invalid_settings') throw usageError(error.message);
    throw error;
  }
  println(io.stdout, `${before ? 'Updated' : 'Added'} site ${saved.id}: origins ${saved.origins.join(' ') || '(none)'}, time zone ${saved.timezone}.`);
  if (saved.origins.length === 0) println(io.stderr, `Note: site "${saved.id}" has no origins yet, so no page can send hits; add --origin URL with --update.`);
  return EXIT.ok;
}

async function remove({ counter, sites }: OpenedStore, io: CliIo, id: string, actor: string) {
  const site = await counter.storedSite(id);
  if (!site) throw new CliError(EXIT.conflict, `there is no site "${id}". 'footfall sites list' shows the sites.`);
  await sites.remove(site, actor);
  println(io.stdout, `Removed site ${id} and all of its figures.`);
  return EXIT.ok;
}
