import type { FileFormat, RowCells } from './format';
import { amazonBusinessReportByChildAsin, amazonBusinessReportByDate } from './formats/amazon-business-report';
import { amazonAdvertisedProductReport, amazonSearchTermReport, amazonTargetingReport } from './formats/amazon-sponsored-products';
import { helium10Cerebro, helium10KeywordTracker, helium10Magnet } from './formats/helium10';
import { zonguruKeywordsOnFire } from './formats/zonguru';
import { metadataKey, normalizeHeader } from './headers';

/** Every format the importer reads, most specific first (a search term report also has a targeting column). */
export const FILE_FORMATS: readonly FileFormat[] = [
  amazonSearchTermReport,
  amazonTargetingReport,
  amazonAdvertisedProductReport,
  amazonBusinessReportByChildAsin,
  amazonBusinessReportByDate,
  helium10Cerebro,
  helium10Magnet,
  helium10KeywordTracker,
  zonguruKeywordsOnFire,
];

export class UnknownFileFormatError extends Error {
  override readonly name = 'UnknownFileFormatError';
}

/** A format bound to one file's header row: maps each data row's cells to the format's fields. */
export interface BoundFormat {
  format: FileFormat;
  /** 1-based line of the header row (a preamble may precede it). */
  headerLine: number;
  headers: string[];
  /** The file's header for a field, for error messages. */
  headerOf(field: string): string;
  cells(row: unknown[]): RowCells;
}

function bind(format: FileFormat, headers: string[], headerLine: number): BoundFormat | undefined {
  const positions = new Map<string, number>();
  headers.forEach((h, i) => {
    const key = normalizeHeader(h);
    if (key && !positions.has(key)) positions.set(key, i);
  });
  const fieldIndex = new Map<string, number>();
  for (const [name, spec] of Object.entries(format.columns)) {
    const alias = spec.aliases.find((a) => positions.has(a));
    if (alias !== undefined) fieldIndex.set(name, positions.get(alias)!);
    else if (spec.required) return undefined;
  }
  const claimed = new Set(fieldIndex.values());
  // Metadata keys are worked out once per file, not per row.
  const extras = headers.flatMap((h, i) => (!claimed.has(i) && h.trim() !== '' ? [[metadataKey(h), i, h.trim()] as const] : []));
  return {
    format,
    headerLine,
    headers,
    headerOf: (name) => {
      const i = fieldIndex.get(name);
      return i === undefined ? (format.columns[name]?.aliases[0] ?? name) : headers[i]!.replace(/^\ufeff/, '').trim();
    },
    cells: (row) => ({
      get: (name) => {
        const i = fieldIndex.get(name);
        return i === undefined ? undefined : row[i];
      },
      has: (name) => fieldIndex.has(name),
      extra: extras.map(([key, i, header]) => [key, row[i], header]),
    }),
  };
}

/** Finds the header row among the first rows (a preamble may precede it) and the format it belongs to. */
export function findFormat(firstRows: unknown[][], formats: readonly FileFormat[] = FILE_FORMATS): BoundFormat | undefined {
  for (const [index, row] of firstRows.entries()) {
    const headers = row.map((c) => (c === null || c === undefined ? '' : String(c)));
    for (const format of formats) {
      const bound = bind(format, headers, index + 1);
      if (bound) return bound;
    }
  }
  return undefined;
}

/** The error for a file no format matches: what its first line has, and every known format with the headers it needs. */
export function unknownFormatError(firstRows: unknown[][], fileName: string, formats: readonly FileFormat[] = FILE_FORMATS): UnknownFileFormatError {
  const seen = (firstRows[0] ?? []).map((c) => String(c ?? '').trim()).filter(Boolean).slice(0, 12);
  const expected = formats.map((f) => {
    const required = Object.values(f.columns).filter((c) => c.required).map((c) => `"${c.aliases[0]}"`);
    return `  - ${f.label}: needs columns ${required.join(', ')}`;
  });
  return new UnknownFileFormatError(
    [
      `${fileName}: unknown file format. Its first line has the columns ${seen.length ? seen.map((s) => `"${s}"`).join(', ') : '(none)'}.`,
      'Known formats (headers are matched without regard to case, spacing or 7/14-day attribution):',
      ...expected,
    ].join('\n'),
  );
}

export function detectFormat(firstRows: unknown[][], fileName: string, formats: readonly FileFormat[] = FILE_FORMATS): BoundFormat {
  const bound = findFormat(firstRows, formats);
  if (!bound) throw unknownFormatError(firstRows, fileName, formats);
  return bound;
}
