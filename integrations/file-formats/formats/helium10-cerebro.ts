import { field, requiredField, type KeywordFileFormat, type KeywordRow } from '../format';
import { metadataKey } from '../headers';
import { cleanCell, parseInteger, parseText } from '../values';

// Helium 10 Cerebro (reverse ASIN) export: a market snapshot per keyword, no date, no ads metrics. Each row
// becomes a keyword row on the snapshot date (from the file name, else the upload day) with the market
// columns in metadata: search volume, organic rank (per queried ASIN: columns named by the ASIN), sponsored rank.

const RANK_COLUMNS: Record<string, string> = {
  'position (rank)': 'organic_rank',
  'sponsored rank (avg)': 'sponsored_rank',
};

export const helium10Cerebro: KeywordFileFormat = {
  id: 'helium10_cerebro',
  label: 'Helium 10 Cerebro keyword export (CSV)',
  source: 'csv_helium10',
  columns: {
    keyword: { aliases: ['keyword phrase'], required: true },
    searchVolume: { aliases: ['search volume'], required: true },
    iqScore: { aliases: ['cerebro iq score'], required: true },
  },
  mapRow(cells, context) {
    const metadata: KeywordRow['metadata'] = {};
    const searchVolume = field(cells, 'searchVolume', parseInteger);
    if (searchVolume !== null) metadata.search_volume = searchVolume;
    const iq = field(cells, 'iqScore', parseInteger);
    if (iq !== null) metadata.cerebro_iq_score = iq;
    for (const [header, raw] of cells.extra) {
      const value = cleanCell(raw);
      if (value === null) continue;
      const normalized = header.trim().toLowerCase();
      if (/^[a-z0-9]{10}$/i.test(header.trim()) && /\d/.test(header)) metadata[`organic_rank_${header.trim().toUpperCase()}`] = value;
      else metadata[RANK_COLUMNS[normalized] ?? metadataKey(header)] = value;
    }
    return {
      date: context.snapshotDate,
      portfolioName: null,
      campaignName: null,
      adGroupName: null,
      keyword: requiredField(cells, 'keyword', (raw) => parseText(raw, 500)).toLowerCase(),
      matchType: null,
      searchTerm: null,
      impressions: 0,
      clicks: 0,
      spend: '0',
      orders: 0,
      sales: '0',
      metadata,
    };
  },
};
