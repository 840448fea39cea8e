import { copyFile, mkdtemp, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { UnreadableFileError } from '../integrations/file-formats/csv-reader';
import { openReport } from '../integrations/file-formats/report-file';
import { SpillingStringTable } from '../integrations/file-formats/spilling-string-table';
import { readXlsxRowBatches, type XlsxRow } from '../integrations/file-formats/xlsx-reader';

// The XLSX reader on workbooks written by exceljs (as Excel writes them: shared strings, styles, number formats).

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xlsx-'));
});

async function rowsOf(file: string): Promise<XlsxRow[]> {
  const rows: XlsxRow[] = [];
  for await (const batch of readXlsxRowBatches(file, path.basename(file))) rows.push(...batch);
  return rows;
}

test('cells read as the CSV download of the same report would have them', async () => {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Report');
  sheet.addRow(['Date', 'Id', 'Spend', 'Rate', 'Flag', 'Name', 'Total', 'Link', 'Broken']);
  const row = sheet.addRow([
    new Date(Date.UTC(2026, 10, 24, 15, 30)),
    144382946392851,
    16.120000000000001,
    0.0257,
    true,
    { richText: [{ text: 'Garlic ' }, { font: { bold: true }, text: 'Press' }] },
    { formula: 'C2*2', result: 32.24 },
    { text: 'B0ABCDEF12', hyperlink: 'https://www.amazon.com/dp/B0ABCDEF12' },
    { error: '#N/A' },
  ]);
  row.getCell(1).numFmt = 'mmm dd, yyyy';
  row.getCell(4).numFmt = '0.00%';
  sheet.addRow([]);
  sheet.addRow(['', null, '']);
  sheet.addRow(['last']);
  const file = path.join(dir, 'cells.xlsx');
  await workbook.xlsx.writeFile(file);

  const rows = await rowsOf(file);
  expect(rows.map((r) => r.rowNumber)).toEqual([1, 2, 5]); // blank rows skipped, numbers kept
  expect(rows[1]!.cells).toEqual(['2026-11-24', '144382946392851', '16.12', '0.0257', 'TRUE', 'Garlic Press', '32.24', 'B0ABCDEF12', '']);
  expect(rows[2]!.cells).toEqual(['last']);
  expect(rows.every((r) => r.sheetIndex === 0 && r.sheetName === 'Report')).toBe(true);
  expect(rows.at(-1)!.bytesRead).toBe((await stat(file)).size);
});

test('the report is found on whichever sheet its header is, and only that sheet is read', async () => {
  const fixture = path.join(__dirname, 'fixtures', 'imports', 'amazon-sp-search-term-legacy-daily.xlsx');
  const report = await openReport(fixture, 'amazon-sp-search-term-legacy-daily.xlsx');
  expect(report.bound.format.id).toBe('amazon_sp_search_term');
  expect(report.sheetIndex).toBe(1);
  const rows = [];
  for await (const row of report.rows()) rows.push(row);
  expect(rows).toHaveLength(8); // header + 7 rows; the "About" sheet is not part of it
  expect(rows.every((r) => r.sheetIndex === 1)).toBe(true);
});

test('a truncated or fake workbook is an UnreadableFileError naming the file', async () => {
  const fixture = path.join(__dirname, 'fixtures', 'imports', 'amazon-sp-search-term-legacy-daily.xlsx');
  const truncated = path.join(dir, 'Sponsored Products Search term report.xlsx');
  await copyFile(fixture, truncated);
  await truncate(truncated, Math.floor((await stat(fixture)).size / 2));
  await expect(rowsOf(truncated)).rejects.toThrow(UnreadableFileError);
  await expect(rowsOf(truncated)).rejects.toThrow(/^Sponsored Products Search term report\.xlsx is not a readable XLSX workbook/);

  const fake = path.join(dir, 'fake.xlsx');
  await writeFile(fake, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100, 1)]));
  await expect(rowsOf(fake)).rejects.toThrow(/^fake\.xlsx is not a readable XLSX workbook/);
});

test('the shared-strings table spills to disk past its memory budget and reads back every string', () => {
  const table = new SpillingStringTable(1024);
  const texts = Array.from({ length: 5000 }, (_, i) => `search term ${i} ${'ü'.repeat(i % 7)}`);
  for (const text of texts) table.push(text);
  try {
    expect(table.length).toBe(5000);
    expect(texts.every((text, i) => table.get(i) === text)).toBe(true);
    expect(table.get(5000)).toBeUndefined();
  } finally {
    table.close();
  }
});

test('a workbook with more distinct strings than the memory budget imports the same rows', async () => {
  const file = path.join(dir, 'many-strings.xlsx');
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
  const sheet = writer.addWorksheet('Report');
  for (let i = 0; i < 20_000; i += 1) sheet.addRow([`term ${i} ${'x'.repeat(900)}`, i]).commit();
  sheet.commit();
  await writer.commit();
  let count = 0;
  let checksum = 0;
  for await (const row of (async function* () {
    for await (const batch of readXlsxRowBatches(file, 'many-strings.xlsx')) yield* batch;
  })()) {
    count += 1;
    expect(row.cells[0]!.startsWith(`term ${row.cells[1]} `)).toBe(true);
    checksum += Number(row.cells[1]);
  }
  expect(count).toBe(20_000);
  expect(checksum).toBe((19_999 * 20_000) / 2);
  expect((await readFile(file)).length).toBeGreaterThan(0);
});
