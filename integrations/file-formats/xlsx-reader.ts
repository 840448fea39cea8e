import { createReadStream } from 'node:fs';
import ExcelJS from 'exceljs';
import { ROW_BATCH, UnreadableFileError, type FileRow } from './csv-reader';
import { SpillingStringTable } from './spilling-string-table';

// XLSX workbooks (the Amazon Ads console's default download) streamed row by row with exceljs's streaming reader.
// Rows are never kept, and the shared-strings table (every distinct text of the workbook, which worksheets refer
// to by index) spills to a temporary file past a memory budget, so memory stays flat however large the file.
// Cells become the strings a CSV download of the same report would hold: dates as YYYY-MM-DD, numbers without
// float noise or exponents, formulas as their cached result.
//
// With sharedStrings 'emit', exceljs spools every worksheet to a temporary file and parses it once the whole ZIP
// has been read, so styles (which tell dates from numbers) are known whatever the order of the ZIP's entries.
// The price: the first row comes after the whole file has been read (`bytesRead` is then the file's size).

export interface XlsxRow extends FileRow {
  sheetIndex: number;
  sheetName: string;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** An XLSX file is a ZIP archive. */
export function isXlsx(head: Buffer): boolean {
  return head.subarray(0, 4).equals(ZIP_MAGIC);
}

/** Expands `1.5e-7` to `0.00000015` (String() uses exponents below 1e-6). */
function withoutExponent(text: string): string {
  const m = /^(-?)(\d)(?:\.(\d+))?e-(\d+)$/.exec(text);
  return m ? `${m[1]}0.${'0'.repeat(Number(m[4]) - 1)}${m[2]}${m[3] ?? ''}` : text;
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) return '';
  // Ids keep every digit the file holds (String() uses no exponent below 1e21).
  if (Number.isInteger(n)) return String(n);
  // Excel shows 15 significant digits; beyond them is binary noise (0.1+0.2 → 0.30000000000000004).
  return withoutExponent(String(Number(n.toPrecision(15))));
}

/** exceljs's own test for a date number format (utils.isDateFmt, not exported): y m d h s b outside quotes and []. */
function isDateFormat(format: string | undefined): boolean {
  return !!format && /[ymdhMsb]/.test(format.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

/** Excel's serial day number (days since 1899-12-30, or 1904-01-01) as a calendar date. */
function serialDate(serial: number, date1904: boolean): string {
  const date = new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 10);
}

/** unzipper's terse reasons, in words. */
function unreadableReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (message === 'FILE_ENDED') return 'the file ends before the workbook does (truncated?)';
  if (message.startsWith('invalid signature')) return `not a ZIP archive (${message})`;
  return message;
}

type SharedStringRef = { sharedString: number };
type CellValue = ExcelJS.CellValue | SharedStringRef;
type SharedStringEvent = { index: number; text: string | null | { richText: ExcelJS.RichText[] } };
type WorksheetEvent = { eventType: 'worksheet'; value: WorksheetReader };
/** The undocumented parts of exceljs's streaming WorksheetReader used here. */
interface WorksheetReader extends AsyncIterable<ExcelJS.Row> {
  name: string;
  /** The spooled worksheet's file stream, opened when the sheet is emitted. */
  iterator: { destroy?: () => void };
}
interface StreamingWorkbook {
  parse(): AsyncGenerator<SharedStringEvent | WorksheetEvent | { eventType: string; value: unknown }>;
  properties?: { model?: { date1904?: boolean } };
}

function cellText(value: CellValue, strings: SpillingStringTable, formulaDate: (result: number) => string | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  // exceljs reads a date-formatted number as the UTC instant of what Excel shows: its UTC day is the cell's date.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if ('sharedString' in value) return strings.get(value.sharedString) ?? '';
  if ('error' in value) return '';
  if ('richText' in value) return value.richText.map((part) => part.text ?? '').join('');
  if ('formula' in value || 'sharedFormula' in value) {
    // A formula's cached result comes as a number even in a date-formatted cell; an error result as NaN.
    const { result } = value as ExcelJS.CellFormulaValue;
    if (typeof result === 'number') return formulaDate(result) ?? numberText(result);
    return cellText(result as CellValue, strings, formulaDate);
  }
  if ('text' in value) return cellText((value as ExcelJS.CellHyperlinkValue).text, strings, formulaDate);
  return '';
}

/**
 * Streams the rows of every worksheet in batches of up to ROW_BATCH rows of one sheet. Sheets come in the order of
 * their parts in the ZIP (sheet1.xml, sheet2.xml…), which is the tab order in what Excel and exceljs write.
 * `rowNumber` is the spreadsheet's row number (rows with no text are skipped, leaving a gap), `cells[0]` is
 * column A. A file that is not a readable workbook raises UnreadableFileError naming it.
 */
export async function* readXlsxRowBatches(path: string, fileName: string): AsyncGenerator<XlsxRow[]> {
  const progress = { bytes: 0 };
  const input = createReadStream(path, { highWaterMark: 256 * 1024 });
  input.on('data', (chunk) => (progress.bytes += chunk.length));
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'emit', // into the spilling table, not exceljs's in-memory array
    styles: 'cache', // number formats tell dates from numbers
    hyperlinks: 'ignore', // a hyperlink cell is then its text
    entries: 'ignore',
  }) as unknown as StreamingWorkbook;
  const strings = new SpillingStringTable();
  // exceljs's own event stream: shared strings arrive as {index, text}, then the spooled worksheets.
  const events = workbook.parse();
  let sheetIndex = -1;
  let finished = false;
  try {
    for (let next = await events.next(); !next.done; next = await events.next()) {
      const event = next.value;
      if ('index' in event) {
        const { text } = event;
        const plain = text === null || typeof text === 'string' ? (text ?? '') : text.richText.map((part) => part.text ?? '').join('');
        // A copy: the parser's string is a slice of its XML chunk and would keep the whole chunk alive in the table.
        strings.push(Buffer.from(plain, 'utf8').toString('utf8'));
        continue;
      }
      if (event.eventType !== 'worksheet') continue;
      sheetIndex += 1;
      const worksheet = event.value as WorksheetReader;
      const date1904 = workbook.properties?.model?.date1904 === true;
      let batch: XlsxRow[] = [];
      for await (const row of worksheet) {
        // row.values is 1-based and sparse: index 1 is column A.
        const values = row.values as CellValue[];
        const cells = Array.from({ length: Math.max(values.length - 1, 0) }, (_, i) =>
          cellText(values[i + 1], strings, (result) => (isDateFormat(row.getCell(i + 1).numFmt) ? serialDate(result, date1904) : undefined)),
        );
        if (cells.every((cell) => cell.trim() === '')) continue;
        batch.push({ rowNumber: row.number, cells, bytesRead: progress.bytes, sheetIndex, sheetName: worksheet.name });
        if (batch.length >= ROW_BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    }
    finished = true;
  } catch (err) {
    throw new UnreadableFileError(`${fileName} is not a readable XLSX workbook: ${unreadableReason(err)}`);
  } finally {
    input.destroy();
    strings.close();
    // exceljs deletes a spooled worksheet only when asked for the next event: when the reading stops early (the
    // caller found what it wanted, or a sheet is corrupt), walk past the remaining sheets without parsing them.
    if (!finished && sheetIndex >= 0) {
      try {
        for await (const event of events) {
          if ('eventType' in event && event.eventType === 'worksheet') (event.value as WorksheetReader).iterator.destroy?.();
        }
      } catch {
        // the reading has already ended or failed: nothing more to clean
      }
    }
  }
  if (sheetIndex < 0) throw new UnreadableFileError(`${fileName} is not a readable XLSX workbook: it has no worksheet`);
}

/** The rows of readXlsxRowBatches one by one. */
export async function* readXlsxRows(path: string, fileName: string): AsyncGenerator<XlsxRow> {
  for await (const batch of readXlsxRowBatches(path, fileName)) yield* batch;
}
