/**
 * Prometheus metrics of one server, beside the logger: every layer may record into them. Each
 * server has its own registry (tests run several in one process), handed to the components
 * that record into it.
 */
import { Counter as PromCounter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** How an ingest request ended; the `result` label of `footfall_hits_total`. */
export type HitResult =
  | 'counted'
  | 'bot'
  | 'prefetch'
  | 'origin_not_allowed'
  | 'unknown_site'
  | 'invalid_body'
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'store_unavailable';

/** The `site` label of every site past `siteLimit` distinct ones. */
export const OTHER_SITE_LABEL = '_other';

export interface Metrics {
  readonly registry: Registry;
  readonly flushSeconds: Histogram;
  readonly storeErrors: PromCounter;
  readonly bufferEntries: Gauge;
  readonly storeReady: Gauge;
  /** `footfall_store_connection{state}`: 1 for the store connection's current state, 0 for the others. */
  readonly storeConnection: Gauge<'state'>;
  readonly liveConnections: Gauge;
  readonly pushes: PromCounter;
  /** `footfall_counts_reads_total`: reads of a site's figures from the store (the cache and the live pushes share them). */
  readonly countsReads: PromCounter;
  /** `footfall_budget_refusals_total{budget}`: arrivals refused by which budget (budgets.ts) was used up. */
  readonly budgetRefusals: PromCounter<'budget'>;
  /**
   * Counts one ingest request by result and, for a known site, in `footfall_site_hits_total`.
   * The first `siteLimit` distinct sites seen since start get their own label; later ones share
   * `site="_other"`, a name no site id can take, so a server with thousands of sites does not
   * flood Prometheus with series.
   */
  countIngest(result: HitResult, knownSite?: string): void;
  /** Sets the gauges that are read rather than counted, just before a scrape. */
  observeStore(state: { connection: string; buffered: { entries: number; bytes: number } }): void;
}

export interface MetricsOptions {
  /** Most distinct `site` labels (config `metricsSiteLimit`); default 100. */
  siteLimit?: number;
}

/** A registry with footfall's series; `siteLimit` caps the `site` label of per-site series. */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'footfall_process_' });
  const siteLimit = options.siteLimit ?? 100;
  const labelled = new Set<string>();
  // Counted on every request as plain numbers (`countIngest`), handed to prom-client when it is
  // scraped: a labelled child's `inc` hashes its labels on every call. Nothing else may count
  // into these two, as each scrape sets them from the numbers.
  const resultCounts = new Map<HitResult, number>();
  const siteResultCounts = new Map<string, Map<HitResult, number>>();
  new PromCounter({
    name: 'footfall_hits_total',
    help: 'Hit and ping requests by result.',
    labelNames: ['result'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [result, count] of resultCounts) this.inc({ result }, count);
    },
  });
  new PromCounter({
    name: 'footfall_site_hits_total',
    help: `Hit and ping requests of known sites by site and result; past ${siteLimit} sites the rest count as site="${OTHER_SITE_LABEL}".`,
    labelNames: ['site', 'result'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [site, counts] of siteResultCounts) for (const [result, count] of counts) this.inc({ site, result }, count);
    },
  });
  const bufferEntries = new Gauge({
    name: 'footfall_buffer_entries',
    help: 'Entries accepted but not yet written to the store, and hits waiting for their salts.',
    registers: [registry],
  });
  const bufferBytes = new Gauge({ name: 'footfall_buffer_bytes', help: 'Estimated memory of footfall_buffer_entries (FOOTFALL_BUFFER_BYTES bounds it).', registers: [registry] });
  const storeConnection = new Gauge({
    name: 'footfall_store_connection',
    help: "The store connection's state (connecting, ready, reconnecting, closed): 1 for the current one.",
    labelNames: ['state'],
    registers: [registry],
  });
  let lastConnection: string | undefined;
  return {
    registry,
    bufferEntries,
    storeConnection,
    observeStore({ connection, buffered }) {
      bufferEntries.set(buffered.entries);
      bufferBytes.set(buffered.bytes);
      // The state left behind stays as a 0 series, so a dashboard sees the change.
      if (lastConnection !== undefined && lastConnection !== connection) storeConnection.set({ state: lastConnection }, 0);
      storeConnection.set({ state: connection }, 1);
      lastConnection = connection;
    },
    countIngest(result, knownSite) {
      resultCounts.set(result, (resultCounts.get(result) ?? 0) + 1);
      if (knownSite === undefined) return;
      if (!labelled.has(knownSite) && labelled.size < siteLimit) labelled.add(knownSite);
      const site = labelled.has(knownSite) ? knownSite : OTHER_SITE_LABEL;
      let counts = siteResultCounts.get(site);
      if (!counts) siteResultCounts.set(site, (counts = new Map()));
      counts.set(result, (counts.get(result) ?? 0) + 1);
    },
    flushSeconds: new Histogram({
      name: 'footfall_flush_duration_seconds',
      help: 'Time to write one flush of batches to the store.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    storeErrors: new PromCounter({ name: 'footfall_store_errors_total', help: 'Store operations that failed.', registers: [registry] }),
    storeReady: new Gauge({ name: 'footfall_store_ready', help: '1 while the last write to the store succeeded.', registers: [registry] }),
    liveConnections: new Gauge({ name: 'footfall_live_connections', help: 'Open live (Socket.IO) connections.', registers: [registry] }),
    pushes: new PromCounter({ name: 'footfall_pushes_total', help: 'counts events sent, one per site or path room per push.', registers: [registry] }),
    countsReads: new PromCounter({ name: 'footfall_counts_reads_total', help: "Reads of a site's figures (and its asked paths) from the store.", registers: [registry] }),
    budgetRefusals: new PromCounter({
      name: 'footfall_budget_refusals_total',
      help: 'Hits, pings and live connections refused because a per-visitor or per-address budget was used up, by budget.',
      labelNames: ['budget'],
      registers: [registry],
    }),
  };
}
