import type { KeywordRow, RowCells } from '../format';
import { cleanCell } from '../values';

// Keyword-research exports (Helium 10, ZonGuru) are market snapshots: a keyword with search volume, ranks and
// scores, no ads metrics and usually no date. They become keyword rows on a snapshot date with zero ads
// metrics and everything else in metadata.

/** A snapshot row: the keyword (lower-cased, as Amazon search terms are) and its market columns as metadata. */
export function snapshotRow(keyword: string, date: string, metadata: KeywordRow['metadata']): KeywordRow {
  return {
    date,
    portfolioName: null,
    campaignName: null,
    adGroupName: null,
    keyword: keyword.toLowerCase(),
    matchType: null,
    searchTerm: null,
    impressions: 0,
    clicks: 0,
    spend: '0',
    orders: 0,
    sales: '0',
    metadata,
  };
}

/** Columns without a field of their own, under normalized names; `renamed` maps a normalized header to a key. */
export function extraMetadata(extra: RowCells['extra'], renamed: Record<string, string> = {}): KeywordRow['metadata'] {
  const metadata: KeywordRow['metadata'] = {};
  for (const [key, raw] of extra) {
    const value = cleanCell(raw);
    if (value === null) continue;
    metadata[renamed[key] ?? key] = value;
  }
  return metadata;
}
