/**
 * The footer widget: a title, then the rows the site asks for (`data-rows`; by default Online
 * now · Today · This week · All-time), in a shadow root so the page's CSS cannot break it. Its
 * rows exist before any data (placeholders) and its height follows their number, so the page
 * does not move when the figures arrive.
 */
import css from './widget.css';
import { announcer } from './announcer.js';
import { LABELS, PLACEHOLDER, numberFormat } from './labels.js';
import { languageOf } from './language.js';
import { pickRows, rowValue, type Row } from './rows.js';
import { showFigure } from './show-figure.js';
import type { View } from './view.js';

/**
 * Static markup only: row names come from ROWS, every label and figure is set later with
 * textContent. `--rows` sizes the box (widget.css); `!important` on :host beats the page.
 */
function skeleton(rows: readonly Row[], linked: boolean): string {
  const cells = rows.map((row) => `<div class="r ${row}"><dt></dt><dd>${PLACEHOLDER}</dd></div>`).join('');
  const title = linked ? 'a' : 'div';
  return `<style>${css}:host{--rows:${rows.length}!important}</style><div class=box part=box><${title} class=t></${title}><dl>${cells}</dl><div class=sr aria-live=polite></div></div>`;
}

/**
 * One `.dark` rule serves both themes: "dark" sets it once, "auto" keeps it in step with the
 * visitor's system setting, also when that changes while the page is open.
 */
function followTheme(box: HTMLElement, theme: string | null): void {
  if (theme == 'dark') box.classList.add('dark');
  if (theme != 'auto') return;
  const system = matchMedia('(prefers-color-scheme: dark)');
  const follow = () => box.classList.toggle('dark', system.matches);
  follow();
  system.addEventListener('change', follow);
}

/**
 * Renders the widget into `host` (`[data-footfall-widget]`). Reads `data-lang`, `data-rows`
 * (see `pickRows`), `data-metric` ("views", the default, or "visitors") and `data-theme`
 * ("light", "dark", "auto"). With `link` (see `titleLink`) the title is a link there, opened
 * in the same tab.
 */
export function mountWidget(host: HTMLElement, link?: string): View {
  const lang = languageOf(host);
  const { title, rows: label } = LABELS[lang];
  const format = numberFormat(lang);
  const kind = host.getAttribute('data-metric') == 'visitors' ? 'visitors' : 'views';
  const rows = pickRows(host.getAttribute('data-rows'));
  const root = host.shadowRoot || host.attachShadow({ mode: 'open' });
  root.innerHTML = skeleton(rows, !!link);
  const box = root.lastElementChild as HTMLElement;
  box.lang = lang;
  followTheme(box, host.getAttribute('data-theme'));
  const heading = box.querySelector('.t') as HTMLElement;
  heading.textContent = title;
  if (link) {
    heading.setAttribute('href', link);
    heading.setAttribute('rel', 'noopener');
  }
  box.querySelectorAll('dt').forEach((dt, i) => (dt.textContent = label[rows[i]!]));
  const cells = box.querySelectorAll<HTMLElement>('dd');
  const say = announcer(box.querySelector('.sr') as HTMLElement);

  return {
    el: host,
    show(figures) {
      const counts = figures && figures.counts;
      cells.forEach((cell, i) => showFigure(cell, counts && rowValue(counts, rows[i]!, kind), format));
      if (counts) say(title + ': ' + rows.map((row, i) => label[row] + ' ' + cells[i]!.textContent).join(', '));
    },
    link(up) {
      box.classList.toggle('off', !up);
    },
  };
}
