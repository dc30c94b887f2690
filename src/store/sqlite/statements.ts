/**
 * The store's own statements (sites, salts, imported history, audit, pruning), prepared once
 * per connection. Batches, reads and dumps keep theirs beside their logic.
 */
import type { Database, Statement } from 'better-sqlite3';

type Params = Record<string, string | number | null>;

/** Every statement of the store, by what it does. */
export function prepareStatements(db: Database) {
  const prepare = <Row = unknown>(source: string): Statement<[Params?], Row> => db.prepare<[Params?], Row>(source);
  return {
    listSites: prepare<string>('SELECT settings FROM sites').pluck(),
    getSite: prepare<string>('SELECT settings FROM sites WHERE id = @id').pluck(),
    putSite: prepare('INSERT INTO sites (id, settings) VALUES (@id, @settings) ON CONFLICT (id) DO UPDATE SET settings = excluded.settings'),
    deleteSite: prepare('DELETE FROM sites WHERE id = @id'),

    // An unexpired salt stays; an expired one is replaced, as if it had been deleted on time.
    offerSalt: prepare(`
      INSERT INTO salts (site, period, salt, expires_at) VALUES (@site, @period, @salt, @expiresAt)
      ON CONFLICT (site, period) DO UPDATE SET salt = excluded.salt, expires_at = excluded.expires_at
      WHERE salts.expires_at <= @now`),
    getSalt: prepare<string>('SELECT salt FROM salts WHERE site = @site AND period = @period').pluck(),

    dayImport: prepare<{ views: number; visitors: number }>(
      'SELECT imported_views AS views, imported_visitors AS visitors FROM days WHERE site = @site AND date = @date',
    ),
    setDayImport: prepare(`
      INSERT INTO days (site, date, hours, imported_views, imported_visitors, keep_until)
      VALUES (@site, @date, @hours, @views, @visitors, @keepUntil)
      ON CONFLICT (site, date) DO UPDATE SET
        imported_views = excluded.imported_views,
        imported_visitors = excluded.imported_visitors,
        keep_until = max(keep_until, excluded.keep_until)`),
    addTotalImport: prepare(`
      INSERT INTO totals (site, imported_views, imported_visitors) VALUES (@site, @views, @visitors)
      ON CONFLICT (site) DO UPDATE SET
        imported_views = imported_views + excluded.imported_views,
        imported_visitors = imported_visitors + excluded.imported_visitors`),
    addPeriodImport: prepare(`
      INSERT INTO period_imports (site, kind, label, views, visitors, keep_until) VALUES (@site, @kind, @label, @views, @visitors, @keepUntil)
      ON CONFLICT (site, kind, label) DO UPDATE SET
        views = views + excluded.views,
        visitors = visitors + excluded.visitors,
        keep_until = max(keep_until, excluded.keep_until)`),

    setPageBaseline: prepare(`
      INSERT INTO page_baselines (site, path, views) VALUES (@site, @path, @views)
      ON CONFLICT (site, path) DO UPDATE SET views = excluded.views`),
    removePageBaseline: prepare('DELETE FROM page_baselines WHERE site = @site AND path = @path'),
    pageBaselines: prepare<number>(
      'SELECT coalesce(b.views, 0) FROM json_each(@paths) AS j LEFT JOIN page_baselines b ON b.site = @site AND b.path = j.value ORDER BY j.key',
    ).pluck(),

    putKey: prepare('INSERT INTO api_keys (id, record, created_at) VALUES (@id, @record, @createdAt) ON CONFLICT (id) DO UPDATE SET record = excluded.record'),
    getKey: prepare<string>('SELECT record FROM api_keys WHERE id = @id').pluck(),
    listKeys: prepare<string>('SELECT record FROM api_keys ORDER BY created_at, id').pluck(),
    deleteKey: prepare('DELETE FROM api_keys WHERE id = @id'),

    appendAudit: prepare(`
      INSERT INTO audit (at, actor, action, site, before_json, after_json)
      VALUES (@at, @actor, @action, @site, @before, @after)`),
    // Keeps the newest @keep entries, even if the sequence has gaps.
    trimAudit: prepare('DELETE FROM audit WHERE seq <= (SELECT seq FROM audit ORDER BY seq DESC LIMIT 1 OFFSET @keep)'),
    readAudit: prepare<{ at: string; actor: string; action: string; site: string; before_json: string | null; after_json: string | null }>(
      'SELECT at, actor, action, site, before_json, after_json FROM audit ORDER BY seq DESC LIMIT @limit',
    ),

    prune: [
      prepare('DELETE FROM writers WHERE until <= @now'),
      // Before the days themselves: their rows say which paths and sources have expired.
      prepare('DELETE FROM day_paths WHERE (site, date) IN (SELECT site, date FROM days WHERE keep_until <= @now)'),
      prepare('DELETE FROM day_sources WHERE (site, date) IN (SELECT site, date FROM days WHERE keep_until <= @now)'),
      prepare('DELETE FROM days WHERE keep_until <= @now'),
      prepare('UPDATE days SET sketch = NULL WHERE sketch IS NOT NULL AND sketch_until <= @now'),
      // A period's counted row and its imported sums go together, once both are past.
      prepare(`DELETE FROM weeks WHERE keep_until <= @now AND NOT EXISTS (
        SELECT 1 FROM period_imports i WHERE i.site = weeks.site AND i.kind = 'week' AND i.label = weeks.label AND i.keep_until > @now)`),
      prepare(`DELETE FROM periods WHERE keep_until <= @now AND NOT EXISTS (
        SELECT 1 FROM period_imports i WHERE i.site = periods.site AND i.kind = periods.kind AND i.label = periods.label AND i.keep_until > @now)`),
      prepare(`DELETE FROM period_imports WHERE keep_until <= @now
        AND NOT EXISTS (SELECT 1 FROM periods p WHERE p.site = period_imports.site AND p.kind = period_imports.kind AND p.label = period_imports.label)
        AND NOT EXISTS (SELECT 1 FROM weeks w WHERE period_imports.kind = 'week' AND w.site = period_imports.site AND w.label = period_imports.label)`),
      prepare('UPDATE periods SET sketch = NULL WHERE sketch IS NOT NULL AND sketch_until <= @now'),
      prepare('DELETE FROM candidate_paths WHERE seen <= @now - @candidateMs'),
      prepare('DELETE FROM salts WHERE expires_at <= @now'),
    ],
    // The rate limiter reads the current minute and the one before it.
    pruneRate: prepare('DELETE FROM rate WHERE minute < @minute'),

    ping: prepare('SELECT 1').pluck(),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
