import { open } from 'node:fs/promises';
import { inspectCsv, readCsvRowBatches, type FileRow } from './csv-reader';
import type { FileFormat } from './format';
import { FILE_FORMATS, findFormat, unknownFormatError, type BoundFormat } from './registry';
import { isXlsx, readXlsxRowBatches } from './xlsx-reader';

// A report file as rows, whatever its container: a CSV (any delimiter or encoding) or an XLSX workbook (every
// sheet; the one whose header matches a format is the report). Both are streamed.

export type ReportRow = FileRow;

export interface DetectedReport {
  bound: BoundFormat;
  /** The sheet of a workbook the report is on (0 for a CSV). */
  sheetIndex: number;
  /** The report's rows, header included, in batches. */
  batches(): AsyncGenerator<ReportRow[]>;
  rows(): AsyncGenerator<ReportRow>;
}

const HEADER_SCAN_ROWS = 10;

async function fileHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(8);
    const { bytesRead } = await handle.read(buffer, 0, 8, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function batchesOf(path: string, fileName: string): Promise<() => AsyncGenerator<ReportRow[]>> {
  if (isXlsx(await fileHead(path))) return () => readXlsxRowBatches(path, fileName);
  const shape = await inspectCsv(path, fileName);
  return () => readCsvRowBatches(path, shape);
}

/**
 * Opens a report and finds its format from the header row among the first rows of each sheet. Throws
 * UnknownFileFormatError (listing the formats) when no sheet matches, UnreadableFileError when it cannot be read.
 */
export async function openReport(path: string, fileName: string, formats: readonly FileFormat[] = FILE_FORMATS): Promise<DetectedReport> {
  const allBatches = await batchesOf(path, fileName);
  async function* allRows() {
    for await (const batch of allBatches()) yield* batch;
  }
  const firstRowsBySheet = new Map<number, unknown[][]>();
  const tryDetect = (sheetIndex: number) => findFormat(firstRowsBySheet.get(sheetIndex) ?? [], formats);
  let current = -1;
  for await (const row of allRows()) {
    if (row.sheetIndex !== current) {
      if (current >= 0) {
        const bound = tryDetect(current);
        if (bound) return report(bound, current);
      }
      current = row.sheetIndex;
      firstRowsBySheet.set(current, []);
    }
    const firstRows = firstRowsBySheet.get(current)!;
    if (firstRows.length < HEADER_SCAN_ROWS) firstRows.push(row.cells);
    else if (firstRows.length === HEADER_SCAN_ROWS) {
      const bound = tryDetect(current);
      if (bound) return report(bound, current);
      firstRows.push([]); // tried: skip the rest of this sheet
    }
  }
  if (current >= 0) {
    const bound = tryDetect(current);
    if (bound) return report(bound, current);
  }
  throw unknownFormatError(firstRowsBySheet.get(0) ?? [], fileName, formats);

  function report(bound: BoundFormat, sheetIndex: number): DetectedReport {
    async function* batches() {
      for await (const batch of allBatches()) {
        const sheet = batch[0]!.sheetIndex; // a batch holds rows of one sheet
        if (sheet === sheetIndex) yield batch;
        else if (sheet > sheetIndex) return;
      }
    }
    return {
      bound,
      sheetIndex,
      batches,
      async *rows() {
        for await (const batch of batches()) yield* batch;
      },
    };
  }
}
