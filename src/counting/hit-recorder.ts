/**
 * Turns admitted hits, pings and heartbeats into batch entries: the calendar's periods, the
 * visitor's ids, the rate limit, the view's sources, the outage buffer's limit. A hit whose
 * salts the store cannot give yet is held in memory (the raw IP never written anywhere) and
 * replayed with the time it arrived once the store answers.
 */
import { FootfallError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { EARNER_LENGTH, type RefusalReason } from '../store/store.js';
import type { BatchWriter, Held } from './batch-writer.js';
import type { BudgetAsk, Budgets } from './budgets.js';
import { MAX_URL_LENGTH, pageKey } from './page-path.js';
import { entryBytes } from './pending-batch.js';
import type { PeriodCalculator, Periods } from './periods.js';
import type { Site } from './site.js';
import type { SourceClassifier, VisitorTraits } from './sources/source-classifier.js';
import type { VisitorIds, VisitorSighting } from './visitor-ids.js';

export interface Visitor {
  ip: string;
  userAgent: string;
  /** False when the visitor asked not to be tracked: the view counts, no id is kept. */
  track: boolean;
}

/** Where a view was: the page's origin, and the referrer the browser sent with it. */
export interface ViewContext {
  origin?: string;
  referrer?: string | null;
}

export interface HitRecorderOptions {
  log: Logger;
  metrics: Metrics;
  clock: () => number;
  periods: PeriodCalculator;
  ids: VisitorIds<VisitorTraits | undefined>;
  budgets: Budgets;
  writer: BatchWriter;
  /** Undefined: where views come from is not collected (the CLI counts no hits). */
  sources?: SourceClassifier;
  /** The budgets' counts must go through the store (other instances count the same keys). */
  sharesRates: boolean;
  /** What may be held in memory while the store does not answer: entries, and estimated bytes. */
  buffer: Held;
  /**
   * FOOTFALL_ANSWER=written: a hit is answered once the store holds it, so that an instance
   * killed between answer and flush loses no answered hit.
   */
  answerWhenWritten: boolean;
}

/** A hit or ping waiting for its period's salts (the store did not answer yet). */
interface Waiting {
  site: Site;
  at: number;
  visitor: Visitor;
  /** Absent for a ping. */
  hit?: { path: string; target: string; view: ViewContext };
  /** Its memory, estimated. */
  bytes: number;
}

const RETRY_AFTER_S = 5;
/** FOOTFALL_ANSWER=written: how long a batch's hits wait for the store before their answers say so. */
const WRITTEN_WAIT_MS = 5_000;
/** A hit adds at most this many entries: day, path, week, month, year, their four ids, online, four rate keys, six sources. */
const MAX_ENTRIES_PER_HIT = 20;
/** …and at most this many bytes: those entries, with a path and a referrer's names at their longest. */
const MAX_HIT_BYTES = MAX_ENTRIES_PER_HIT * entryBytes('') + 4 * MAX_URL_LENGTH;
/**
 * One site may hold at most this share of the outage buffer, so one site's flood while the
 * store is away leaves room for every other site's visitors.
 */
const SITE_SHARE = 0.5;

export class HitRecorder {
  private waiting: Waiting[] = [];
  /** Bytes of the waiting entries, in all and per site. */
  private waitingBytes = 0;
  private readonly waitingBytesOf = new Map<string, number>();
  private retrying = false;

  constructor(private readonly options: HitRecorderOptions) {}

  /** Counts one page view of `target` (path and query); throws `rate_limited` or `store_unavailable`. */
  async recordHit(site: Site, target: string, visitor: Visitor, view: ViewContext = {}): Promise<void> {
    this.checkBuffer(site);
    const hit = { path: pageKey(target, site.pageQuery), target, view };
    const at = this.options.clock();
    const periods = this.options.periods.at(site, at);
    const sighting = this.sight(site, periods, visitor) ?? (await this.loadIds({ site, at, visitor, hit }, periods));
    if (!sighting) {
      if (this.options.answerWhenWritten) throw unconfirmed();
      return;
    }
    this.spend('hit', site, at, visitor, sighting);
    this.add(site, at, periods, hit, visitor.track ? sighting : undefined, sighting.traits);
    if (this.options.answerWhenWritten && !(await this.options.writer.batchFor(site.id).landed(WRITTEN_WAIT_MS))) throw unconfirmed();
  }

  /** Keeps a visitor online without counting a view. */
  async recordPing(site: Site, visitor: Visitor): Promise<void> {
    if (!visitor.track) return;
    this.checkBuffer(site);
    const at = this.options.clock();
    const periods = this.options.periods.at(site, at);
    const sighting = this.sight(site, periods, visitor) ?? (await this.loadIds({ site, at, visitor }, periods));
    if (!sighting) return;
    this.spend('ping', site, at, visitor, sighting);
    this.options.writer.batchFor(site.id).touch(sighting.ids.day, at);
  }

  /** Counts a refused hit by reason, for operators. */
  recordRefusal(site: Site, reason: RefusalReason): void {
    this.options.writer.batchFor(site.id).addRefusal(this.options.periods.at(site, this.options.clock()).day, reason);
  }

  /**
   * The id a live connection keeps online (the visitor's day id), or undefined if untracked;
   * throws `rate_limited` when its address has brought too many new visitors this minute.
   */
  async onlineId(site: Site, visitor: Visitor): Promise<string | undefined> {
    if (!visitor.track) return undefined;
    const at = this.options.clock();
    const periods = this.options.periods.at(site, at);
    let sighting = this.sight(site, periods, visitor);
    if (!sighting) {
      await this.options.ids.load(site.id, periods);
      sighting = this.sight(site, periods, visitor);
    }
    if (sighting) this.spend('live', site, at, visitor, sighting);
    return sighting?.ids.day;
  }

  /** Heartbeats of open live connections: each id stays online. */
  touchOnline(siteId: string, onlineIds: Iterable<string>): void {
    const at = this.options.clock();
    const batch = this.options.writer.batchFor(siteId);
    for (const id of onlineIds) batch.touch(id, at);
  }

  /** Hits and pings held for their salts, as the outage buffer counts them. */
  get held(): Held {
    return { entries: this.waiting.length, bytes: this.waitingBytes };
  }

  /** Replays held entries whose salts now load; stops at the first store failure. */
  async retryWaiting(): Promise<void> {
    if (this.retrying || this.waiting.length === 0) return;
    this.retrying = true;
    try {
      while (this.waiting.length > 0) {
        const entry = this.waiting[0]!;
        try {
          await this.options.ids.load(entry.site.id, this.options.periods.at(entry.site, entry.at));
        } catch {
          // Still not answering: the next flush tries again.
          return;
        }
        // Every entry of the same salts replays now; the rest wait for their own load.
        const before = this.waiting.length;
        this.waiting = this.waiting.filter((held) => {
          if (!this.replay(held)) return true;
          this.countWaiting(held, -1);
          return false;
        });
        if (this.waiting.length === before) return;
      }
    } finally {
      this.retrying = false;
    }
  }

  /**
   * Takes what an arrival costs from the budgets (budgets.ts): a view or a ping of its visitor
   * and address, and a new visitor of the address when this is the visitor's first sighting.
   * Throws `rate_limited`, having taken nothing, when one is used up; a refused newcomer is
   * forgotten again, so it stays new.
   */
  private spend(kind: 'hit' | 'ping' | 'live', site: Site, at: number, visitor: Visitor, sighting: VisitorSighting<VisitorTraits | undefined>): void {
    const { budgets } = this.options;
    const asks: BudgetAsk[] =
      kind === 'hit'
        ? [{ budget: 'visitorViews', key: sighting.ids.day }, { budget: 'addressViews', key: sighting.network.day }]
        : kind === 'ping'
          ? [{ budget: 'addressPings', key: sighting.network.day }]
          : [];
    if (sighting.first) asks.push({ budget: 'addressNewVisitors', key: sighting.network.day });
    const refusal = budgets.take(site.id, asks, at);
    if (refusal) {
      if (sighting.first) this.options.ids.forget(site.id, visitor.ip, visitor.userAgent);
      if (kind === 'hit') this.recordRefusal(site, 'rate_limit');
      this.options.metrics.budgetRefusals.inc({ budget: refusal.budget });
      throw refusal.error;
    }
    // An untracked visitor's keys stay in this process, like the rest of what is known of it.
    if (visitor.track && this.options.sharesRates) this.options.writer.batchFor(site.id).countRate(at, budgets.sharedKeys(asks));
  }

  private sight(site: Site, periods: Periods, visitor: Visitor): VisitorSighting<VisitorTraits | undefined> | undefined {
    return this.options.ids.sight(site.id, periods, visitor.ip, visitor.userAgent);
  }

  /**
   * Refuses a hit or ping that might not fit in the outage buffer: its entries, its bytes, and
   * the site's share of the bytes, counting what the writer holds and what waits for salts.
   */
  private checkBuffer(site: Site): void {
    const { writer, buffer } = this.options;
    // A store that answers drains the buffer every flush; measuring it costs per site.
    if (!writer.behind && this.waiting.length === 0) return;
    const all = writer.held();
    if (all.entries + this.waiting.length + MAX_ENTRIES_PER_HIT > buffer.entries || all.bytes + this.waitingBytes + MAX_HIT_BYTES > buffer.bytes) {
      throw new FootfallError('store_unavailable', undefined, { retryAfter: RETRY_AFTER_S });
    }
    const mine = writer.held(site.id).bytes + (this.waitingBytesOf.get(site.id) ?? 0);
    if (mine + MAX_HIT_BYTES > buffer.bytes * SITE_SHARE) {
      const message = `The counter store is not answering and site "${site.id}" holds its share of the buffer; try again later.`;
      throw new FootfallError('store_unavailable', message, { retryAfter: RETRY_AFTER_S });
    }
  }

  private countWaiting(entry: Waiting, sign: 1 | -1): void {
    this.waitingBytes += sign * entry.bytes;
    const left = (this.waitingBytesOf.get(entry.site.id) ?? 0) + sign * entry.bytes;
    if (left > 0) this.waitingBytesOf.set(entry.site.id, left);
    else this.waitingBytesOf.delete(entry.site.id);
  }

  /** Loads the salts of `periods` and sees the visitor; when the store does not answer, holds the entry. */
  private async loadIds(arrival: Omit<Waiting, 'bytes'>, periods: Periods): Promise<VisitorSighting<VisitorTraits | undefined> | undefined> {
    try {
      await this.options.ids.load(arrival.site.id, periods);
    } catch (error) {
      if (this.waiting.length === 0) this.options.log.warn({ err: error, site: arrival.site.id }, 'salts not available; holding hits until the store answers');
      const entry = { ...arrival, bytes: waitingBytes(arrival) };
      this.waiting.push(entry);
      this.countWaiting(entry, 1);
      return undefined;
    }
    return this.sight(arrival.site, periods, arrival.visitor);
  }

  /**
   * Adds a held hit or ping with the time it arrived; false when its salts are not loaded yet.
   * It was answered already, so one over a budget is dropped (a hit counted as refused).
   */
  private replay({ site, at, visitor, hit }: Waiting): boolean {
    const periods = this.options.periods.at(site, at);
    const sighting = this.sight(site, periods, visitor);
    if (!sighting) return false;
    try {
      this.spend(hit === undefined ? 'ping' : 'hit', site, at, visitor, sighting);
    } catch (error) {
      if (error instanceof FootfallError && error.code === 'rate_limited') return true;
      throw error;
    }
    if (hit === undefined) this.options.writer.batchFor(site.id).touch(sighting.ids.day, at);
    else this.add(site, at, periods, hit, visitor.track ? sighting : undefined, sighting.traits);
    return true;
  }

  /** `sighting` undefined: an untracked visitor (DNT), counted as a view only. */
  private add(
    site: Site,
    at: number,
    periods: Periods,
    hit: NonNullable<Waiting['hit']>,
    sighting: VisitorSighting<VisitorTraits | undefined> | undefined,
    traits: VisitorTraits | undefined,
  ): void {
    const ids = sighting?.ids;
    const { day, hour, week, month, year } = periods;
    // A path's all-time slot is earned by distinct network addresses (path-slots.ts), so one
    // address rotating User-Agents cannot earn it; a short digest tells them apart.
    const earner = sighting?.network.week.slice(0, EARNER_LENGTH);
    this.options.writer.batchFor(site.id).addHit({
      at,
      day,
      hour,
      week,
      month,
      year,
      path: hit.path,
      ids,
      earner,
      sources: this.sourcesOf(site, hit, traits),
      newVisitor: sighting?.first === true,
    });
  }

  /** The view's name in each dimension the site collects. */
  private sourcesOf(site: Site, hit: NonNullable<Waiting['hit']>, traits: VisitorTraits | undefined): Array<[string, string]> | undefined {
    const { sources } = this.options;
    if (!sources || !traits || site.collect.length === 0) return undefined;
    const view = sources.view(hit.view.origin ?? site.origins[0] ?? '', hit.target, hit.view.referrer, site.origins);
    return site.collect.map((dimension) => [dimension, dimension === 'referrer' || dimension === 'campaign' ? view[dimension] : traits[dimension]]);
  }
}

/** The memory a held hit or ping takes, estimated: its strings (UTF-16) and the objects around them. */
function waitingBytes({ visitor, hit }: Omit<Waiting, 'bytes'>): number {
  const texts = [visitor.ip, visitor.userAgent, hit?.path, hit?.target, hit?.view.origin, hit?.view.referrer ?? undefined];
  return texts.reduce((sum, text) => sum + entryBytes(text ?? ''), 0);
}

/** The hit is held and will be counted when the store answers, but this answer cannot promise it. */
function unconfirmed(): FootfallError {
  return new FootfallError('store_unavailable', 'The counter store has not confirmed this hit yet; it is kept and counted once the store answers.', {
    retryAfter: RETRY_AFTER_S,
  });
}
