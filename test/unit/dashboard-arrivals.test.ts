/**
 * "Coming in now" (public/common/arrivals.js): today's referrer counts read every few seconds,
 * and what grew over the last minute.
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../../src/paths.js';

type Row = { name: string; views: number };
interface ArrivalWindow {
  add(at: number, date: string, rows: Row[]): void;
  readonly ready: boolean;
  arrivals(): Row[];
}
type Arrivals = { ArrivalWindow: new (windowMs?: number) => ArrivalWindow };

const S = 1000;

describe('coming in now', () => {
  let Window: Arrivals['ArrivalWindow'];
  before(async () => {
    ({ ArrivalWindow: Window } = (await import(pathToFileURL(path.join(PACKAGE_ROOT, 'public', 'common', 'arrivals.js')).href)) as Arrivals);
  });

  it('shows what grew since the first reading, most first, and nothing before a second reading', () => {
    const window = new Window();
    window.add(0, '2026-11-27', [{ name: 'Google', views: 40 }, { name: '(direct)', views: 10 }]);
    assert.equal(window.ready, false);
    assert.deepEqual(window.arrivals(), []);
    window.add(10 * S, '2026-11-27', [{ name: 'Google', views: 41 }, { name: '(direct)', views: 10 }, { name: 'Zalo', views: 3 }]);
    assert.equal(window.ready, true);
    assert.deepEqual(window.arrivals(), [{ name: 'Zalo', views: 3 }, { name: 'Google', views: 1 }]);
  });

  it('forgets what came in more than a minute ago', () => {
    const window = new Window(60 * S);
    window.add(0, '2026-11-27', [{ name: 'Google', views: 1 }]);
    window.add(10 * S, '2026-11-27', [{ name: 'Google', views: 2 }]);
    for (let at = 20 * S; at <= 60 * S; at += 10 * S) window.add(at, '2026-11-27', [{ name: 'Google', views: 2 }]);
    assert.deepEqual(window.arrivals(), [{ name: 'Google', views: 1 }], 'at 60 s the reading of 0 s is the baseline');
    window.add(70 * S, '2026-11-27', [{ name: 'Google', views: 2 }, { name: 'Facebook', views: 1 }]);
    assert.deepEqual(window.arrivals(), [{ name: 'Facebook', views: 1 }], 'the view of 0–10 s is older than the minute');
    window.add(140 * S, '2026-11-27', [{ name: 'Google', views: 2 }, { name: 'Facebook', views: 1 }]);
    assert.deepEqual(window.arrivals(), []);
  });

  it('starts again from zero on a new local day', () => {
    const window = new Window();
    window.add(0, '2026-11-27', [{ name: 'Google', views: 900 }]);
    window.add(10 * S, '2026-11-28', [{ name: 'Google', views: 2 }]);
    assert.deepEqual(window.arrivals(), [{ name: 'Google', views: 2 }]);
  });
});
