import type { CellError } from './values';

/** One keyword-metric row, normalized from any file format (money as decimal strings, never floats). */
export interface KeywordRow {
  date: string;
  portfolioName: string | null;
  campaignName: string | null;
  adGroupName: string | null;
  keyword: string;
  matchType: 'exact' | 'phrase' | 'broad' | 'auto' | 'product' | null;
  searchTerm: string | null;
  impressions: number;
  clicks: number;
  spend: string;
  orders: number;
  sales: string;
  metadata: Record<string, string | number>;
}

export type KeywordSource = 'csv_amazon' | 'csv_helium10' | 'csv_zonguru';

/**
 * One product's sales on one day (channel amazon), normalized from a sales file. A Business Report fills the
 * total side, an advertised product report the ad-attributed side; `asin` null is the brand's whole day.
 */
export interface SalesRow {
  date: string;
  asin: string | null;
  sku: string | null;
  sales: string;
  units: number | null;
}

/** Which half of SalesDaily a sales file reports: organic is derived from both in the database. */
export type SalesSide = 'total' | 'ad_attributed';

/** How a column is found: the normalized header texts it goes by across years and tools. */
export interface ColumnSpec {
  aliases: string[];
  required?: boolean;
}

/** What a row mapper sees: raw cells by field, and by header for the columns no field claimed. */
export interface RowCells {
  /** The raw cell of a field's column; undefined when the file has no such column. */
  get(field: string): unknown;
  /** Has the file a column for this field? */
  has(field: string): boolean;
  /** Columns without a field of their own: their metadata key (from metadataKey), raw cell and original header. */
  extra: Array<[key: string, cell: unknown, header: string]>;
}

export interface MappingContext {
  /** The snapshot date for formats whose rows carry none (Helium 10 exports): from the file name or the upload day. */
  snapshotDate: string;
  /** The day the uploader says a dateless sales report covers (Business Report by child ASIN); null when not given. */
  reportDate: string | null;
}

interface FileFormatBase {
  id: string;
  label: string;
  /** Where the file comes from: the KeywordMetric source, and what an uploader's `source` hint selects. */
  source: KeywordSource;
  columns: Record<string, ColumnSpec>;
}

export interface KeywordFileFormat extends FileFormatBase {
  target: 'keyword_metrics';
  /** Builds the row, or throws a FieldError (via `field(...)`) naming the column that is wrong. */
  mapRow(cells: RowCells, context: MappingContext): KeywordRow;
}

export interface SalesFileFormat extends FileFormatBase {
  target: 'sales_daily';
  side: SalesSide;
  /** The file has no date column: every row is on the uploader's `reportDate`, which the import then requires. */
  needsReportDate?: boolean;
  mapRow(cells: RowCells, context: MappingContext): SalesRow;
}

export type FileFormat = KeywordFileFormat | SalesFileFormat;

/** A rejected cell: which field (the mapper resolves it to the file's header), the raw value, and why. */
export class FieldError extends Error {
  override readonly name = 'FieldError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(reason);
  }
}

/** Parses a field's cell with `parse`, turning a CellError into a FieldError that names the field. */
export function field<T>(cells: RowCells, name: string, parse: (raw: unknown) => T): T {
  const raw = cells.get(name);
  try {
    return parse(raw);
  } catch (err) {
    const reason = (err as CellError).message;
    throw new FieldError(name, raw, reason);
  }
}

/** Like `field`, but an empty cell is an error: the row cannot exist without it. */
export function requiredField<T>(cells: RowCells, name: string, parse: (raw: unknown) => T | null): T {
  const value = field(cells, name, parse);
  if (value === null) throw new FieldError(name, cells.get(name), 'is empty');
  return value;
}
