import type { FileFormat, KeywordRow, SalesRow } from './format';

// The last check on every normalized row before it is staged: what the database columns can hold. The cell
// parsers have already said what is wrong with a cell in a seller's terms; this catches what they let through
// (an amount too large for DECIMAL(10,2), a count beyond INTEGER), so that one row is rejected instead of the
// whole merge failing. Hand-written (a zod object schema per row cost 3 s of CPU per million rows); its reasons are
// the ones the zod schemas gave (tests/row-check.test.ts compares both on every kind of problem).

const MAX_MONEY = 99_999_999.99;
const MAX_COUNT = 2_147_483_647;
const MATCH_TYPES: ReadonlySet<string> = new Set(['exact', 'phrase', 'broad', 'auto', 'product']);
/** An ISO calendar date that exists (leap years included), as zod's `z.iso.date()` accepts. */
const ISO_DATE =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))$/;
const AMOUNT = /^\d+(\.\d+)?$/;
const ASIN = /^[A-Z0-9]{10}$/;

export interface RowProblem {
  field: string;
  value: unknown;
  reason: string;
}

/** What a value is, in the words of a type error ("expected string, received null"). */
function received(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? 'number' : value > 0 ? 'Infinity' : '-Infinity';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const expected = (type: string, value: unknown) => `Invalid input: expected ${type}, received ${received(value)}`;

function checkDate(value: unknown): string | null {
  if (typeof value !== 'string') return expected('string', value);
  return ISO_DATE.test(value) ? null : 'Invalid ISO date';
}

function checkText(value: unknown, max: number, nullable: boolean): string | null {
  if (value === null && nullable) return null;
  if (typeof value !== 'string') return expected('string', value);
  return value.length > max ? `is longer than ${max} characters` : null;
}

function checkCount(value: unknown, nullable = false): string | null {
  if (value === null && nullable) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) return expected('number', value);
  if (!Number.isInteger(value)) return 'Invalid input: expected int, received number';
  if (value < 0) return 'is negative';
  if (value > MAX_COUNT) return `is larger than ${MAX_COUNT.toLocaleString('en-US')}`;
  return null;
}

function checkMoney(value: unknown): string | null {
  if (typeof value !== 'string') return expected('string', value);
  if (!AMOUNT.test(value)) return 'is not a non-negative amount';
  return Number(value) <= MAX_MONEY ? null : `is larger than ${MAX_MONEY.toLocaleString('en-US')}`;
}

function checkMetadata(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return expected('record', value);
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item !== 'string' && typeof item !== 'number') return 'Invalid input';
  }
  return null;
}

function checkKeywordRow(row: KeywordRow): RowProblem | null {
  let reason: string | null;
  if ((reason = checkDate(row.date))) return { field: 'date', value: row.date, reason };
  if ((reason = checkText(row.portfolioName, 255, true))) return { field: 'portfolio', value: row.portfolioName, reason };
  if ((reason = checkText(row.campaignName, 255, true))) return { field: 'campaign', value: row.campaignName, reason };
  if ((reason = checkText(row.adGroupName, 255, true))) return { field: 'adGroup', value: row.adGroupName, reason };
  if ((reason = checkText(row.keyword, 500, false) ?? (row.keyword.length === 0 ? 'is empty' : null))) return { field: 'keyword', value: row.keyword, reason };
  if (row.matchType !== null && !MATCH_TYPES.has(row.matchType as string)) {
    return { field: 'matchType', value: row.matchType, reason: 'Invalid option: expected one of "exact"|"phrase"|"broad"|"auto"|"product"' };
  }
  if ((reason = checkText(row.searchTerm, 500, true))) return { field: 'searchTerm', value: row.searchTerm, reason };
  if ((reason = checkCount(row.impressions))) return { field: 'impressions', value: row.impressions, reason };
  if ((reason = checkCount(row.clicks))) return { field: 'clicks', value: row.clicks, reason };
  if ((reason = checkMoney(row.spend))) return { field: 'spend', value: row.spend, reason };
  if ((reason = checkCount(row.orders))) return { field: 'orders', value: row.orders, reason };
  if ((reason = checkMoney(row.sales))) return { field: 'sales', value: row.sales, reason };
  if ((reason = checkMetadata(row.metadata))) return { field: 'metadata', value: row.metadata, reason };
  return null;
}

function checkSalesRow(row: SalesRow): RowProblem | null {
  let reason: string | null;
  if ((reason = checkDate(row.date))) return { field: 'date', value: row.date, reason };
  if (row.asin !== null) {
    if (typeof row.asin !== 'string') return { field: 'asin', value: row.asin, reason: expected('string', row.asin) };
    if (!ASIN.test(row.asin)) return { field: 'asin', value: row.asin, reason: 'Invalid string: must match pattern /^[A-Z0-9]{10}$/' };
  }
  if ((reason = checkText(row.sku, 100, true))) return { field: 'sku', value: row.sku, reason };
  if ((reason = checkMoney(row.sales))) return { field: 'sales', value: row.sales, reason };
  if ((reason = checkCount(row.units, true))) return { field: 'units', value: row.units, reason };
  return null;
}

/** Checks a normalized row; answers the first problem, or null when the row fits the database. */
export function checkRow(target: FileFormat['target'], row: KeywordRow | SalesRow): RowProblem | null {
  return target === 'keyword_metrics' ? checkKeywordRow(row as KeywordRow) : checkSalesRow(row as SalesRow);
}
