import { field, requiredField, type SalesFileFormat } from '../format';
import { parseAsin, parseDate, parseInteger, parseMoney, parseText } from '../values';

// Seller Central Business Reports → the total side of SalesDaily (channel amazon). `Ordered Product Sales` and
// `Units Ordered` include the B2B part, which the `- B2B` columns only break out. Older files say `Gross
// Product Sales`; Chinese-language accounts use 已订购商品销售额 / 已订购商品数量 and full-width brackets.

const sales = { aliases: ['ordered product sales', 'gross product sales', '已订购商品销售额'], required: true };
const units = { aliases: ['units ordered', '已订购商品数量'] };

/**
 * Detail Page Sales and Traffic by Child Item: one row per child ASIN for the range picked when downloading. The
 * file carries no date, so the uploader names the day (`reportDate`); a child ASIN listed under two parents adds up.
 */
export const amazonBusinessReportByChildAsin: SalesFileFormat = {
  id: 'amazon_business_report_child_asin',
  label: 'Amazon Business Report: Detail Page Sales and Traffic by Child Item (CSV, one day; pass reportDate)',
  source: 'csv_amazon',
  target: 'sales_daily',
  side: 'total',
  needsReportDate: true,
  columns: {
    asin: { aliases: ['(child) asin', 'child asin', '(子)asin', '(子) asin'], required: true },
    parentAsin: { aliases: ['(parent) asin', 'parent asin', '(父)asin', '(父) asin'] },
    sku: { aliases: ['sku'] },
    sales,
    units,
  },
  mapRow(cells, context) {
    return {
      date: context.reportDate!,
      asin: requiredField(cells, 'asin', parseAsin),
      sku: field(cells, 'sku', (raw) => parseText(raw, 100)),
      sales: field(cells, 'sales', parseMoney) ?? '0',
      units: field(cells, 'units', parseInteger),
    };
  },
};

/** Sales and Traffic by Date: the whole brand's day (no ASIN), dates as the marketplace writes them (US `11/24/26`). */
export const amazonBusinessReportByDate: SalesFileFormat = {
  id: 'amazon_business_report_date',
  label: 'Amazon Business Report: Sales and Traffic by Date (CSV)',
  source: 'csv_amazon',
  target: 'sales_daily',
  side: 'total',
  columns: {
    date: { aliases: ['date', '日期'], required: true },
    sales,
    units,
  },
  mapRow(cells) {
    return {
      date: requiredField(cells, 'date', parseDate),
      asin: null,
      sku: null,
      sales: field(cells, 'sales', parseMoney) ?? '0',
      units: field(cells, 'units', parseInteger),
    };
  },
};
