/**
 * The live part (`footfall-live.<hash>.js`), loaded by the tracker only on pages that show
 * figures: mounts the widgets and slots, opens one live connection, and keeps them current.
 */
import type { CountsPayload } from '../../src/counting/counts-payload.js';
import { connect } from './connection.js';
import { guard } from './guard.js';
import { pagePath } from './page-path.js';
import type { Shared } from './shared.js';
import { mountSlot } from './slots.js';
import type { View } from './view.js';
import { mountWidget } from './widget.js';

const SHOWS_FIGURES = '[data-footfall-widget],[data-footfall]';

guard((state: Shared | undefined) => {
  // `n` is set once the live part runs: a second copy stays quiet.
  if (!state || state.x || state.n) return;
  const mounted = new WeakSet<Element>();
  let views: View[] = [];
  let last: CountsPayload | undefined;

  /** Mounts what is new in the page (a single-page app renders as it navigates). */
  const scan = (): void => {
    views = views.filter((view) => view.el.isConnected);
    document.querySelectorAll<HTMLElement>(SHOWS_FIGURES).forEach(
      guard((el: HTMLElement) => {
        if (mounted.has(el)) return;
        mounted.add(el);
        const view = el.hasAttribute('data-footfall-widget') ? mountWidget(el) : mountSlot(el);
        if (!view) return;
        views.push(view);
        if (!last) return;
        view.show(last);
        if (view.link) view.link(!!state.l);
      }),
    );
  };
  /** Per-page figures only when the page shows them: site-wide watchers share one room. */
  const watchedPath = (): string | undefined => (document.querySelector('[data-footfall="page.views"]') ? pagePath() : undefined);
  const showAll = (counts: CountsPayload | undefined): void => views.forEach(guard((view: View) => view.show(counts)));

  scan();
  const live = connect(state, watchedPath(), {
    counts(counts) {
      showAll((last = counts));
    },
    link(up) {
      state.l = up;
      views.forEach(guard((view: View) => view.link && view.link(up)));
    },
    refused() {
      state.x = 1;
      state.l = false;
      showAll((last = undefined));
    },
  });
  const refresh = guard(() => {
    scan();
    if (state.x) return;
    live.follow(watchedPath());
    // Slots of the previous path's page.views go back to the placeholder until fresh figures.
    showAll(last);
  });
  state.n = refresh;
  // Widgets and slots may appear later (an app rendering a view): look again, at most 10× a second.
  let pending: ReturnType<typeof setTimeout> | 0 = 0;
  new MutationObserver(() => {
    pending ||= setTimeout(() => {
      pending = 0;
      refresh();
    }, 100);
  }).observe(document.documentElement, { childList: true, subtree: true });
})(window.__footfall);
