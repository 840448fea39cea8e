// Run by tests/xlsx-reader.test.ts in a fresh Node process, so that its heap holds nothing but the reading:
//   node --import tsx xlsx-memory-probe.ts write <file> <rows>     a search term report of <rows> rows
//   node --expose-gc --import tsx xlsx-memory-probe.ts read <file>  prints {rows, checks, memory} as JSON
import { stat } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { readXlsxRows } from '../../integrations/file-formats/xlsx-reader';

const FIRST_ID = 144382946392851;

async function write(file: string, rows: number): Promise<void> {
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: true });
  const sheet = writer.addWorksheet('Sponsored Product Search Term R');
  sheet.addRow(['Date', 'Customer Search Term', 'Campaign Id', 'Clicks', 'Spend']).commit();
  for (let i = 0; i < rows; i += 1) {
    const row = sheet.addRow([new Date(Date.UTC(2026, 10, 1 + (i % 28))), `garlic press ${i}`, FIRST_ID + i, i % 97, (i % 1000) / 100]);
    row.getCell(1).numFmt = 'mmm dd, yyyy';
    row.commit();
  }
  sheet.commit();
  await writer.commit();
}

async function read(file: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  /** Heap still in use after a full collection: what the reading keeps, not garbage awaiting collection. */
  const retained = () => {
    gc();
    return process.memoryUsage().heapUsed;
  };
  const base = retained();
  const retainedDuringRead: number[] = [];
  let peakHeapUsed = 0;
  let peakRss = 0;
  let rows = 0;
  let wrongRows = 0;
  let idSum = 0;
  for await (const row of readXlsxRows(file, 'large.xlsx')) {
    rows += 1;
    if (rows % 1000 === 0) {
      const { heapUsed, rss } = process.memoryUsage();
      peakHeapUsed = Math.max(peakHeapUsed, heapUsed);
      peakRss = Math.max(peakRss, rss);
    }
    if (rows % 50_000 === 0) retainedDuringRead.push(retained() - base);
    if (row.rowNumber === 1) continue;
    const i = row.rowNumber - 2;
    if (row.cells[0] !== `2026-11-${String(1 + (i % 28)).padStart(2, '0')}` || row.cells[1] !== `garlic press ${i}`) wrongRows += 1;
    idSum += Number(row.cells[2]) - FIRST_ID;
  }
  const fileSize = (await stat(file)).size;
  process.stdout.write(`${JSON.stringify({ rows, wrongRows, idSum, fileSize, baseHeapUsed: base, retainedDuringRead, peakHeapUsed, peakRss })}\n`);
}

const [mode, file, rows] = process.argv.slice(2);
void (mode === 'write' ? write(file!, Number(rows)) : read(file!)).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
