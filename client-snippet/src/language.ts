/** The language of a widget or slot in the page. */
import { pickLang, type Lang } from './labels.js';

/** `data-lang` on the element, else the nearest `lang` attribute (usually `<html lang>`). */
export function languageOf(el: Element): Lang {
  const scoped = el.closest('[lang]') as HTMLElement | null;
  return pickLang(el.getAttribute('data-lang') || (scoped && scoped.lang));
}
