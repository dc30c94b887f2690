/**
 * The shape of the counts payload footfall answers and pushes (docs/api.md, "What the figures
 * mean"), with figures of a busy site: within a few dozen bytes of footfall's, so that a bare
 * baseline measures the work, not the length.
 */
export function bareCounts(todayViews = 11554): string {
  return JSON.stringify({
    site: 'bench',
    at: '2026-12-03T15:20:00.000Z',
    timezone: 'Asia/Ho_Chi_Minh',
    online: 14,
    today: { date: '2026-12-03', views: todayViews, visitors: 3120 },
    yesterday: { date: '2026-12-02', views: 10987, visitors: 2984 },
    week: { label: '2026-W49', start: '2026-11-30', views: 33061, visitors: 9011 },
    month: { label: '2026-12', views: 33061, visitors: 9011 },
    year: { label: '2026', views: 3904122, visitors: 1003451 },
    total: { views: 4288561, visitors: 1200345 },
  });
}
