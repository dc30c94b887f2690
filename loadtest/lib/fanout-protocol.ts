/** Messages between the fanout scenario and its feed processes (fanout-worker.ts), over IPC. */

/** Classic PUBLISH on one channel (the old feed) or SPUBLISH per site (src/store/redis/change-feed.ts). */
export type FeedMode = 'classic' | 'sharded';

export interface FanoutWorkload {
  /** Sites of the deployment; ids `site-00000` … */
  sites: number;
  /** Sites each instance writes per flush, drawn at random from all of them. */
  sitesPerFlush: number;
  flushMs: number;
  /** Open widgets per site, each on a random instance: the instances that watch the site. */
  widgetsPerSite: number;
}

export type ToFanoutWorker =
  /** `publish`: `instances` feeds that publish every flush; `subscribe`: feeds that listen. */
  | { type: 'open'; role: 'publish' | 'subscribe'; mode: FeedMode; url: string; instances: number; workload: FanoutWorkload }
  | { type: 'start' }
  | { type: 'mark' }
  | { type: 'close' };

/** Counters since the process opened its feeds. */
export interface FanoutCounters {
  /** User + system CPU of the process, µs. */
  cpuMicros: number;
  /** publish() calls (one per flush per instance) and the sites they listed. */
  published: number;
  sitesPublished: number;
  /** Listener calls, summed over instances, and the sites they carried. */
  delivered: number;
  sitesDelivered: number;
  /** Sites delivered that the instance watches (what a push scheduler would act on). */
  sitesWanted: number;
}

export type FromFanoutWorker =
  | { type: 'opened'; watches: number }
  | { type: 'marked'; counters: FanoutCounters }
  | { type: 'closed' };
