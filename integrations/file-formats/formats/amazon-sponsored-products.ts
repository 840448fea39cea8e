import { field, FieldError, requiredField, type KeywordFileFormat, type KeywordRow, type RowCells, type SalesFileFormat } from '../format';
import { cleanCell, parseAsin, parseDate, parseDateRange, parseInteger, parseMoney, parseText } from '../values';

// Amazon Ads console, Sponsored Products: search term, targeting and advertised product reports, in the three header generations
// (legacy daily `Date`, legacy summary `Start Date`/`End Date`, the 2025+ console's `Date range`), with 7- or
// 14-day attribution columns. Money and counts are stored from the file; rates are derived from them.

const attribution = (what: string) => [`7 day ${what}`, `14 day ${what}`, `30 day ${what}`, `1 day ${what}`];

const common = {
  date: { aliases: ['date'] },
  startDate: { aliases: ['start date'] },
  endDate: { aliases: ['end date'] },
  dateRange: { aliases: ['date range'] },
  portfolio: { aliases: ['portfolio name'] },
  currency: { aliases: ['currency', 'budget currency'] },
  campaign: { aliases: ['campaign name'], required: true },
  adGroup: { aliases: ['ad group name'], required: true },
  impressions: { aliases: ['impressions'], required: true },
  clicks: { aliases: ['clicks'], required: true },
  spend: { aliases: ['spend', 'total cost'], required: true },
  sales: { aliases: [...attribution('total sales'), 'sales'], required: true },
  orders: { aliases: [...attribution('total orders (#)'), 'purchases'], required: true },
  // Rates in the file are recomputed from the base metrics (one rule for every source): claimed, not stored.
  ctr: { aliases: ['click-thru rate (ctr)', 'ctr'] },
  cpc: { aliases: ['cost per click (cpc)', 'cost-per-click (cpc)'] },
  acos: { aliases: ['total advertising cost of sales (acos)'] },
  roas: { aliases: ['total return on advertising spend (roas)', 'roas'] },
  conversionRate: { aliases: ['7 day conversion rate', '14 day conversion rate', 'purchase rate'] },
};

const MATCH_TYPES: Record<string, KeywordRow['matchType']> = { exact: 'exact', phrase: 'phrase', broad: 'broad' };
const AUTO_TARGETS = new Set(['close-match', 'loose-match', 'substitutes', 'complements']);

/** `-` (auto and product targets) maps by the targeting expression: close-match… → auto, asin="…" → product. */
function matchTypeOf(cells: RowCells, targeting: string): KeywordRow['matchType'] {
  const raw = cleanCell(cells.get('matchType'));
  if (raw !== null) {
    const known = MATCH_TYPES[raw.toLowerCase()] ?? (raw.toLowerCase() === 'targeting_expression_predefined' ? 'auto' : undefined);
    if (known) return known;
    if (raw.toLowerCase() === 'targeting_expression') return 'product';
    throw new FieldError('matchType', raw, 'is not a match type (EXACT, PHRASE, BROAD or - for auto and product targets)');
  }
  return AUTO_TARGETS.has(targeting.toLowerCase()) ? 'auto' : 'product';
}

/** The row's day. A summary row spanning several days cannot become a daily metric. */
function dayOf(cells: RowCells): string {
  if (cells.has('date')) return requiredField(cells, 'date', parseDate);
  if (cells.has('dateRange')) {
    const range = requiredField(cells, 'dateRange', parseDateRange);
    if (range.start !== range.end) {
      throw new FieldError('dateRange', cells.get('dateRange'), 'spans several days; download the report with the "Daily" time unit');
    }
    return range.start;
  }
  const start = requiredField(cells, 'startDate', parseDate);
  const end = field(cells, 'endDate', parseDate) ?? start;
  if (start !== end) throw new FieldError('endDate', cells.get('endDate'), `differs from the start date ${start}: download the report with the "Daily" time unit`);
  return start;
}

function baseRow(cells: RowCells, targeting: string): KeywordRow {
  const metadata: KeywordRow['metadata'] = {};
  const currency = field(cells, 'currency', (raw) => parseText(raw, 3));
  if (currency) metadata.currency = currency;
  for (const [key, raw] of cells.extra) {
    const value = cleanCell(raw);
    if (value !== null) metadata[key] = value;
  }
  const nonNegative = (name: string) => {
    const value = field(cells, name, parseInteger) ?? 0;
    if (value < 0) throw new FieldError(name, cells.get(name), 'is negative');
    return value;
  };
  const portfolio = field(cells, 'portfolio', (raw) => parseText(raw, 255));
  return {
    date: dayOf(cells),
    portfolioName: portfolio && portfolio.toLowerCase() !== 'not grouped' ? portfolio : null,
    campaignName: requiredField(cells, 'campaign', (raw) => parseText(raw, 255)),
    adGroupName: requiredField(cells, 'adGroup', (raw) => parseText(raw, 255)),
    keyword: targeting,
    matchType: matchTypeOf(cells, targeting),
    searchTerm: null,
    impressions: nonNegative('impressions'),
    clicks: nonNegative('clicks'),
    spend: field(cells, 'spend', parseMoney) ?? '0',
    orders: nonNegative('orders'),
    sales: field(cells, 'sales', parseMoney) ?? '0',
    metadata,
  };
}

export const amazonSearchTermReport: KeywordFileFormat = {
  id: 'amazon_sp_search_term',
  label: 'Amazon Ads console: Sponsored Products search term report (CSV or XLSX, daily)',
  source: 'csv_amazon',
  target: 'keyword_metrics',
  columns: {
    ...common,
    targeting: { aliases: ['targeting', 'target', 'keyword'] },
    matchType: { aliases: ['match type'] },
    searchTerm: { aliases: ['customer search term', 'search term'], required: true },
  },
  mapRow(cells) {
    // The 2025+ console leaves targeting out unless the user adds the column: the search term alone then.
    const targeting = field(cells, 'targeting', (raw) => parseText(raw, 500)) ?? '*';
    const row = baseRow(cells, targeting);
    row.searchTerm = requiredField(cells, 'searchTerm', (raw) => parseText(raw, 500));
    if (!cells.has('targeting') && !cells.has('matchType')) row.matchType = null;
    return row;
  },
};

export const amazonTargetingReport: KeywordFileFormat = {
  id: 'amazon_sp_targeting',
  label: 'Amazon Ads console: Sponsored Products targeting report (CSV or XLSX, daily)',
  source: 'csv_amazon',
  target: 'keyword_metrics',
  columns: {
    ...common,
    targeting: { aliases: ['targeting', 'target'], required: true },
    matchType: { aliases: ['match type'], required: true },
  },
  mapRow(cells) {
    return baseRow(cells, requiredField(cells, 'targeting', (raw) => parseText(raw, 500)));
  },
};

/**
 * Advertised product report → the ad-attributed side of SalesDaily per ASIN and day. Sales of the advertised
 * ASIN itself (`Advertised SKU Sales`, the new console's `Sales (promoted)`) are what ads bought of that
 * product; halo sales of other products belong to those products. Files without those columns fall back to
 * the total attributed sales.
 */
export const amazonAdvertisedProductReport: SalesFileFormat = {
  id: 'amazon_sp_advertised_product',
  label: 'Amazon Ads console: Sponsored Products advertised product report (CSV or XLSX, daily)',
  source: 'csv_amazon',
  target: 'sales_daily',
  side: 'ad_attributed',
  columns: {
    date: common.date,
    startDate: common.startDate,
    endDate: common.endDate,
    dateRange: common.dateRange,
    campaign: { aliases: ['campaign name'] },
    adGroup: { aliases: ['ad group name'] },
    asin: { aliases: ['advertised asin', 'advertised product id'], required: true },
    sku: { aliases: ['advertised sku', 'advertised product sku'] },
    sales: { aliases: [...attribution('advertised sku sales'), 'sales (promoted)', ...common.sales.aliases], required: true },
    units: { aliases: [...attribution('advertised sku units (#)'), 'units sold (promoted)', ...attribution('total units (#)'), 'units sold'] },
  },
  mapRow(cells) {
    return {
      date: dayOf(cells),
      asin: requiredField(cells, 'asin', parseAsin),
      sku: field(cells, 'sku', (raw) => parseText(raw, 100)),
      sales: field(cells, 'sales', parseMoney) ?? '0',
      units: field(cells, 'units', parseInteger),
    };
  },
};
