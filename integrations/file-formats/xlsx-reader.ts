import { createReadStream } from 'node:fs';
import ExcelJS from 'exceljs';
import { ROW_BATCH, UnreadableFileError, type FileRow } from './csv-reader';
import { SpillingStringTable } from './spilling-string-table';

// XLSX workbooks (the Amazon Ads console's default download) streamed row by row with exceljs's streaming reader.
// Rows are never kept, and the shared-strings table (every distinct text of the workbook, which worksheets refer
// to by index) spills to a temporary file past a memory budget, so memory stays flat however large the file.
// Worksheets stored before that table in the ZIP are spooled to temporary files by exceljs. Cells become the strings a CSV download of the same report would hold, near enough for
// the cell parsers: dates as YYYY-MM-DD, numbers without float noise, formulas as their result.

export interface XlsxRow extends FileRow {
  sheetName: string;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** An XLSX file is a ZIP archive. */
export function isXlsx(head: Buffer): boolean {
  return head.subarray(0, 4).equals(ZIP_MAGIC);
}

/** Excel shows 15 significant digits; a double read back carries noise beyond them (16.120000000000001). */
function numberText(n: number): string {
  if (!Number.isFinite(n)) return '';
  const text = String(Number(n.toPrecision(15)));
  return text.includes('e') ? n.toFixed(20).replace(/\.?0+$/, '') : text;
}

type SharedStringRef = { sharedString: number };
type SharedStringEvent = { index: number; text: string | null | { richText: ExcelJS.RichText[] } };
type WorkbookEvent = { eventType: string; value: unknown } | SharedStringEvent;

function cellText(value: ExcelJS.CellValue | SharedStringRef, strings: SpillingStringTable): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  // Date cells are read as UTC midnight of the day Excel shows (plus the time of day, if any).
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if ('sharedString' in value) return strings.get(value.sharedString) ?? '';
  if ('error' in value) return '';
  if ('richText' in value) return value.richText.map((part) => part.text ?? '').join('');
  if ('formula' in value || 'sharedFormula' in value) return cellText((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue, strings);
  if ('text' in value) return cellText((value as ExcelJS.CellHyperlinkValue).text, strings);
  return '';
}

/**
 * Streams the rows of every worksheet, in workbook order, in batches of up to ROW_BATCH rows of one sheet.
 * `rowNumber` is the spreadsheet's row number (blank rows are skipped, leaving a gap), `cells[0]` is column A.
 * A file that is not a readable workbook raises UnreadableFileError naming it.
 */
export async function* readXlsxRowBatches(path: string, fileName: string): AsyncGenerator<XlsxRow[]> {
  const progress = { bytes: 0 };
  const input = createReadStream(path, { highWaterMark: 256 * 1024 });
  input.on('data', (chunk) => (progress.bytes += chunk.length));
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'emit',
    styles: 'cache', // number formats tell dates from numbers
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const strings = new SpillingStringTable();
  let sheetIndex = -1;
  try {
    // parse() is exceljs's own event stream: shared strings arrive as {index, text}, worksheets as events.
    const events = (workbook as unknown as { parse(): AsyncIterable<WorkbookEvent> }).parse();
    for await (const event of events) {
      if ('index' in event) {
        const { text } = event;
        strings.push(text === null || typeof text === 'string' ? (text ?? '') : text.richText.map((part) => part.text ?? '').join(''));
        continue;
      }
      if (event.eventType !== 'worksheet') continue;
      sheetIndex += 1;
      const worksheet = event.value as { name: string } & AsyncIterable<ExcelJS.Row>;
      let batch: XlsxRow[] = [];
      for await (const row of worksheet) {
        // row.values is 1-based and sparse: index 1 is column A.
        const values = row.values as Array<ExcelJS.CellValue | SharedStringRef>;
        const cells = Array.from({ length: Math.max(values.length - 1, 0) }, (_, i) => cellText(values[i + 1], strings).trim());
        if (cells.every((cell) => cell === '')) continue;
        batch.push({ rowNumber: row.number, cells, bytesRead: progress.bytes, sheetIndex, sheetName: worksheet.name });
        if (batch.length >= ROW_BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    }
  } catch (err) {
    throw new UnreadableFileError(`${fileName} is not a readable XLSX workbook: ${(err as Error).message}`);
  } finally {
    input.destroy();
    strings.close();
  }
  if (sheetIndex < 0) throw new UnreadableFileError(`${fileName} is not a readable XLSX workbook: it has no worksheet`);
}
