import { field, requiredField, type KeywordFileFormat, type KeywordRow } from '../format';
import { parseInteger, parseText } from '../values';
import { extraMetadata, snapshotRow } from './keyword-research';

// ZonGuru Keywords on Fire export: one keyword per row with ZonGuru's scores, no date (snapshot date from the
// file name or the upload day). Money columns (`KW $`, `PPC Bid`) are in the file's `Currency`, kept beside them.

export const zonguruKeywordsOnFire: KeywordFileFormat = {
  id: 'zonguru_keywords_on_fire',
  label: 'ZonGuru Keywords on Fire export (CSV)',
  source: 'csv_zonguru',
  target: 'keyword_metrics',
  columns: {
    keyword: { aliases: ['keyword'], required: true },
    zgScore: { aliases: ['zg score'], required: true },
    searchVolume: { aliases: ['search volume', 'search vol'], required: true },
  },
  mapRow(cells, context) {
    const metadata: KeywordRow['metadata'] = {};
    const searchVolume = field(cells, 'searchVolume', parseInteger);
    if (searchVolume !== null) metadata.search_volume = searchVolume;
    const score = field(cells, 'zgScore', parseInteger);
    if (score !== null) metadata.zg_score = score;
    Object.assign(metadata, extraMetadata(cells.extra, { kw: 'keyword_sales', top_25_comp: 'top_25_competition' }));
    return snapshotRow(requiredField(cells, 'keyword', (raw) => parseText(raw, 500)), context.snapshotDate, metadata);
  },
};
