/**
 * The dimensions footfall keeps of where visitors come from, each aggregated on its own per
 * site per local day as name → views. The placeholder values are in parentheses so that no
 * domain name, campaign, country code or browser name can be mistaken for them.
 */

export const SOURCE_DIMENSIONS = ['referrer', 'campaign', 'country', 'browser', 'os', 'device'] as const;

export type SourceDimension = (typeof SOURCE_DIMENSIONS)[number];

/** The referrer of a view that came with none: typed in, bookmarked, or the referrer withheld. */
export const DIRECT = '(direct)';

/** A country, browser or OS the classifier could not tell. */
export const UNKNOWN = '(unknown)';

/**
 * The referrer of a view reached from the site's own pages: no source, but listed, so that a
 * day's views add up in every dimension.
 */
export const INTERNAL = '(internal)';

/** The campaign of a view whose page URL has no `utm_source`. */
export const NO_CAMPAIGN = '(none)';
