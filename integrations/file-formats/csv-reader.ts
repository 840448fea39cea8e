import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { parse } from 'csv-parse';

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

/** Decodes a byte stream to text incrementally, counting the bytes that went in. */
function decoder(encoding: CsvShape['encoding'], progress: { bytes: number }): Transform {
  const textDecoder = new TextDecoder(encoding);
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      progress.bytes += chunk.length;
      done(null, textDecoder.decode(chunk, { stream: true }));
    },
    flush(done) {
      done(null, textDecoder.decode());
    },
  });
}

export const ROW_BATCH = 1000;

/**
 * Streams the records of a CSV file in batches of up to ROW_BATCH (what the parser has ready: one promise per
 * batch, not per row); memory stays flat whatever the file's size.
 */
export async function* readCsvRowBatches(path: string, shape: CsvShape): AsyncGenerator<FileRow[]> {
  const progress = { bytes: 0 };
  const parser = createReadStream(path, { highWaterMark: 256 * 1024 })
    .pipe(decoder(shape.encoding, progress))
    .pipe(parse({ bom: true, delimiter: shape.delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true }));
  let rowNumber = 0;
  try {
    for (;;) {
      const batch: FileRow[] = [];
      let record: string[] | null;
      while (batch.length < ROW_BATCH && (record = parser.read() as string[] | null) !== null) {
        rowNumber += 1;
        // A line of only delimiters (left by a spreadsheet) is an empty row.
        if (record.every((cell) => cell.trim() === '')) continue;
        batch.push({ rowNumber, cells: record, bytesRead: progress.bytes, sheetIndex: 0 });
      }
      if (batch.length > 0) {
        yield batch;
        continue;
      }
      if (parser.readableEnded) return;
      const waiting = new AbortController();
      // events.once rejects on 'error': a parse error surfaces here.
      await Promise.race([once(parser, 'readable', { signal: waiting.signal }), once(parser, 'end', { signal: waiting.signal })]).finally(() => waiting.abort());
    }
  } finally {
    parser.destroy();
  }
}
