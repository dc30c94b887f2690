/**
 * Busuanzi's markup, filled by footfall: a theme written for Busuanzi shows
 * `<span id="busuanzi_container_site_pv" style="display:none">… <span id="busuanzi_value_site_pv"></span></span>`
 * and expects the script to fill the value and show its container. The values become ordinary
 * slots, so they are live like any other.
 */

/** Busuanzi's names → footfall's figures: all-time views and visitors, and this page's views. */
const FIGURES = [
  ['site_pv', 'total.views'],
  ['site_uv', 'total.visitors'],
  ['page_pv', 'page.views'],
] as const;

/** Marks Busuanzi's value elements as slots (once; a page's own `data-footfall` wins). */
export function adoptBusuanzi(): void {
  for (const [name, metric] of FIGURES) {
    const el = document.getElementById('busuanzi_value_' + name);
    if (el && !el.hasAttribute('data-footfall')) el.setAttribute('data-footfall', metric);
  }
}

/** Shows the containers, as Busuanzi does once its figures came. */
export function showBusuanziContainers(): void {
  for (const [name] of FIGURES) {
    const el = document.getElementById('busuanzi_container_' + name);
    if (el) el.style.display = 'inline';
  }
}
