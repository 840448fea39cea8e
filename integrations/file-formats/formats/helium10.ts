import { field, requiredField, type KeywordFileFormat, type KeywordRow } from '../format';
import { cleanCell, parseAsin, parseInteger, parseText } from '../values';
import { extraMetadata, snapshotRow } from './keyword-research';

// Helium 10 keyword exports: Cerebro (reverse ASIN), Magnet (research from a seed) and Keyword Tracker. Each row
// is a keyword on the snapshot date (the date in the file name, else the upload day). Search volume, ranks and
// scores go to metadata under normalized names: search_volume, organic_rank[_<ASIN>], sponsored_rank[_<ASIN>].

const ASIN_HEADER = /^(?=.*\d)[A-Z0-9]{10}$/i;

const keywordOf = (cells: Parameters<KeywordFileFormat['mapRow']>[0]) => requiredField(cells, 'keyword', (raw) => parseText(raw, 500));

function numeric(metadata: KeywordRow['metadata'], key: string, value: number | null): void {
  if (value !== null) metadata[key] = value;
}

export const helium10Cerebro: KeywordFileFormat = {
  id: 'helium10_cerebro',
  label: 'Helium 10 Cerebro keyword export (CSV)',
  source: 'csv_helium10',
  target: 'keyword_metrics',
  columns: {
    keyword: { aliases: ['keyword phrase'], required: true },
    searchVolume: { aliases: ['search volume'], required: true },
    iqScore: { aliases: ['cerebro iq score'], required: true },
  },
  mapRow(cells, context) {
    const metadata: KeywordRow['metadata'] = {};
    numeric(metadata, 'search_volume', field(cells, 'searchVolume', parseInteger));
    numeric(metadata, 'cerebro_iq_score', field(cells, 'iqScore', parseInteger));
    // One column per queried ASIN, named by the ASIN: that ASIN's organic rank.
    const perAsin = cells.extra.filter(([, , header]) => ASIN_HEADER.test(header));
    for (const [, raw, header] of perAsin) {
      const value = cleanCell(raw);
      if (value !== null) metadata[`organic_rank_${header.toUpperCase()}`] = value;
    }
    Object.assign(
      metadata,
      extraMetadata(cells.extra.filter((e) => !perAsin.includes(e)), { position_rank: 'organic_rank', sponsored_rank_avg: 'sponsored_rank' }),
    );
    return snapshotRow(keywordOf(cells), context.snapshotDate, metadata);
  },
};

export const helium10Magnet: KeywordFileFormat = {
  id: 'helium10_magnet',
  label: 'Helium 10 Magnet keyword export (CSV)',
  source: 'csv_helium10',
  target: 'keyword_metrics',
  columns: {
    keyword: { aliases: ['keyword phrase'], required: true },
    searchVolume: { aliases: ['search volume'], required: true },
    iqScore: { aliases: ['magnet iq score'], required: true },
  },
  mapRow(cells, context) {
    const metadata: KeywordRow['metadata'] = {};
    numeric(metadata, 'search_volume', field(cells, 'searchVolume', parseInteger));
    numeric(metadata, 'magnet_iq_score', field(cells, 'iqScore', parseInteger));
    Object.assign(metadata, extraMetadata(cells.extra));
    return snapshotRow(keywordOf(cells), context.snapshotDate, metadata);
  },
};

/**
 * Keyword Tracker: one row per tracked ASIN and keyword. Rows of several ASINs for one keyword merge into one
 * keyword row whose ranks are keyed by ASIN (organic_rank_B0…, sponsored_rank_B0…), as Cerebro's are.
 */
export const helium10KeywordTracker: KeywordFileFormat = {
  id: 'helium10_keyword_tracker',
  label: 'Helium 10 Keyword Tracker export (CSV)',
  source: 'csv_helium10',
  target: 'keyword_metrics',
  columns: {
    keyword: { aliases: ['keyword'], required: true },
    asin: { aliases: ['asin'], required: true },
    organicRank: { aliases: ['organic rank'], required: true },
    sponsoredRank: { aliases: ['sponsored position', 'sponsored rank'] },
    searchVolume: { aliases: ['search volume'] },
    keywordSales: { aliases: ['keyword sales'] },
    marketplace: { aliases: ['marketplace'] },
    title: { aliases: ['title'] },
    dateAdded: { aliases: ['date added'] },
  },
  mapRow(cells, context) {
    const asin = requiredField(cells, 'asin', parseAsin);
    const metadata: KeywordRow['metadata'] = {};
    numeric(metadata, 'search_volume', field(cells, 'searchVolume', parseInteger));
    numeric(metadata, 'keyword_sales', field(cells, 'keywordSales', parseInteger));
    // `>306` means "below rank 306": kept as written, the bound is what a number would lose.
    const organic = cleanCell(cells.get('organicRank'));
    if (organic !== null) metadata[`organic_rank_${asin}`] = organic;
    const sponsored = cleanCell(cells.get('sponsoredRank'));
    if (sponsored !== null) metadata[`sponsored_rank_${asin}`] = sponsored;
    const marketplace = cleanCell(cells.get('marketplace'));
    if (marketplace !== null) metadata.marketplace = marketplace;
    Object.assign(metadata, extraMetadata(cells.extra));
    return snapshotRow(keywordOf(cells), context.snapshotDate, metadata);
  },
};
