/** The `--help` text of every command: what it does, its options, an example. */
import { DEFAULTS } from '../config/config.js';

const STORE = `  --store URL     the store to work on (default: $FOOTFALL_STORE, else ${DEFAULTS.store});
                  sqlite:PATH, redis://host:port, rediss://…, redis+cluster://host:port,host:port
  -h, --help      show this help`;

const EXIT_CODES = `Exit codes: 0 ok · 1 runtime failure (store not answering, file unreadable) · 2 usage error ·
3 input refused (bad CSV row or dump line; nothing applied) · 4 unknown site, or site already exists`;

export const HELP: Record<string, string> = {
  footfall: `footfall — a self-hosted, real-time visitor counter

Usage: footfall <command> [options]

Commands:
  serve            run the server (HTTP API, live widgets, /ops dashboard, /metrics)
  sites            list, add or remove sites (audited as cli:<user>)
  import-history   import an old counter's daily figures from a CSV file
  import-pages     import an old counter's views per page (articles) from a CSV file
  busuanzi-pages   ask Busuanzi for each sitemap page's views, as CSV for import-pages
  keys             create, list or revoke site owners' keys (read or import)
  export           write every site, setting and figure as NDJSON to stdout
  import           read an NDJSON dump into the store
  status           live counts of all sites in the terminal, until Ctrl-C

Run 'footfall <command> --help' for a command's options.
Configuration comes from FOOTFALL_* environment variables; see docs/operators.md.

${EXIT_CODES}`,

  serve: `Usage: footfall serve [--store URL] [--port N] [--host ADDRESS]

Runs the footfall server in the foreground until SIGTERM or Ctrl-C (then flushes every
accepted hit and exits 0). Every FOOTFALL_* variable applies; the options override
FOOTFALL_STORE, PORT and HOST.

Options:
  --port N        port to listen on (default: $PORT, else 8080)
  --host ADDRESS  address to listen on (default: $HOST, else 0.0.0.0)
${STORE}

Example:
  FOOTFALL_ADMIN_TOKEN=$(openssl rand -hex 24) footfall serve --port 8080`,

  sites: `Usage: footfall sites list [--json]
       footfall sites add ID [--origin URL]... [--timezone TZ] [--week-start 1|0|6]
                             [--baseline-views N] [--baseline-visitors N] [--update]
       footfall sites remove ID --yes

Sites and their settings. Every change is written to the audit trail as cli:<user>.

  list            all sites with their settings (--json: as the admin API gives them)
  add             create a site; with --update, change the given settings of an existing one
                  (settings not given keep their value)
  remove          delete a site and EVERY figure it has; needs --yes

Options:
  --origin URL           an origin allowed to send hits, e.g. https://example.com (repeatable)
  --timezone TZ          IANA time zone of the site's days, e.g. Asia/Ho_Chi_Minh (default UTC)
  --week-start D         1 Monday (ISO, default), 0 Sunday, 6 Saturday
  --baseline-views N     added to all-time views (a site moving from an old counter)
  --baseline-visitors N  added to all-time visitors
${STORE}

${EXIT_CODES}

Example:
  footfall sites add long-huu --origin https://longhuu.example.vn --timezone Asia/Ho_Chi_Minh`,

  'import-history': `Usage: footfall import-history SITE FILE.csv [--dry-run] [--json]

Adds an old counter's daily figures to SITE's history and all-time figures. Rows are
date,views[,visitors] (a header row is allowed); dates YYYY-MM-DD before today in the site's
time zone; whole numbers of 0 or more. FILE '-' reads stdin.

The whole file is checked first: any bad row is reported with its line number and nothing
is applied. Each day's imported figures are SET, not added, so importing the same file twice
changes nothing. An applied import is written to the audit trail.

Options:
  --dry-run       show what would change (per day before → after, and the all-time change)
                  and change nothing
  --json          print the result as JSON (as the admin API answers)
${STORE}

${EXIT_CODES}

Example:
  footfall import-history long-huu old-counter.csv --dry-run`,

  'import-pages': `Usage: footfall import-pages SITE FILE.csv [--dry-run] [--json]

Sets each page's baseline — the views an old counter showed for it, e.g. an article's
"Lượt xem: 2020" — so that the page's all-time views go on from there. Rows are path,views
(a header row is allowed; a path with a comma goes in double quotes); paths start with / and
are keyed as the site keys its pages (its pageQuery setting: /index.php?option=…&id=123 is
/index.php?id=123 with pageQuery ["id"]). FILE '-' reads stdin.

The whole file is checked first: any bad row is reported with its line number and nothing is
applied. Baselines are SET, not added, so importing the same file twice changes nothing; 0
removes a page's baseline. They change page views only, not the site's all-time figures. An
applied import is written to the audit trail.

Options:
  --dry-run       show what would change (per page before → after) and change nothing
  --json          print the result as JSON (as the admin API answers)
${STORE}

${EXIT_CODES}

Example:
  footfall import-pages long-huu joomla-hits.csv --dry-run`,

  'busuanzi-pages': `Usage: footfall busuanzi-pages --sitemap URL|FILE [--site ID] [--endpoint URL]
                               [--concurrency N] [--delay-ms N] [--limit N] [--timeout-ms N] [--retries N]

Carries a Busuanzi site's per-page views over. Busuanzi keeps no export, so this asks it for
each page the sitemap lists (a sitemap index is followed; .xml.gz is read) as the Busuanzi
script would, and prints the answers as the path,views CSV that import-pages reads. The
summary on stderr gives the site's totals before the crawl (site_pv, site_uv) and the
commands that set them as the baseline and import the pages. Nothing is written to a store.

Each question counts one view of its page on Busuanzi: the CSV subtracts it, but run the
crawl once, when you switch. Pages that fail after the retries are listed and left out
(exit 1); the CSV holds the rest.

Options:
  --sitemap URL|FILE   the site's sitemap (required), e.g. https://blog.example/sitemap.xml
  --site ID            the footfall site, for the commands printed at the end
  --endpoint URL       the Busuanzi server (default: https://busuanzi.ibruce.info/busuanzi)
  --concurrency N      questions in flight at once, 1–16 (default: 4)
  --delay-ms N         pause between one asker's questions (default: 200)
  --limit N            ask for at most N pages (default and most: 100000)
  --timeout-ms N       wait this long for each answer (default: 10000)
  --retries N          ask again after a timeout, 429 or 5xx, 0–10 (default: 3)
  --user-agent TEXT    the User-Agent sent (default: Mozilla/5.0 (compatible; footfall busuanzi-pages))
  -h, --help           show this help

Exit codes: 0 every page answered · 1 some pages failed, the sitemap could not be read, or
Ctrl-C (the CSV holds the pages answered) · 2 usage error

Example:
  footfall busuanzi-pages --sitemap https://blog.example/sitemap.xml --site my-blog > pages.csv`,

  keys: `Usage: footfall keys add --site ID [--site ID]... [--scope read|import] [--label TEXT] [--expires TIME] [--json]
       footfall keys list [--json]
       footfall keys revoke ID

Keys let site owners see their own sites' figures without the admin token: the dashboard at
/s/<site>, the reports under /api/v1/sites/<site>/ (history, pages, day, sources) and the /ops
feed of their sites. An import key also opens the history and page imports of its sites.
Every action is written to the audit trail as cli:<user>.

  add             create a key and print it (on stdout, alone); it is shown this once —
                  footfall keeps only a slow hash of it
  list            every key without its secret: id, scope, sites, label, expiry
  revoke          the key opens nothing from now on, on every instance within a push interval

Options:
  --site ID        a site the key opens (repeatable)
  --scope S        read (the default) or import
  --label TEXT     a note for the operator, e.g. the owner's name
  --expires TIME   when the key stops opening anything, e.g. 2027-06-30T00:00:00Z
  --json           print as the admin API answers
${STORE}

${EXIT_CODES}

Example:
  footfall keys add --site long-huu --label "UBND xã Long Hựu" > long-huu.key`,

  export: `Usage: footfall export [--site ID]... [--output FILE] > dump.ndjson

Writes every site (or the given ones) with its settings and figures — HyperLogLog registers
included, so unique counts move exactly — as NDJSON: a header line, then one site per line.
Online visitors are presence, not figures, and are not exported.

Options:
  --site ID        export only this site (repeatable)
  -o, --output F   write to file F instead of stdout
${STORE}

Example:
  footfall export --store sqlite:./data/footfall.db | footfall import --store redis://127.0.0.1:6379`,

  import: `Usage: footfall import [FILE] [--replace] [--dry-run] < dump.ndjson

Reads a dump written by 'footfall export' (FILE, or stdin) into the store. Each line is
checked and a bad one is named by its line number. From a file every line is checked before
anything is written; from a pipe, sites are written as their lines pass and a bad line stops
the import there (run it again after fixing: importing a site twice is harmless).

A site that already exists in the store is refused unless --replace is given; with --replace
the site's settings and figures are REPLACED by the dump's (not merged). Sites of the store
that are not in the dump are left alone.

Options:
  --replace       overwrite sites that already exist in the store
  --dry-run       check every line and say what would be imported or replaced; write nothing
${STORE}

${EXIT_CODES}`,

  status: `Usage: footfall status [--visitors] [--interval MS] [--once]
       footfall status --server URL [--site ID]... [--visitors] [--once]

Shows live counts of every site — online, today, this week, all-time, last hit — read from
the store directly, refreshed every second until Ctrl-C (which exits 0).

With --server, follows a running server's live /ops feed instead (no store needed): every
site with FOOTFALL_ADMIN_TOKEN set, a site owner's sites with FOOTFALL_KEY set (both read from
the environment, never the command line), or one public site named by --site.

Options:
  --visitors      show visitors instead of views
  --interval MS   refresh interval in milliseconds (default 1000; the store only)
  --once          print the table once and exit
  --server URL    the footfall server to follow, e.g. https://stats.example.com
  --site ID       with --server: show only this site (repeatable); without a token or key,
                  the public site to follow
${STORE}`,
};
