/** A flat SVG badge of one figure, in the style README badges use. Text is always escaped. */
import type { Metric } from '../counting/counts-payload.js';

const LABELS: Record<Metric, string> = {
  online: 'online',
  'today.views': 'views today',
  'today.visitors': 'visitors today',
  'yesterday.views': 'views yesterday',
  'yesterday.visitors': 'visitors yesterday',
  'week.views': 'views this week',
  'week.visitors': 'visitors this week',
  'month.views': 'views this month',
  'month.visitors': 'visitors this month',
  'year.views': 'views this year',
  'year.visitors': 'visitors this year',
  'total.views': 'views',
  'total.visitors': 'visitors',
};

export function defaultBadgeLabel(metric: Metric): string {
  return LABELS[metric];
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Verdana 11px averages about 6.5 px per character; wide enough for digits and Latin text. */
function textWidth(text: string): number {
  return Math.round([...text].length * 6.5 + 10);
}

/** The label as SVG can hold it: control characters, which XML forbids or which break the text, removed. */
function cleanLabel(label: string): string {
  // eslint-disable-next-line no-control-regex
  return label.replace(/[\u0000-\u001f\u007f-\u009f\ufffe\uffff]/g, '');
}

export function renderBadge(rawLabel: string, value: number): string {
  const label = cleanLabel(rawLabel);
  const valueText = new Intl.NumberFormat('en-US').format(value);
  const left = textWidth(label);
  const right = textWidth(valueText);
  const width = left + right;
  const l = escapeXml(label);
  const v = escapeXml(valueText);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${l}: ${v}"><title>${l}: ${v}</title><rect width="${left}" height="20" fill="#555"/><rect x="${left}" width="${right}" height="20" fill="#2e7d32"/><g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11"><text x="${left / 2}" y="14">${l}</text><text x="${left + right / 2}" y="14">${v}</text></g></svg>`;
}
