/**
 * Where the widget's title links to, from `data-link` on the snippet's tag: present but empty,
 * the site's owner dashboard on the footfall server (`<server>/s/<site>`); a URL, that URL
 * (relative to the page) when it is http or https. Anything else (`javascript:`, `data:`, a
 * malformed URL) gives no link. No DOM here, so unit tests can run it under Node.
 */

/**
 * @param attribute `data-link` as written, or null without one
 * @param server footfall's base URL, ending in `/` (`Shared.o`)
 * @param site the site id
 * @param page the page's own URL, against which a relative link is read
 */
export function titleLink(attribute: string | null, server: string, site: string, page: string): string | undefined {
  if (attribute == null) return;
  if (!attribute.trim()) return server + 's/' + encodeURIComponent(site);
  try {
    const url = new URL(attribute, page);
    return /^https?:$/.test(url.protocol) ? url.href : undefined;
  } catch {
    return;
  }
}
