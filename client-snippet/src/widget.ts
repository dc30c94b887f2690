/**
 * The footer widget: title, then Online now · Today · This week · All-time, in a shadow root
 * so the page's CSS cannot break it. Its rows exist before any data (placeholders), so the
 * page does not move when the figures arrive.
 */
import css from './widget.css';
import { announcer } from './announcer.js';
import { LABELS, PLACEHOLDER, numberFormat } from './labels.js';
import { languageOf } from './language.js';
import { showFigure } from './show-figure.js';
import type { View } from './view.js';

const ROW = `<div class=r><dt></dt><dd>${PLACEHOLDER}</dd></div>`;
// Static markup only: every label and figure is set later with textContent.
const SKELETON = `<style>${css}</style><div class=box part=box><div class=t></div><dl><div class="r on"><dt></dt><dd>${PLACEHOLDER}</dd></div>${ROW}${ROW}${ROW}</dl><div class=sr aria-live=polite></div></div>`;

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
 * Renders the widget into `host` (`[data-footfall-widget]`). Reads `data-lang`,
 * `data-metric` ("views", the default, or "visitors") and `data-theme` ("light", "dark",
 * "auto").
 */
export function mountWidget(host: HTMLElement): View {
  const lang = languageOf(host);
  const labels = LABELS[lang];
  const format = numberFormat(lang);
  const kind = host.getAttribute('data-metric') == 'visitors' ? 'visitors' : 'views';
  const root = host.shadowRoot || host.attachShadow({ mode: 'open' });
  root.innerHTML = SKELETON;
  const box = root.lastElementChild as HTMLElement;
  box.lang = lang;
  followTheme(box, host.getAttribute('data-theme'));
  box.querySelectorAll('.t,dt').forEach((el, i) => (el.textContent = labels[i]!));
  const cells = box.querySelectorAll<HTMLElement>('dd');
  const say = announcer(box.querySelector('.sr') as HTMLElement);

  return {
    el: host,
    show(figures) {
      const counts = figures && figures.counts;
      const values = counts && [counts.online, counts.today[kind], counts.week[kind], counts.total[kind]];
      cells.forEach((cell, i) => showFigure(cell, values && values[i], format));
      if (counts) say(labels[0] + ': ' + labels.slice(1).map((label, i) => label + ' ' + cells[i]!.textContent).join(', '));
    },
    link(up) {
      box.classList.toggle('off', !up);
    },
  };
}
