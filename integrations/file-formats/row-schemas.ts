import { z } from 'zod';
import type { FileFormat, KeywordRow, SalesRow } from './format';

// The last check on every normalized row before it is staged: what the database columns can hold. The cell
// parsers have already said what is wrong with a cell in a seller's terms; this catches what they let through
// (an amount too large for DECIMAL(10,2), a count beyond INTEGER), so that one row is rejected instead of the
// whole merge failing.

const MAX_MONEY = 99_999_999.99;
const MAX_COUNT = 2_147_483_647;

const money = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'is not a non-negative amount')
  .refine((value) => Number(value) <= MAX_MONEY, `is larger than ${MAX_MONEY.toLocaleString('en-US')}`);
const count = z.number().int().min(0, 'is negative').max(MAX_COUNT, `is larger than ${MAX_COUNT.toLocaleString('en-US')}`);
const text = (max: number) => z.string().max(max, `is longer than ${max} characters`);

export const keywordRowSchema = z.object({
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
}) satisfies z.ZodType<KeywordRow>;

export const salesRowSchema = z.object({
  date: z.iso.date(),
  asin: z.string().regex(/^[A-Z0-9]{10}$/).nullable(),
  sku: text(100).nullable(),
  sales: money,
  units: count.nullable(),
}) satisfies z.ZodType<SalesRow>;

/** The row field a schema names → the format field whose column it came from (for the error's column). */
const FORMAT_FIELD: Record<string, string> = { portfolioName: 'portfolio', campaignName: 'campaign', adGroupName: 'adGroup' };

export interface RowProblem {
  field: string;
  value: unknown;
  reason: string;
}

/** Checks a normalized row; answers the first problem, or null when the row fits the database. */
export function checkRow(target: FileFormat['target'], row: KeywordRow | SalesRow): RowProblem | null {
  const result = (target === 'keyword_metrics' ? keywordRowSchema : salesRowSchema).safeParse(row);
  if (result.success) return null;
  const issue = result.error.issues[0]!;
  const key = String(issue.path[0] ?? '');
  return { field: FORMAT_FIELD[key] ?? key, value: (row as unknown as Record<string, unknown>)[key], reason: issue.message };
}
