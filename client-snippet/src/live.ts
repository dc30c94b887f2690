/**
 * The live part (`footfall-live.<hash>.js`), loaded by the tracker only on pages that show
 * figures: mounts the widgets and slots, opens one live connection for all of them (the site's
 * figures and every path the page's `page.views` slots show), and keeps them current.
 */
import { adoptBusuanzi, showBusuanziContainers } from './busuanzi.js';
import { connect } from './connection.js';
import { figuresOf, type Figures } from './figures.js';
import { guard } from './guard.js';
import { titleLink } from './link.js';
import type { Shared } from './shared.js';
import { mountSlot } from './slots.js';
import type { View } from './view.js';
import { watchList } from './watch-list.js';
import { mountWidget } from './widget.js';

const SHOWS_FIGURES = '[data-footfall-widget],[data-footfall]';

guard((state: Shared | undefined) => {
  // `n` is set once the live part runs: a second copy stays quiet.
  if (!state || state.x || state.n) return;
  const mounted = new WeakSet<Element>();
  const here = (): string => state.p;
  let views: View[] = [];
  let last: Figures | undefined;
  // `data-link` on the snippet's own tag: whatever it is called, it is loaded from the server's address.
  let tag: Element | undefined;
  document.querySelectorAll('script[data-link]').forEach((script) => {
    if ((script as HTMLScriptElement).src.indexOf(state.o) == 0) tag = tag || script;
  });
  const link = tag && titleLink(tag.getAttribute('data-link'), state.o, state.s, location.href);

  /** Mounts what is new in the page (a single-page app renders as it navigates). */
  const scan = (): void => {
    views = views.filter((view) => view.el.isConnected);
    if (state.c) adoptBusuanzi();
    document.querySelectorAll<HTMLElement>(SHOWS_FIGURES).forEach(
      guard((el: HTMLElement) => {
        if (mounted.has(el)) return;
        mounted.add(el);
        const view = el.hasAttribute('data-footfall-widget') ? mountWidget(el, link) : mountSlot(el, here);
        if (!view) return;
        views.push(view);
        if (!last) return;
        view.show(last);
        if (view.link) view.link(!!state.l);
      }),
    );
  };
  /** Every path the page's slots show, as one subscription. */
  const watched = (): string[] => watchList(state.s, views.map((view) => view.path && view.path()));
  const showAll = (figures: Figures | undefined): void => views.forEach(guard((view: View) => view.show(figures)));

  scan();
  const live = connect(state, watched(), {
    counts(counts, asked) {
      showAll((last = figuresOf(counts, asked)));
      if (state.c) showBusuanziContainers();
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
    live.follow(watched());
    // The last push answers the paths asked before: a slot whose path it does not answer
    // (the page moved on, an element got another data-path) waits for fresh figures.
    showAll(last);
  });
  state.n = refresh;
  // Widgets and slots may appear later (an app rendering a view), or show another article:
  // look again, at most 10× a second.
  let pending: ReturnType<typeof setTimeout> | 0 = 0;
  new MutationObserver(() => {
    pending ||= setTimeout(() => {
      pending = 0;
      refresh();
    }, 100);
  }).observe(document.documentElement, { childList: true, subtree: true, attributeFilter: ['data-path'] });
})(window.__footfall);
