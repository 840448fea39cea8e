import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CreatedTenant } from '../lib/tenants';
import { bearer, newTenant, listen, startStack, type TestStack } from './support/stack';

// File import over HTTP, end to end: upload → stored by content hash → workflow on a real Temporal server and
// worker → staged → merged into KeywordMetric on a real PostgreSQL. Totals are compared with the files' totals.

let stack: TestStack;
let baseUrl: string;
beforeAll(async () => {
  stack = await startStack({ worker: true, api: true });
  baseUrl = await listen(stack);
});
afterAll(() => stack.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function upload(tenant: CreatedTenant, file: string, fields: Record<string, string> = {}): Promise<Response> {
  const form = new FormData();
  form.set('brandId', fields.brandId ?? tenant.brandId!);
  for (const [k, v] of Object.entries(fields)) if (k !== 'brandId') form.set(k, v);
  const bytes = await readFile(path.join(__dirname, 'fixtures', 'imports', file));
  form.set('file', new Blob([bytes]), file);
  return fetch(`${baseUrl}/imports`, { method: 'POST', headers: bearer(tenant.token), body: form });
}

async function importAndWait(tenant: CreatedTenant, file: string, fields: Record<string, string> = {}): Promise<Json> {
  const res = await upload(tenant, file, fields);
  expect(res.status).toBe(202);
  const { importId } = (await res.json()) as Json;
  for (let i = 0; i < 200; i += 1) {
    const state = (await (await fetch(`${baseUrl}/imports/${importId}`, { headers: bearer(tenant.token) })).json()) as Json;
    if (state.status !== 'started') return state;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`import of ${file} did not finish`);
}

async function totals(companyId: string) {
  const [row] = await stack.prisma.$queryRaw<Json[]>`
    SELECT count(*)::int AS rows, coalesce(sum("impressions"), 0)::int AS impressions, coalesce(sum("clicks"), 0)::int AS clicks,
           coalesce(sum("spend"), 0)::text AS spend, coalesce(sum("sales"), 0)::text AS sales, coalesce(sum("orders"), 0)::int AS orders
    FROM "KeywordMetric" WHERE "companyId" = ${companyId}`;
  return row;
}

describe.each([
  ['amazon-sp-search-term-legacy-daily.csv', 'amazon_sp_search_term', { rows: 7, impressions: 3911, clicks: 74, spend: '39.15', sales: '1369.45', orders: 46 }],
  ['amazon-sp-search-term-legacy-daily.xlsx', 'amazon_sp_search_term', { rows: 7, impressions: 3911, clicks: 74, spend: '39.15', sales: '1369.45', orders: 46 }],
  ['amazon-sp-search-term-summary-14day.csv', 'amazon_sp_search_term', { rows: 2, impressions: 3500, clicks: 65, spend: '50.00', sales: '1799.10', orders: 30 }],
  ['amazon-sp-search-term-console-2026.csv', 'amazon_sp_search_term', { rows: 2, impressions: 1895, clicks: 13, spend: '8.73', sales: '15.90', orders: 1 }],
  ['amazon-sp-targeting-de-excel.csv', 'amazon_sp_targeting', { rows: 3, impressions: 2124, clicks: 30, spend: '14.00', sales: '1252.56', orders: 31 }],
  ['US_AMAZON_cerebro_B0ABCDEF12_2026-11-20.csv', 'helium10_cerebro', { rows: 3, impressions: 0, clicks: 0, spend: '0.00', sales: '0.00', orders: 0 }],
  ['US_AMAZON_magnet_2026-11-21.csv', 'helium10_magnet', { rows: 3, impressions: 0, clicks: 0, spend: '0.00', sales: '0.00', orders: 0 }],
  ['helium10-keyword-tracker-2026-11-22.csv', 'helium10_keyword_tracker', { rows: 2, impressions: 0, clicks: 0, spend: '0.00', sales: '0.00', orders: 0 }],
  ['zonguru-keywords-on-fire.csv', 'zonguru_keywords_on_fire', { rows: 2, impressions: 0, clicks: 0, spend: '0.00', sales: '0.00', orders: 0 }],
])('%s', (file, format, expected) => {
  test(`imports as ${format}; stored totals equal the file's to the cent; a re-import changes nothing`, async () => {
    const tenant = await newTenant(stack.prisma);
    const first = await importAndWait(tenant, file);
    expect(first).toMatchObject({ status: 'completed', format, percent: 100, rowsRejected: 0 });
    expect(first.syncLog).toMatchObject({ recordsCreated: expected.rows, recordsUpdated: 0, fileName: file, errorMessage: null });
    expect(await totals(tenant.companyId)).toEqual(expected);

    const again = await importAndWait(tenant, file);
    expect(again.syncLog).toMatchObject({ status: 'completed', recordsCreated: 0, recordsUpdated: 0 });
    expect(again.syncLog.errorDetails).toMatchObject({ unchanged: expected.rows });
    expect(await totals(tenant.companyId)).toEqual(expected);
  });
});

test('search terms under one targeting keyword, auto and product targets, and derived rates are stored as such', async () => {
  const tenant = await newTenant(stack.prisma);
  await importAndWait(tenant, 'amazon-sp-search-term-legacy-daily.csv');
  const rows = await stack.prisma.keywordMetric.findMany({ where: { companyId: tenant.companyId }, orderBy: [{ date: 'asc' }, { searchTerm: 'asc' }] });
  const byTerm = (term: string, date = '2026-11-24') => rows.find((r) => r.searchTerm === term && r.date.toISOString().startsWith(date))!;

  const exact = byTerm('garlic press stainless steel');
  expect(exact).toMatchObject({ keyword: 'garlic press', matchType: 'exact', campaignRef: 'SP - Garlic Press, Exact', adGroupRef: 'Exact KWs', source: 'csv_amazon', brandId: tenant.brandId });
  expect(exact.ctr?.toString()).toBe('0.0257'); // 31 / 1204
  expect(exact.cpc?.toString()).toBe('0.52'); // 16.12 / 31
  expect(exact.acos?.toString()).toBe('0.0131'); // 16.12 / 1234.50
  expect(exact.roas?.toString()).toBe('76.58');
  expect(exact.metadata).toMatchObject({ currency: 'USD', '7_day_total_units_count': '43', '7_day_advertised_sku_sales': '$1,200.00' });
  expect(byTerm('garlic press').keyword).toBe('garlic press');
  expect(byTerm('garlic press, heavy duty')).toMatchObject({ keyword: 'close-match', matchType: 'auto' });
  expect(byTerm('garlic mincer').acos).toBeNull(); // no sales: no ACOS
  expect(byTerm('b0abcdef12', '2026-11-25')).toMatchObject({ keyword: 'asin="B0ABCDEF12"', matchType: 'product' });
});

test('a Windows-1252 file from European Excel keeps its accents, decimal commas and day-first dates', async () => {
  const tenant = await newTenant(stack.prisma);
  await importAndWait(tenant, 'amazon-sp-targeting-de-excel.csv');
  const row = await stack.prisma.keywordMetric.findFirstOrThrow({ where: { companyId: tenant.companyId, keyword: 'knoblauchpresse', date: new Date('2026-11-24') } });
  expect(row).toMatchObject({ campaignRef: 'SP - Knoblauchpresse Küche', impressions: 1234, clicks: 20, matchType: 'exact' });
  expect(row.sales.toString()).toBe('1234.56');
});

test('Cerebro snapshots are filed under the date in the file name with the market columns in metadata', async () => {
  const tenant = await newTenant(stack.prisma);
  await importAndWait(tenant, 'US_AMAZON_cerebro_B0ABCDEF12_2026-11-20.csv');
  const press = await stack.prisma.keywordMetric.findFirstOrThrow({ where: { companyId: tenant.companyId, keyword: 'garlic press' } });
  expect(press.date.toISOString().slice(0, 10)).toBe('2026-11-20');
  expect(press).toMatchObject({ source: 'csv_helium10', matchType: null, searchTerm: null });
  expect(press.metadata).toMatchObject({ search_volume: 24511, organic_rank: '4', sponsored_rank: '6', organic_rank_B0ABCDEF12: '4', competing_products: '>1000' });
  const mincer = await stack.prisma.keywordMetric.findFirstOrThrow({ where: { companyId: tenant.companyId, keyword: 'garlic mincer' } });
  expect(mincer.metadata).toMatchObject({ search_volume: 5872, organic_rank_B0ABCDEF12: '>306' });
  expect(await stack.prisma.keywordMetric.count({ where: { companyId: tenant.companyId, keyword: 'garlic crusher' } })).toBe(1);
});

test('Magnet, Keyword Tracker and ZonGuru rows keep their market columns under normalized names', async () => {
  const tenant = await newTenant(stack.prisma);
  await importAndWait(tenant, 'US_AMAZON_magnet_2026-11-21.csv');
  await importAndWait(tenant, 'helium10-keyword-tracker-2026-11-22.csv');
  await importAndWait(tenant, 'zonguru-keywords-on-fire.csv', { snapshotDate: '2026-11-23' });
  const find = (keyword: string, source: string, date: string) =>
    stack.prisma.keywordMetric.findFirstOrThrow({ where: { companyId: tenant.companyId, keyword, source, date: new Date(date) } });

  const magnet = await find('garlic crusher', 'csv_helium10', '2026-11-21');
  expect(magnet.metadata).toMatchObject({ search_volume: 5872, magnet_iq_score: 903, search_volume_trend: '12%', competing_products: '1306' });
  expect((await find('garlic press', 'csv_helium10', '2026-11-21')).metadata).toMatchObject({ search_volume: 24511, competing_products: '>1000' });

  // One keyword tracked for two ASINs: one row, each ASIN's ranks under its own key.
  const tracked = await find('garlic press', 'csv_helium10', '2026-11-22');
  expect(tracked.metadata).toMatchObject({ organic_rank_B0GARLIC01: '4', sponsored_rank_B0GARLIC01: '2', organic_rank_B0PEELER02: '54', search_volume: 24511 });
  expect(tracked.metadata).not.toHaveProperty('sponsored_rank_B0PEELER02');
  expect((await find('garlic crusher', 'csv_helium10', '2026-11-22')).metadata).toMatchObject({ organic_rank_B0GARLIC01: '>306', sponsored_rank_B0GARLIC01: '>96' });

  const zonguru = await find('melatonin gummies', 'csv_zonguru', '2026-11-23');
  expect(zonguru.metadata).toMatchObject({ zg_score: 88, search_volume: 9900, keyword_sales: '31,020', currency: 'GBP', top_25_competition: '7', ppc_bid: '0.98' });
});

test('bad rows are rejected with row, column and reason; the good ones are stored; the run is partial', async () => {
  const tenant = await newTenant(stack.prisma);
  const result = await importAndWait(tenant, 'amazon-sp-search-term-with-bad-rows.csv');
  expect(result).toMatchObject({ status: 'partial', rowsOk: 2, rowsRejected: 3 });
  expect(result.syncLog.errorMessage).toMatch(/3 of 5 rows were rejected/);
  expect(result.syncLog.errorDetails.firstErrors).toEqual([
    { rowNumber: 3, column: 'Date', value: 'Nov 31, 2026', reason: 'Date "Nov 31, 2026" is not a calendar date' },
    { rowNumber: 4, column: 'Clicks', value: '-5', reason: 'Clicks is negative' },
    { rowNumber: 5, column: '7 Day Total Sales', value: 'abc', reason: '7 Day Total Sales "abc" is not a number' },
  ]);
  expect(await totals(tenant.companyId)).toMatchObject({ rows: 2, clicks: 30, spend: '15.00', sales: '150.00' });

  const rejects = await fetch(`${baseUrl}/imports/${result.importId}/rejects`, { headers: bearer(tenant.token) });
  expect(rejects.status).toBe(200);
  expect(rejects.headers.get('content-type')).toMatch(/^text\/csv/);
  const lines = (await rejects.text()).trim().split('\r\n');
  expect(lines).toHaveLength(4);
  expect(lines[0]!.startsWith('row,column,reason,Date,Portfolio name,Currency,Campaign Name')).toBe(true);
  expect(lines[1]).toMatch(/^3,Date,"Date ""Nov 31, 2026"" is not a calendar date","Nov 31, 2026",Kitchen,USD,SP - Garlic Press - Exact/);

  const notes = await stack.prisma.notification.findMany({ where: { userId: tenant.userId } });
  expect(notes).toHaveLength(1);
  expect(notes[0]).toMatchObject({ type: 'sync_failure', title: 'File import partly failed', relatedId: result.importId });
});

test('a file of an unknown format fails with the formats it could have been, and writes nothing', async () => {
  const tenant = await newTenant(stack.prisma);
  const result = await importAndWait(tenant, 'contacts-not-a-report.csv');
  expect(result.status).toBe('failed');
  expect(result.syncLog.errorMessage).toMatch(/contacts-not-a-report\.csv: unknown file format/);
  expect(result.syncLog.errorMessage).toMatch(/Known formats/);
  expect(await totals(tenant.companyId)).toMatchObject({ rows: 0 });
  expect(await stack.prisma.importStagedKeywordMetric.count({ where: { syncLogId: result.importId } })).toBe(0);
  expect(await stack.prisma.notification.count({ where: { userId: tenant.userId, title: 'File import failed' } })).toBe(1);
});

test('uploads: wrong type is 415, no file or no brand is 400, another company\'s brand and import are 404', async () => {
  const tenant = await newTenant(stack.prisma);
  const other = await newTenant(stack.prisma, 'Other');
  const form = new FormData();
  form.set('brandId', tenant.brandId!);
  form.set('file', new Blob(['%PDF-1.4']), 'report.pdf');
  const pdf = await fetch(`${baseUrl}/imports`, { method: 'POST', headers: bearer(tenant.token), body: form });
  expect(pdf.status).toBe(415);
  expect(((await pdf.json()) as Json).detail).toMatch(/report\.pdf: only .csv, .tsv, .txt, .xlsx files/);

  const noFile = new FormData();
  noFile.set('brandId', tenant.brandId!);
  expect((await fetch(`${baseUrl}/imports`, { method: 'POST', headers: bearer(tenant.token), body: noFile })).status).toBe(400);

  expect((await upload(tenant, 'contacts-not-a-report.csv', { brandId: other.brandId! })).status).toBe(404);
  const mine = await importAndWait(tenant, 'amazon-sp-search-term-summary-14day.csv');
  expect((await fetch(`${baseUrl}/imports/${mine.importId}`, { headers: bearer(other.token) })).status).toBe(404);
  expect((await fetch(`${baseUrl}/imports/${mine.importId}/rejects`, { headers: bearer(other.token) })).status).toBe(404);
});

describe('sales files fill SalesDaily: Business Reports the total side, advertised product reports the ad side', () => {
  async function sales(brandId: string) {
    const rows = await stack.prisma.salesDaily.findMany({ where: { brandId }, orderBy: [{ date: 'asc' }, { asin: 'asc' }] });
    return rows.map((r) => ({
      date: r.date.toISOString().slice(0, 10),
      asin: r.asin,
      total: r.totalSales?.toFixed(2) ?? null,
      ad: r.adAttributedSales.toFixed(2),
      organic: r.organicSales?.toFixed(2) ?? null,
      units: [r.unitsTotal, r.unitsAdAttributed, r.unitsOrganic],
    }));
  }

  test('either order gives the same split; organic = total - ad, capped at 0; brand days take the sum of their ASINs', async () => {
    const tenant = await newTenant(stack.prisma);
    const ads = await importAndWait(tenant, 'amazon-sp-advertised-product-legacy.csv');
    expect(ads).toMatchObject({ status: 'completed', format: 'amazon_sp_advertised_product' });
    expect(ads.syncLog).toMatchObject({ recordsProcessed: 4, recordsCreated: 3, recordsUpdated: 0 });
    expect(await sales(tenant.brandId!)).toEqual([
      { date: '2026-11-24', asin: 'B0GARLIC01', total: null, ad: '1224.99', organic: null, units: [null, 41, null] },
      { date: '2026-11-24', asin: 'B0PEELER02', total: null, ad: '0.00', organic: null, units: [null, 0, null] },
      { date: '2026-11-25', asin: 'B0GARLIC01', total: null, ad: '499.86', organic: null, units: [null, 14, null] },
    ]);

    const byChild = await importAndWait(tenant, 'BusinessReport-by-child-item.csv', { reportDate: '2026-11-24' });
    expect(byChild).toMatchObject({ status: 'partial', format: 'amazon_business_report_child_asin', rowsOk: 4, rowsRejected: 1 });
    expect(byChild.syncLog).toMatchObject({ recordsCreated: 1, recordsUpdated: 2 });
    expect(byChild.syncLog.errorDetails.firstErrors).toEqual([
      expect.objectContaining({ rowNumber: 6, column: '(Child) ASIN', value: '3.16769E+08', reason: expect.stringMatching(/scientific notation/) }),
    ]);
    const byDate = await importAndWait(tenant, 'BusinessReport-by-date.csv');
    expect(byDate).toMatchObject({ status: 'completed', format: 'amazon_business_report_date' });

    const expected = [
      { date: '2026-11-24', asin: 'B0GARLIC01', total: '1548.38', ad: '1224.99', organic: '323.39', units: [62, 41, 21] },
      { date: '2026-11-24', asin: 'B0PEELER02', total: '249.75', ad: '0.00', organic: '249.75', units: [25, 0, 25] },
      { date: '2026-11-24', asin: 'B0SLICER03', total: '0.00', ad: '0.00', organic: '0.00', units: [0, null, 0] },
      { date: '2026-11-24', asin: null, total: '2318.40', ad: '1224.99', organic: '1093.41', units: [96, 41, 55] },
      { date: '2026-11-25', asin: 'B0GARLIC01', total: null, ad: '499.86', organic: null, units: [null, 14, null] },
      { date: '2026-11-25', asin: null, total: '1974.10', ad: '499.86', organic: '1474.24', units: [81, 14, 67] },
    ];
    expect(await sales(tenant.brandId!)).toEqual(expected);

    // The other order, in another tenant: the same rows.
    const other = await newTenant(stack.prisma, 'Reversed');
    await importAndWait(other, 'BusinessReport-by-date.csv');
    await importAndWait(other, 'BusinessReport-by-child-item.csv', { reportDate: '2026-11-24' });
    await importAndWait(other, 'amazon-sp-advertised-product-legacy.csv');
    expect(await sales(other.brandId!)).toEqual(expected);

    // Re-importing changes nothing.
    const again = await importAndWait(tenant, 'amazon-sp-advertised-product-legacy.csv');
    expect(again.syncLog).toMatchObject({ recordsCreated: 0, recordsUpdated: 0 });
    expect(await sales(tenant.brandId!)).toEqual(expected);
  });

  test('the 2026 console advertised product report uses promoted sales, and rows link to the brand\'s SKU', async () => {
    const tenant = await newTenant(stack.prisma);
    const sku = await stack.prisma.sKU.create({ data: { brandId: tenant.brandId!, code: 'BSCGRFT-PLIER-1PC' } });
    const result = await importAndWait(tenant, 'amazon-sp-advertised-product-console-2026.csv');
    expect(result).toMatchObject({ status: 'completed', format: 'amazon_sp_advertised_product' });
    const [row] = await stack.prisma.salesDaily.findMany({ where: { brandId: tenant.brandId! } });
    expect(row).toMatchObject({ asin: 'B0GWCDX3HY', skuId: sku.id, channel: 'amazon', unitsAdAttributed: 2, totalSales: null });
    expect(row!.adAttributedSales.toFixed(2)).toBe('35.90');
  });

  test('a Business Report by child item without reportDate fails with what to do, and writes nothing', async () => {
    const tenant = await newTenant(stack.prisma);
    const result = await importAndWait(tenant, 'BusinessReport-by-child-item.csv');
    expect(result).toMatchObject({ status: 'failed', format: 'amazon_business_report_child_asin' });
    expect(result.syncLog.errorMessage).toMatch(/has no date column: upload it again with reportDate=YYYY-MM-DD/);
    expect(await stack.prisma.salesDaily.count({ where: { brandId: tenant.brandId! } })).toBe(0);
  });

  test('a source hint limits detection to that source\'s formats', async () => {
    const tenant = await newTenant(stack.prisma);
    const result = await importAndWait(tenant, 'zonguru-keywords-on-fire.csv', { source: 'csv_helium10' });
    expect(result.status).toBe('failed');
    expect(result.syncLog.errorMessage).toMatch(/unknown file format/);
    expect(result.syncLog.errorMessage).toMatch(/Helium 10 Magnet/);
    expect(result.syncLog.errorMessage).not.toMatch(/ZonGuru/);
  });
});
