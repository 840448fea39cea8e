import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { CsvRecordParser, CsvSyntaxError } from './csv-record-parser';

export class UnreadableFileError extends Error {
  override readonly name = 'UnreadableFileError';
}

export interface FileRow {
  /** 1-based record number, as a spreadsheet numbers rows (the header row is a row too). */
  rowNumber: number;
  cells: string[];
  /** Bytes of the file read so far (for progress). */
  bytesRead: number;
  /** The worksheet of a workbook (always 0 in a CSV). */
  sheetIndex: number;
}

export interface CsvShape {
  delimiter: string;
  encoding: 'utf-8' | 'windows-1252';
}

const SNIFF_BYTES = 64 * 1024;

/** Counts a delimiter outside double quotes. */
function countOutsideQuotes(line: string, delimiter: string): number {
  let inQuotes = false;
  let count = 0;
  for (const ch of line) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (ch === delimiter && !inQuotes) count += 1;
  }
  return count;
}

/**
 * Looks at the start of a file: refuses binary files (report-file.ts sends XLSX workbooks elsewhere), picks UTF-8 unless the bytes are not
 * valid UTF-8 (then Windows-1252, what Excel writes when it re-saves a CSV), and sniffs the delimiter (`,`,
 * `;` from European Excel, or tab) from the first line that has one.
 */
export async function inspectCsv(path: string, fileName: string): Promise<CsvShape> {
  const handle = await open(path, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (head.length === 0) throw new UnreadableFileError(`${fileName} is empty`);
  if (head.includes(0)) throw new UnreadableFileError(`${fileName} is not a CSV or XLSX file (it contains binary data)`);

  let encoding: CsvShape['encoding'] = 'utf-8';
  // A multi-byte character may be cut at the end of the sample: ignore an incomplete tail.
  const sample = head.length === SNIFF_BYTES ? head.subarray(0, head.length - 4) : head;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample);
  } catch {
    encoding = 'windows-1252';
  }
  const text = new TextDecoder(encoding).decode(sample);
  const firstLines = text.split(/\r?\n/).filter((l) => l.trim() !== '').slice(0, 10);
  let delimiter = ',';
  let best = 0;
  for (const line of firstLines) {
    for (const candidate of [',', ';', '\t']) {
      const count = countOutsideQuotes(line, candidate);
      if (count > best) {
        best = count;
        delimiter = candidate;
      }
    }
    if (best > 0) break;
  }
  return { delimiter, encoding };
}

export const ROW_BATCH = 1000;

/**
 * Streams the records of a CSV file in batches of up to ROW_BATCH (what one chunk of the file completes: one
 * promise per batch, not per row); memory stays flat whatever the file's size. A quote still open at the end of
 * the file makes it unreadable.
 */
export async function* readCsvRowBatches(path: string, shape: CsvShape): AsyncGenerator<FileRow[]> {
  const textDecoder = new TextDecoder(shape.encoding);
  const parser = new CsvRecordParser(shape.delimiter);
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  let bytesRead = 0;
  let rowNumber = 0;
  const records: string[][] = [];
  function* batchesOf(): Generator<FileRow[]> {
    let batch: FileRow[] = [];
    for (const cells of records) {
      rowNumber += 1;
      // A line of only delimiters (left by a spreadsheet) is an empty row.
      if (isBlank(cells)) continue;
      batch.push({ rowNumber, cells, bytesRead, sheetIndex: 0 });
      if (batch.length === ROW_BATCH) {
        yield batch;
        batch = [];
      }
    }
    records.length = 0;
    if (batch.length > 0) yield batch;
  }
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      parser.push(textDecoder.decode(chunk, { stream: true }), records);
      yield* batchesOf();
    }
    parser.push(textDecoder.decode(), records);
    try {
      parser.end(records);
    } catch (err) {
      if (err instanceof CsvSyntaxError) throw new UnreadableFileError(`The file ends inside a quoted field (row ${rowNumber + records.length + 1}): ${err.message}`);
      throw err;
    }
    yield* batchesOf();
  } finally {
    stream.destroy();
  }
}

function isBlank(cells: string[]): boolean {
  for (const cell of cells) if (cell.length > 0 && cell.trim() !== '') return false;
  return true;
}
