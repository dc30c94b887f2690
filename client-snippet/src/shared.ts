/**
 * The one global the tracker and the live part share: the tracker fills it, the live part
 * reads it and reports back. Property names are one letter because a minifier cannot shorten
 * them and the tracker has a 1.2 KB budget.
 */

/** `window.__footfall`: set once by `footfall.js`. */
export interface Shared {
  /** The site id (`data-site`). */
  s: string;
  /** Where footfall is served from, ending in `/` (the tracker's own URL without its file name). */
  o: string;
  /**
   * The page this is, as the tracker counted it: path and query, no fragment
   * (`/index.php?option=com_content&id=123`), from `data-path`, a canonical link or the address
   * bar. `page.views` slots without a `data-path` show this page.
   */
  p: string;
  /** Set on a Busuanzi page (busuanzi.js, or `data-compat="busuanzi"`): fill its `busuanzi_value_*` elements. */
  c?: 1;
  /** Set once the site refused this page: send nothing more, open nothing. */
  x?: 1;
  /** True while a live connection is up: it keeps the visitor online, so pings pause. */
  l?: boolean;
  /** Set by the live part: called once a single-page-app navigation named its new page (`p`). */
  n?: () => void;
}

declare global {
  interface Window {
    __footfall?: Shared;
    /** The site busuanzi.js was served for, set by the server in front of the tracker. */
    __footfallBusuanzi?: string;
    /** Opt-out: `window.footfallOff = true` stops every hit, ping and live connection. */
    footfallOff?: boolean;
  }
}
