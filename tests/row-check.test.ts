import { z } from 'zod';
import type { KeywordRow, SalesRow } from '../integrations/file-formats/format';
import { checkRow } from '../integrations/file-formats/row-schemas';

// The row check is hand-written for speed; its reasons must be the ones the zod schemas it replaced gave. The
// schemas are kept here as the reference, and both are asked about every kind of problem.

const MAX_MONEY = 99_999_999.99;
const MAX_COUNT = 2_147_483_647;
const money = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'is not a non-negative amount')
  .refine((value) => Number(value) <= MAX_MONEY, `is larger than ${MAX_MONEY.toLocaleString('en-US')}`);
const count = z.number().int().min(0, 'is negative').max(MAX_COUNT, `is larger than ${MAX_COUNT.toLocaleString('en-US')}`);
const text = (max: number) => z.string().max(max, `is longer than ${max} characters`);
const keywordRowSchema = z.object({
  date: z.iso.date(),
  portfolioName: text(255).nullable(),
  campaignName: text(255).nullable(),
  adGroupName: text(255).nullable(),
  keyword: text(500).min(1, 'is empty'),
  matchType: z.enum(['exact', 'phrase', 'broad', 'auto', 'product']).nullable(),
  searchTerm: text(500).nullable(),
  impressions: count,
  clicks: count,
  spend: money,
  orders: count,
  sales: money,
  metadata: z.record(z.string(), z.union([z.string(), z.number()])),
});
const salesRowSchema = z.object({
  date: z.iso.date(),
  asin: z.string().regex(/^[A-Z0-9]{10}$/).nullable(),
  sku: text(100).nullable(),
  sales: money,
  units: count.nullable(),
});
const FORMAT_FIELD: Record<string, string> = { portfolioName: 'portfolio', campaignName: 'campaign', adGroupName: 'adGroup' };

function reference(schema: z.ZodType, row: object) {
  const result = schema.safeParse(row);
  if (result.success) return null;
  const issue = result.error.issues[0]!;
  const key = String(issue.path[0] ?? '');
  return { field: FORMAT_FIELD[key] ?? key, value: (row as Record<string, unknown>)[key], reason: issue.message };
}

const keywordRow: KeywordRow = {
  date: '2026-11-24', portfolioName: 'Kitchen', campaignName: 'SP - Garlic', adGroupName: 'Exact', keyword: 'garlic press',
  matchType: 'exact', searchTerm: 'garlic press steel', impressions: 1204, clicks: 31, spend: '16.12', orders: 41, sales: '1234.50',
  metadata: { currency: 'USD', units: 43 },
};
const salesRow: SalesRow = { date: '2026-11-24', asin: 'B0ABCDEF12', sku: 'GP-01', sales: '1234.50', units: 43 };

const long = (n: number) => 'x'.repeat(n);
const keywordCases: Array<Record<string, unknown>> = [
  {}, { date: '2026-13-01' }, { date: '2026-02-29' }, { date: '2028-02-29' }, { date: '2026-11-31' }, { date: '24.11.2026' }, { date: null },
  { portfolioName: null }, { portfolioName: long(255) }, { portfolioName: long(256) }, { campaignName: long(256) }, { campaignName: 5 },
  { adGroupName: long(300) }, { keyword: '' }, { keyword: null }, { keyword: long(500) }, { keyword: long(501) },
  { matchType: null }, { matchType: 'EXACT' }, { matchType: 'product' }, { searchTerm: long(501) }, { searchTerm: null },
  { impressions: 0 }, { impressions: 1.5 }, { impressions: -1 }, { impressions: NaN }, { impressions: Infinity }, { impressions: MAX_COUNT },
  { impressions: MAX_COUNT + 1 }, { impressions: '1' }, { clicks: -3 }, { orders: 2 ** 40 },
  { spend: '-1' }, { spend: '1e5' }, { spend: '' }, { spend: '1.' }, { spend: '99999999.99' }, { spend: '100000000' }, { spend: 5 }, { spend: null },
  { sales: '99999999.991' }, { sales: 'abc' }, { metadata: {} }, { metadata: { a: null } }, { metadata: { a: 'x', b: true } }, { metadata: null },
  { metadata: [] }, { date: 'bad', keyword: '' }, { impressions: -1, spend: 'x' },
];
const salesCases: Array<Record<string, unknown>> = [
  {}, { asin: null }, { asin: 'b0abcdef12' }, { asin: '3.16769E+08' }, { asin: 123 }, { sku: null }, { sku: long(100) }, { sku: long(101) },
  { sales: '' }, { sales: '100000000' }, { units: null }, { units: -1 }, { units: 1.2 }, { units: MAX_COUNT + 1 }, { date: '2026-02-30' },
];

test.each(keywordCases.map((c) => [JSON.stringify(c).slice(0, 80), c]))('keyword row %s: the same answer as the zod schema', (_name, change) => {
  const row = { ...keywordRow, ...change } as KeywordRow;
  expect(checkRow('keyword_metrics', row)).toEqual(reference(keywordRowSchema, row));
});

test.each(salesCases.map((c) => [JSON.stringify(c).slice(0, 80), c]))('sales row %s: the same answer as the zod schema', (_name, change) => {
  const row = { ...salesRow, ...change } as SalesRow;
  expect(checkRow('sales_daily', row)).toEqual(reference(salesRowSchema, row));
});

test('a row that fits answers null; the first problem in column order is the one named', () => {
  expect(checkRow('keyword_metrics', keywordRow)).toBeNull();
  expect(checkRow('sales_daily', salesRow)).toBeNull();
  expect(checkRow('keyword_metrics', { ...keywordRow, campaignName: long(256), spend: '-1' })).toMatchObject({ field: 'campaign', reason: 'is longer than 255 characters' });
});
