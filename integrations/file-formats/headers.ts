/**
 * Header text as formats are matched on: Unicode-normalized (full-width brackets, NBSP), dashes unified, a BOM
 * and surrounding whitespace (trailing spaces, tabs) removed, inner whitespace collapsed, lower-cased.
 * `"\ufeff7 Day Total Sales "` → `7 day total sales`.
 */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFKC')
    .replace(/^\ufeff/, '')
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** A metadata key for a column without a field of its own: `ABA Total Click Share` → `aba_total_click_share`. */
export function metadataKey(header: string): string {
  return normalizeHeader(header)
    .replace(/%/g, ' pct ')
    .replace(/#/g, ' count ')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}
