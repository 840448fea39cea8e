import { Prisma } from '../lib/db';
import { newTenant, startStack, type TestStack } from './support/stack';

// The migration (applied by `prisma migrate deploy` in global setup) is the contract: unique keys that hold
// with NULL columns, the search-term dimension, and the spec's validation rules as CHECK constraints.

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

function keywordRow(companyId: string, overrides: Partial<Prisma.KeywordMetricUncheckedCreateInput> = {}): Prisma.KeywordMetricUncheckedCreateInput {
  return { companyId, keyword: 'dog bed', matchType: 'exact', date: day('2026-11-01'), source: 'csv_helium10', impressions: 10, ...overrides };
}

async function sqlState(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    const text = String((err as Error).message) + JSON.stringify(err);
    const code = /\b(23505|23514|23503|428C9|P2002)\b/.exec(text)?.[1];
    return code ?? `unexpected: ${text.slice(0, 300)}`;
  }
  return 'no error';
}

describe('tables, keys and indexes', () => {
  test('every model of the spec is a table', async () => {
    const rows = await stack.prisma.$queryRaw<{ table_name: string }[]>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`;
    expect(rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([
        'AdCampaign', 'AdGroup', 'AdPortfolio', 'ApiToken', 'AsinSkuMapping', 'Brand', 'Company', 'IntegrationCredential',
        'KeywordMetric', 'Notification', 'SKU', 'SalesDaily', 'ShopifyConnection', 'SyncLog', 'User',
      ]),
    );
  });

  test('the indexes of the spec\'s query patterns exist', async () => {
    const rows = await stack.prisma.$queryRaw<{ indexdef: string }[]>`SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'`;
    const defs = rows.map((r) => r.indexdef);
    for (const expected of [
      'ON public."KeywordMetric" USING btree ("portfolioId", date)',
      'ON public."KeywordMetric" USING btree (keyword)',
      'ON public."SalesDaily" USING btree ("brandId", date)',
      'ON public."SyncLog" USING btree ("credentialId", "startedAt" DESC)',
      'ON public."Notification" USING btree ("userId", read)',
    ]) {
      expect(defs.some((d) => d.includes(expected))).toBe(true);
    }
    expect(defs.filter((d) => d.includes('NULLS NOT DISTINCT'))).toHaveLength(4);
    expect(defs.find((d) => d.includes('"KeywordMetric_identity_key"'))).toContain(
      '("companyId", "brandId", source, date, "campaignRef", "adGroupRef", keyword, "matchType", "searchTerm") NULLS NOT DISTINCT',
    );
  });
});

describe('KeywordMetric identity', () => {
  test('the same row without campaign or ad group cannot be stored twice for one tenant', async () => {
    const tenant = await newTenant(stack.prisma);
    await stack.prisma.keywordMetric.create({ data: keywordRow(tenant.companyId) });
    expect(await sqlState(stack.prisma.keywordMetric.create({ data: keywordRow(tenant.companyId) }))).toMatch(/23505|P2002/);
    expect(await stack.prisma.keywordMetric.count({ where: { companyId: tenant.companyId } })).toBe(1);
  });

  test('an upsert on the natural key updates the one row in place', async () => {
    const tenant = await newTenant(stack.prisma);
    const upsert = (clicks: number) => stack.prisma.$executeRaw`
      INSERT INTO "KeywordMetric" ("id", "companyId", "keyword", "matchType", "date", "source", "clicks", "updatedAt")
      VALUES (gen_random_uuid(), ${tenant.companyId}, 'dog bed', NULL, '2026-11-01', 'csv_zonguru', ${clicks}, now())
      ON CONFLICT ("companyId", "brandId", "source", "date", "campaignRef", "adGroupRef", "keyword", "matchType", "searchTerm")
      DO UPDATE SET "clicks" = EXCLUDED."clicks"`;
    await upsert(3);
    await upsert(5);
    const rows = await stack.prisma.keywordMetric.findMany({ where: { companyId: tenant.companyId } });
    expect(rows.map((r) => r.clicks)).toEqual([5]);
  });

  test('a link to a campaign is not part of the identity: the same file row linked later is still one row', async () => {
    const tenant = await newTenant(stack.prisma);
    const credential = await stack.prisma.integrationCredential.create({ data: { companyId: tenant.companyId, integrationType: 'amazon_ads', encryptedAccessToken: 'x', externalAccountId: 'p1' } });
    const campaign = await stack.prisma.adCampaign.create({ data: { credentialId: credential.id, externalId: 'c1', name: 'SP - A', campaignType: 'sponsoredProducts' } });
    const row = keywordRow(tenant.companyId, { campaignRef: 'SP - A', adGroupRef: 'G' });
    await stack.prisma.keywordMetric.create({ data: row });
    expect(await sqlState(stack.prisma.keywordMetric.create({ data: { ...row, campaignId: campaign.id } }))).toMatch(/23505|P2002/);
  });

  test('two tenants with identical rows get two rows', async () => {
    const a = await newTenant(stack.prisma, 'A');
    const b = await newTenant(stack.prisma, 'B');
    await stack.prisma.keywordMetric.create({ data: keywordRow(a.companyId) });
    await stack.prisma.keywordMetric.create({ data: keywordRow(b.companyId) });
    expect(await stack.prisma.keywordMetric.count({ where: { companyId: { in: [a.companyId, b.companyId] } } })).toBe(2);
  });

  test('many customer search terms under one targeting keyword are separate rows', async () => {
    const tenant = await newTenant(stack.prisma);
    const base = keywordRow(tenant.companyId, { keyword: 'close-match', matchType: 'auto', source: 'csv_amazon' });
    await stack.prisma.keywordMetric.createMany({
      data: [
        { ...base, searchTerm: 'orthopedic dog bed', clicks: 4 },
        { ...base, searchTerm: 'dog bed large', clicks: 2 },
        { ...base, searchTerm: null, clicks: 1 },
      ],
    });
    expect(await stack.prisma.keywordMetric.count({ where: { companyId: tenant.companyId } })).toBe(3);
    expect(await sqlState(stack.prisma.keywordMetric.create({ data: { ...base, searchTerm: 'dog bed large' } }))).toMatch(/23505|P2002/);
  });
});

describe('SalesDaily identity', () => {
  test('a brand-level row with no ASIN is one row per day and channel', async () => {
    const tenant = await newTenant(stack.prisma);
    const row = { brandId: tenant.brandId!, asin: null, date: day('2026-11-02'), channel: 'shopify', totalSales: '10.00', adAttributedSales: '0' };
    await stack.prisma.salesDaily.create({ data: row });
    expect(await sqlState(stack.prisma.salesDaily.create({ data: row }))).toMatch(/23505|P2002/);
    await stack.prisma.salesDaily.create({ data: { ...row, channel: 'amazon' } });
    expect(await stack.prisma.salesDaily.count({ where: { brandId: tenant.brandId! } })).toBe(2);
  });

  test('money keeps its cents exactly, and organic is derived in the database from both sides', async () => {
    const tenant = await newTenant(stack.prisma);
    await stack.prisma.salesDaily.create({
      data: { brandId: tenant.brandId!, asin: 'B0TESTASIN', date: day('2026-11-03'), channel: 'amazon', totalSales: '1234.56', adAttributedSales: '0.10', unitsTotal: 7, unitsAdAttributed: 2 },
    });
    const stored = await stack.prisma.salesDaily.findFirstOrThrow({ where: { brandId: tenant.brandId! } });
    expect(stored.organicSales?.toFixed(2)).toBe('1234.46');
    expect(stored.unitsOrganic).toBe(5);

    await stack.prisma.salesDaily.update({ where: { id: stored.id }, data: { adAttributedSales: '2000.00', unitsAdAttributed: 9 } });
    const capped = await stack.prisma.salesDaily.findUniqueOrThrow({ where: { id: stored.id } });
    expect([capped.organicSales?.toFixed(2), capped.unitsOrganic]).toEqual(['0.00', 0]);

    await stack.prisma.salesDaily.update({ where: { id: stored.id }, data: { totalSales: null } });
    expect((await stack.prisma.salesDaily.findUniqueOrThrow({ where: { id: stored.id } })).organicSales).toBeNull();
  });
});

describe('CHECK constraints of the validation table', () => {
  let companyId: string;
  let brandId: string;
  beforeAll(async () => {
    const tenant = await newTenant(stack.prisma);
    companyId = tenant.companyId;
    brandId = tenant.brandId!;
  });

  test.each([
    ['an unknown match type', { matchType: 'fuzzy' }],
    ['an unknown source', { source: 'csv_other' }],
    ['negative impressions', { impressions: -1 }],
    ['negative clicks', { clicks: -1 }],
    ['negative orders', { orders: -1 }],
    ['negative spend', { spend: '-0.01' }],
    ['negative sales', { sales: '-5' }],
    ['an empty keyword', { keyword: '' }],
  ])('KeywordMetric rejects %s', async (_what, overrides) => {
    expect(await sqlState(stack.prisma.keywordMetric.create({ data: keywordRow(companyId, { keyword: `k-${Math.random()}`, ...overrides }) }))).toBe('23514');
  });

  test('SalesDaily rejects negative sales and an unknown channel, and a written organic value', async () => {
    const row = { brandId, date: day('2026-11-04'), totalSales: '5', adAttributedSales: '6', channel: 'amazon' };
    expect(await sqlState(stack.prisma.salesDaily.create({ data: { ...row, totalSales: '-1' } }))).toBe('23514');
    expect(await sqlState(stack.prisma.salesDaily.create({ data: { ...row, adAttributedSales: '-1' } }))).toBe('23514');
    expect(await sqlState(stack.prisma.salesDaily.create({ data: { ...row, channel: 'ebay' } }))).toBe('23514');
    // Organic is generated: nobody can store a value that disagrees with the two sides.
    expect(await sqlState(stack.prisma.salesDaily.create({ data: { ...row, organicSales: '-1' } }))).toBe('428C9');
  });

  test('IntegrationCredential rejects an unknown integration type or status', async () => {
    const base = { companyId, encryptedAccessToken: 'x', integrationType: 'amazon_ads', status: 'active' };
    expect(await sqlState(stack.prisma.integrationCredential.create({ data: { ...base, integrationType: 'walmart' } }))).toBe('23514');
    expect(await sqlState(stack.prisma.integrationCredential.create({ data: { ...base, status: 'sleeping' } }))).toBe('23514');
  });

  test('SyncLog rejects an unknown sync type, status or a negative count', async () => {
    const base = { companyId, syncType: 'csv_upload', status: 'started' };
    expect(await sqlState(stack.prisma.syncLog.create({ data: { ...base, syncType: 'ftp' } }))).toBe('23514');
    expect(await sqlState(stack.prisma.syncLog.create({ data: { ...base, status: 'running' } }))).toBe('23514');
    expect(await sqlState(stack.prisma.syncLog.create({ data: { ...base, recordsFailed: -1 } }))).toBe('23514');
  });

  test('valid rows pass every constraint', async () => {
    await stack.prisma.integrationCredential.create({ data: { companyId, encryptedAccessToken: 'x', integrationType: 'shopify', externalAccountId: 'shop.myshopify.com' } });
    await stack.prisma.syncLog.create({ data: { companyId, syncType: 'amazon_ads_full', status: 'partial' } });
    await stack.prisma.keywordMetric.create({ data: keywordRow(companyId, { keyword: 'asin="B0TEST1234"', matchType: 'product', spend: '0', sales: '12.34' }) });
  });
});
