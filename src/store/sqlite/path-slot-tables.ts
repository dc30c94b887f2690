/**
 * The all-time path tables of one site (`paths`, earned; `candidate_paths`) as path-slots.ts
 * works on them, within the caller's write transaction. Counts are read once per batch, when
 * first needed, and followed from there.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { PathSlotTables } from '../path-slots.js';

type Key = { site: string };
type PathKey = { site: string; path: string };

export class PathSlotStatements {
  private readonly addEarned: Statement<[PathKey & { views: number }]>;
  private readonly insertEarned: Statement<[PathKey & { views: number }]>;
  private readonly countEarned: Statement<[Key], number>;
  private readonly candidate: Statement<[PathKey], { earner: string; views: number }>;
  private readonly countCandidates: Statement<[Key], number>;
  private readonly insertCandidate: Statement<[PathKey & { earner: string; views: number; seen: number }]>;
  private readonly setCandidate: Statement<[PathKey & { views: number; seen: number }]>;
  private readonly removeCandidate: Statement<[PathKey]>;
  private readonly evictCandidate: Statement<[Key]>;

  constructor(db: Database) {
    this.addEarned = db.prepare('UPDATE paths SET views = views + @views WHERE site = @site AND path = @path');
    this.insertEarned = db.prepare('INSERT INTO paths (site, path, views) VALUES (@site, @path, @views)');
    this.countEarned = db.prepare<[Key], number>('SELECT count(*) FROM paths WHERE site = @site').pluck();
    this.candidate = db.prepare('SELECT earner, views FROM candidate_paths WHERE site = @site AND path = @path');
    this.countCandidates = db.prepare<[Key], number>('SELECT count(*) FROM candidate_paths WHERE site = @site').pluck();
    this.insertCandidate = db.prepare('INSERT INTO candidate_paths (site, path, earner, views, seen) VALUES (@site, @path, @earner, @views, @seen)');
    this.setCandidate = db.prepare('UPDATE candidate_paths SET views = @views, seen = @seen WHERE site = @site AND path = @path');
    this.removeCandidate = db.prepare('DELETE FROM candidate_paths WHERE site = @site AND path = @path');
    this.evictCandidate = db.prepare(
      'DELETE FROM candidate_paths WHERE site = @site AND path = (SELECT path FROM candidate_paths WHERE site = @site ORDER BY seen, path LIMIT 1)',
    );
  }

  /** The tables of `site` for one batch. */
  forSite(site: string): PathSlotTables {
    let earned: number | undefined;
    let candidates: number | undefined;
    return {
      addToEarned: (path, views) => this.addEarned.run({ site, path, views }).changes > 0,
      earnedCount: () => (earned ??= this.countEarned.get({ site }) ?? 0),
      earn: (path, views) => {
        earned = (earned ?? this.countEarned.get({ site }) ?? 0) + 1;
        this.insertEarned.run({ site, path, views });
      },
      candidate: (path) => this.candidate.get({ site, path }),
      candidateCount: () => (candidates ??= this.countCandidates.get({ site }) ?? 0),
      addCandidate: (path, earner, views, seen) => {
        candidates = (candidates ?? this.countCandidates.get({ site }) ?? 0) + 1;
        this.insertCandidate.run({ site, path, earner, views, seen });
      },
      updateCandidate: (path, views, seen) => void this.setCandidate.run({ site, path, views, seen }),
      removeCandidate: (path) => {
        if (this.removeCandidate.run({ site, path }).changes > 0 && candidates !== undefined) candidates -= 1;
      },
      evictOldestCandidate: () => {
        if (this.evictCandidate.run({ site }).changes > 0 && candidates !== undefined) candidates -= 1;
      },
    };
  }
}
