import type { CreatedTenant } from '../lib/tenants';
import { apiAs, type Json } from './support/http';
import { listen, newTenant, startStack, type TestStack } from './support/stack';

// GET /sales/daily on the real stack: Amazon sales from real imports of the Business Report and advertised product
// fixtures, ad spend from imported search-term and targeting reports (and API rows written directly), Shopify rows
// written directly as the orders sync writes them. Totals to the cent, TACoS on summed bases, brand-day rows and
// ASIN rows never counted together, the organic split read back after each kind of change.

let stack: TestStack;
let baseUrl: string;
let call: ReturnType<typeof apiAs>['call'];
let importAndWait: ReturnType<typeof apiAs>['importFixture'];
beforeAll(async () => {
  stack = await startStack({ worker: true, api: true });
  baseUrl = await listen(stack);
  ({ call, importFixture: importAndWait } = apiAs(baseUrl));
});
afterAll(() => stack.close());

const daily = async (tenant: CreatedTenant, query: string) => {
  const res = await call(tenant, 'GET', `/sales/daily?brandId=${tenant.brandId}&from=2026-11-20&to=2026-11-30${query}`);
  expect(res.status).toBe(200);
  return res.body;
};
/** The figures of a day row or total, without the bookkeeping. */
const money = (r: Json) => [r.totalSales, r.adAttributedSales, r.organicSales, r.unitsTotal, r.unitsAdAttributed, r.unitsOrganic];

async function keywordSpend(tenant: CreatedTenant, date: string, source: 'api' | 'csv_amazon', spend: string, searchTerm: string | null) {
  await stack.prisma.keywordMetric.create({
    data: { companyId: tenant.companyId, brandId: tenant.brandId, source, date: new Date(date), keyword: 'garlic press', matchType: 'exact', searchTerm, campaignRef: `c-${source}`, adGroupRef: 'g', spend },
  });
}

describe('GET /sales/daily', () => {
  let tenant: CreatedTenant;
  let garlic: string;

  beforeAll(async () => {
    tenant = await newTenant(stack.prisma);
    // SKUs first: the imports link rows by their SKU code.
    garlic = (await call(tenant, 'POST', '/skus', { brandId: tenant.brandId, code: 'GP-STEEL-01' })).body.id;
    expect((await call(tenant, 'POST', '/skus', { brandId: tenant.brandId, code: 'PEEL-02' })).status).toBe(201);
  });

  test('the organic split follows each side as it arrives: ad side alone, then the total side, per ASIN', async () => {
    await importAndWait(tenant, 'amazon-sp-advertised-product-legacy.csv');
    let body = await daily(tenant, '&asin=B0GARLIC01');
    expect(body.days.map((d: Json) => [d.date, d.basis, ...money(d)])).toEqual([
      ['2026-11-24', 'asin_rows', null, '1224.99', null, null, 41, null],
      ['2026-11-25', 'asin_rows', null, '499.86', null, null, 14, null],
    ]);

    await importAndWait(tenant, 'BusinessReport-by-child-item.csv', { reportDate: '2026-11-24' });
    body = await daily(tenant, '&asin=B0GARLIC01');
    expect(body.days.map((d: Json) => [d.date, ...money(d), d.adSpend, d.tacos])).toEqual([
      ['2026-11-24', '1548.38', '1224.99', '323.39', 62, 41, 21, null, null],
      ['2026-11-25', null, '499.86', null, null, 14, null, null, null],
    ]);
    // Without a brand-day row the brand's day is the sum of its ASIN rows: 1548.38 + 249.75 + 0.00.
    body = await daily(tenant, '&channel=amazon');
    expect(body.days[0]).toMatchObject({ date: '2026-11-24', basis: 'asin_rows', totalSales: '1798.13', adAttributedSales: '1224.99', organicSales: '573.14', unitsTotal: 87 });
  });

  test('the brand-day row replaces the ASIN rows of its day, never added to them; totals to the cent', async () => {
    await importAndWait(tenant, 'BusinessReport-by-date.csv');
    // A day with ASIN rows only (11-26): the Business Report by child item again, for that day.
    await importAndWait(tenant, 'BusinessReport-by-child-item.csv', { reportDate: '2026-11-26' });
    const body = await daily(tenant, '&channel=amazon');
    expect(body.days.map((d: Json) => [d.date, d.basis, ...money(d)])).toEqual([
      ['2026-11-24', 'brand_day', '2318.40', '1224.99', '1093.41', 96, 41, 55],
      ['2026-11-25', 'brand_day', '1974.10', '499.86', '1474.24', 81, 14, 67],
      ['2026-11-26', 'asin_rows', '1798.13', '0.00', '1798.13', 87, null, 87],
    ]);
    expect(body.totals).toHaveLength(1);
    expect(money(body.totals[0])).toEqual(['6090.63', '1724.85', '4365.78', 264, 55, 209]);
    expect(body.totals[0]).toMatchObject({ channel: 'amazon', days: 3, adSpend: null, tacos: null });
  });

  test('ad spend: API rows over search-term rows over targeting rows, per day; TACoS per day and on summed bases', async () => {
    await importAndWait(tenant, 'amazon-sp-search-term-legacy-daily.csv'); // 11-24: 26.25, 11-25: 12.90
    await importAndWait(tenant, 'amazon-sp-targeting-de-excel.csv'); // 11-24: 9.00, 11-25: 5.00 (ignored: search terms cover those days)
    await keywordSpend(tenant, '2026-11-25', 'api', '20.00', 'garlic press'); // the API's figure wins on 11-25
    await keywordSpend(tenant, '2026-11-26', 'csv_amazon', '7.77', null); // only a targeting report on 11-26
    await keywordSpend(tenant, '2026-11-27', 'api', '3.00', 'garlic press'); // spend, no sales
    const body = await daily(tenant, '&channel=amazon');
    expect(body.days.map((d: Json) => [d.date, d.basis, d.totalSales, d.adSpend, d.tacos])).toEqual([
      ['2026-11-24', 'brand_day', '2318.40', '26.25', '0.0113'], // 26.25 / 2318.40 = 0.011322…
      ['2026-11-25', 'brand_day', '1974.10', '20.00', '0.0101'], // 20.00 / 1974.10 = 0.010131…
      ['2026-11-26', 'asin_rows', '1798.13', '7.77', '0.0043'], // 7.77 / 1798.13 = 0.004321…
      ['2026-11-27', 'spend_only', null, '3.00', null],
    ]);
    // Summed bases over the days with both: 54.02 / 6090.63 = 0.008869… (the mean of the daily ratios would be 0.0086).
    expect(body.totals[0]).toMatchObject({ channel: 'amazon', totalSales: '6090.63', adSpend: '57.02', tacos: '0.0089', days: 4 });
    // With a product filter spend per product is unknown.
    const product = await daily(tenant, '&asin=B0GARLIC01');
    expect(product.days.every((d: Json) => d.adSpend === null && d.tacos === null)).toBe(true);
  });

  test('Shopify rows: every row of the day (no-SKU row and refund days too), in the shop currency, never summed with Amazon', async () => {
    const brandId = tenant.brandId!;
    const credential = await stack.prisma.integrationCredential.create({
      data: { companyId: tenant.companyId, brandId, integrationType: 'shopify', encryptedAccessToken: 'not-used', externalAccountId: 'acme.myshopify.com' },
    });
    await stack.prisma.shopifyConnection.create({
      data: { companyId: tenant.companyId, brandId, credentialId: credential.id, shopDomain: 'acme.myshopify.com', currencyCode: 'EUR', ianaTimezone: 'Europe/Berlin', apiVersion: '2025-10' },
    });
    await stack.prisma.salesDaily.createMany({
      data: [
        { brandId, channel: 'shopify', skuId: garlic, date: new Date('2026-11-24'), totalSales: '100.10', unitsTotal: 2 },
        { brandId, channel: 'shopify', skuId: null, date: new Date('2026-11-24'), totalSales: '5.05', unitsTotal: 1 },
        { brandId, channel: 'shopify', skuId: garlic, date: new Date('2026-11-25'), totalSales: '-20.02', unitsTotal: -1 }, // a refund-only day
      ],
    });
    const body = await daily(tenant, '');
    const shopify = body.days.filter((d: Json) => d.channel === 'shopify');
    expect(shopify.map((d: Json) => [d.date, d.basis, d.currencyCode, ...money(d), d.adSpend, d.tacos])).toEqual([
      ['2026-11-24', 'sku_rows', 'EUR', '105.15', '0.00', '105.15', 3, null, 3, null, null],
      ['2026-11-25', 'sku_rows', 'EUR', '-20.02', '0.00', '0.00', -1, null, 0, null, null],
    ]);
    expect(body.days.map((d: Json) => `${d.date}/${d.channel}`)).toEqual([
      '2026-11-24/amazon', '2026-11-24/shopify', '2026-11-25/amazon', '2026-11-25/shopify', '2026-11-26/amazon', '2026-11-27/amazon',
    ]);
    expect(body.totals.map((t: Json) => [t.channel, t.currencyCode, ...money(t), t.tacos])).toEqual([
      ['amazon', null, '6090.63', '1724.85', '4365.78', 264, 55, 209, '0.0089'],
      ['shopify', 'EUR', '85.13', '0.00', '105.15', 2, null, 3, null],
    ]);
    expect((await daily(tenant, '&channel=shopify')).days).toEqual(shopify);
  });

  test('asin and sku filters: product rows of both channels, through the mapping; a mapping change shows at once', async () => {
    // Unmapped: the Shopify rows have no ASIN, so an ASIN filter finds Amazon rows only.
    let body = await daily(tenant, '&asin=B0GARLIC01');
    expect(body.days.map((d: Json) => `${d.date}/${d.channel}`)).toEqual(['2026-11-24/amazon', '2026-11-25/amazon', '2026-11-26/amazon']);
    // The SKU filter: Amazon rows linked by SKU code in the reports, and the SKU's Shopify rows.
    body = await daily(tenant, '&sku=GP-STEEL-01');
    expect(body.totals.map((t: Json) => [t.channel, t.totalSales, t.adAttributedSales, t.organicSales])).toEqual([
      ['amazon', '3096.76', '1724.85', '1871.77'],
      ['shopify', '80.08', '0.00', '100.10'],
    ]);

    expect((await call(tenant, 'POST', '/asin-sku-mappings', { brandId: tenant.brandId, asin: 'B0GARLIC01', skuCode: 'GP-STEEL-01' })).status).toBe(201);
    body = await daily(tenant, '&asin=B0GARLIC01');
    expect(body.totals.map((t: Json) => [t.channel, ...money(t)])).toEqual([
      ['amazon', '3096.76', '1724.85', '1871.77', 124, 55, 83],
      ['shopify', '80.08', '0.00', '100.10', 1, null, 2],
    ]);
    // Moved to the peeler: its ASIN filter and SKU filter follow, the garlic press keeps only its Shopify rows.
    const mapping = (await call(tenant, 'GET', '/asin-sku-mappings?asin=B0GARLIC01')).body.items[0];
    expect((await call(tenant, 'PATCH', `/asin-sku-mappings/${mapping.id}`, { skuCode: 'PEEL-02' })).status).toBe(200);
    expect((await daily(tenant, '&sku=GP-STEEL-01')).totals.map((t: Json) => [t.channel, t.totalSales])).toEqual([['shopify', '80.08']]);
    expect((await daily(tenant, '&sku=PEEL-02')).totals.map((t: Json) => [t.channel, t.totalSales])).toEqual([['amazon', '3596.26']]);
    expect((await daily(tenant, '&asin=B0GARLIC01')).totals.map((t: Json) => t.channel)).toEqual(['amazon']);
    // The brand's figures do not move with the mapping.
    expect(money((await daily(tenant, '')).totals[0])).toEqual(['6090.63', '1724.85', '4365.78', 264, 55, 209]);
  });

  test('validation: from ≤ to, at most 366 days, a real ASIN, a known SKU; another company\'s brand is 404', async () => {
    const url = (q: string) => `/sales/daily?brandId=${tenant.brandId}${q}`;
    const reversed = await call(tenant, 'GET', url('&from=2026-11-30&to=2026-11-01'));
    expect(reversed).toMatchObject({ status: 400, body: { detail: expect.stringMatching(/is after/) } });
    const long = await call(tenant, 'GET', url('&from=2025-01-01&to=2026-01-02'));
    expect(long).toMatchObject({ status: 400, body: { detail: expect.stringMatching(/367 days; ask for at most 366/) } });
    expect((await call(tenant, 'GET', url('&from=2025-01-01&to=2026-01-01'))).status).toBe(200);
    expect((await call(tenant, 'GET', url('&from=2026-11-01&to=2026-11-30&asin=1.23E%2B09'))).body.detail).toMatch(/scientific notation/);
    expect((await call(tenant, 'GET', url('&from=2026-11-01&to=2026-11-30&sku=NOPE'))).status).toBe(404);
    expect((await call(tenant, 'GET', url('&from=2026-11-01'))).status).toBe(400);
    const other = await newTenant(stack.prisma, 'Other');
    const res = await call(other, 'GET', url('&from=2026-11-01&to=2026-11-30'));
    expect(res).toMatchObject({ status: 404, body: { detail: `Brand ${tenant.brandId} does not exist` } });
    expect((await call(other, 'GET', `/sales/daily?brandId=${other.brandId}&from=2026-11-01&to=2026-11-30`)).body).toMatchObject({ days: [], totals: [] });
  });
});
