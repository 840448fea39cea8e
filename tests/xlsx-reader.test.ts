import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { UnreadableFileError } from '../integrations/file-formats/csv-reader';
import { isXlsx, readXlsxRows, type XlsxRow } from '../integrations/file-formats/xlsx-reader';

// The streaming XLSX reader on workbooks written by exceljs (laid out as Excel lays them out: worksheets first,
// then shared strings and styles) and on the committed Amazon Ads console fixture.

const FIXTURE = path.join(__dirname, 'fixtures', 'imports', 'amazon-sp-search-term-legacy-daily.xlsx');
const PROBE = path.join(__dirname, 'support', 'xlsx-memory-probe.ts');
const run = promisify(execFile);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xlsx-reader-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rowsOf(file: string, fileName = path.basename(file)): Promise<XlsxRow[]> {
  const rows: XlsxRow[] = [];
  for await (const row of readXlsxRows(file, fileName)) rows.push(row);
  return rows;
}

async function write(workbook: ExcelJS.Workbook, name: string): Promise<string> {
  const file = path.join(dir, name);
  await workbook.xlsx.writeFile(file);
  return file;
}

test('isXlsx looks for the ZIP signature', () => {
  expect(isXlsx(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]))).toBe(true);
  expect(isXlsx(Buffer.from('Date,Campaign Name\n'))).toBe(false);
  expect(isXlsx(Buffer.from([0x50, 0x4b]))).toBe(false);
});

test('the Amazon Ads console fixture reads as its CSV download: dates, money, fractions, empty cells', async () => {
  const rows = await rowsOf(FIXTURE);
  expect(rows.map((r) => [r.sheetIndex, r.sheetName, r.rowNumber])).toEqual([
    [0, 'About', 1],
    [0, 'About', 2],
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => [1, 'Sponsored Product Search Term R', n]),
  ]);
  expect(rows[1]!.cells).toEqual(['Exported', '2026-11-26']);
  const [header, first, , auto, comma] = rows.slice(2);
  expect(header!.cells[0]).toBe('Date');
  expect(header!.cells[13]).toBe('7 Day Total Sales '); // header text as is, trailing space included
  expect(header!.cells).toHaveLength(19);
  expect(first!.cells).toEqual([
    '2026-11-24', 'Kitchen', 'USD', 'SP - Garlic Press, Exact', 'Exact KWs', 'garlic press', 'EXACT', 'garlic press stainless steel',
    '1204', '31', '0.0257', '0.52', '16.12', '1234.5', '0.0131', '76.58', '41', '43', '1.3226',
  ]);
  expect(auto!.cells[14]).toBe(''); // no ACOS without sales
  expect(comma!.cells[7]).toBe('garlic press, heavy duty');
  expect(rows[7]!.cells[1]).toBe(''); // no portfolio
  expect(rows.at(-1)!.bytesRead).toBe((await stat(FIXTURE)).size);
});

test('every kind of cell becomes the text Excel shows', async () => {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Cells');
  const dates = sheet.addRow([
    new Date(Date.UTC(2026, 10, 24)),
    new Date(Date.UTC(2026, 10, 24, 18, 30)), // a time of day: the date only
    new Date(Date.UTC(2026, 10, 24, 23, 59, 59, 999)),
    new Date(Date.UTC(1999, 11, 31)),
    { formula: 'A1+1', result: new Date(Date.UTC(2026, 10, 25)) }, // a date-formatted formula: its date
    46350, // a plain number in a built-in date format (14, m/d/yy)
  ]);
  for (const column of [1, 2, 3, 4, 5]) dates.getCell(column).numFmt = 'mmm dd, yyyy';
  dates.getCell(6).numFmt = 'mm-dd-yy';
  const numbers = sheet.addRow([144382946392851, 1234567890123456, 0.1 + 0.2, 16.120000000000001, 1e-7, -0.5, 0.0257, 3, 1e20]);
  numbers.getCell(7).numFmt = '0.00%';
  numbers.getCell(1).numFmt = '0';
  sheet.addRow([
    true,
    false,
    { richText: [{ text: 'Garlic ' }, { font: { bold: true }, text: 'Press' }] },
    { formula: 'A2*2', result: 288765892785702 },
    { formula: 'UPPER("x")', result: 'X' },
    { formula: '1/0', result: { error: '#DIV/0!' } },
    { formula: 'NOW()' }, // never calculated: no cached result
    { text: 'B0ABCDEF12', hyperlink: 'https://www.amazon.com/dp/B0ABCDEF12' },
    { error: '#N/A' },
    '  padded  ',
  ]);
  sheet.getCell('A4').value = 'A';
  sheet.getCell('C4').value = 'C'; // B4 missing
  sheet.getCell('D5').value = 'D'; // A5:C5 missing
  const file = await write(workbook, 'cells.xlsx');

  const rows = await rowsOf(file);
  expect(rows.map((r) => r.cells)).toEqual([
    ['2026-11-24', '2026-11-24', '2026-11-24', '1999-12-31', '2026-11-25', '2026-11-24'],
    ['144382946392851', '1234567890123456', '0.3', '16.12', '0.0000001', '-0.5', '0.0257', '3', '100000000000000000000'],
    ['TRUE', 'FALSE', 'Garlic Press', '288765892785702', 'X', '', '', 'B0ABCDEF12', '', '  padded  '],
    ['A', '', 'C'],
    ['', '', '', 'D'],
  ]);
});

test('dates of a 1904-based workbook (old Mac Excel) are the dates it shows', async () => {
  const workbook = new ExcelJS.Workbook();
  workbook.properties.date1904 = true;
  const row = workbook.addWorksheet('Mac').addRow([new Date(Date.UTC(2026, 10, 24)), { formula: 'A1+1', result: new Date(Date.UTC(2026, 10, 25)) }]);
  row.getCell(1).numFmt = row.getCell(2).numFmt = 'yyyy-mm-dd';
  const rows = await rowsOf(await write(workbook, 'mac.xlsx'));
  expect(rows[0]!.cells).toEqual(['2026-11-24', '2026-11-25']);
});

test('every worksheet in order, row numbers per sheet, blank rows skipped, shared formulas, inline strings', async () => {
  const workbook = new ExcelJS.Workbook();
  const first = workbook.addWorksheet('Summary');
  first.addRow(['Report', 'Search terms']);
  first.addRow([]);
  first.addRow(['', null, '   ']); // only blanks: skipped, as in a CSV
  first.addRow(['Rows', 2]);
  workbook.addWorksheet('Empty');
  const third = workbook.addWorksheet('Data');
  third.getCell('A3').value = 'term';
  // exceljs's typings lack shareType/ref, which write a shared formula's master cell
  third.getCell('B3').value = { formula: 'ROW()', result: 3, shareType: 'shared', ref: 'B3:B4' } as ExcelJS.CellFormulaValue;
  third.getCell('A4').value = 'term 2';
  third.getCell('B4').value = { sharedFormula: 'B3', result: 4 };
  const rows = await rowsOf(await write(workbook, 'sheets.xlsx'));
  expect(rows.map((r) => [r.sheetIndex, r.sheetName, r.rowNumber, r.cells])).toEqual([
    [0, 'Summary', 1, ['Report', 'Search terms']],
    [0, 'Summary', 4, ['Rows', '2']],
    [2, 'Data', 3, ['term', '3']],
    [2, 'Data', 4, ['term 2', '4']],
  ]);

  // A workbook written without a shared-strings table holds its texts in the cells (inlineStr).
  const inline = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path.join(dir, 'inline.xlsx'), useSharedStrings: false });
  const sheet = inline.addWorksheet('Inline');
  sheet.addRow(['garlic press', 'B0ABCDEF12', 12.5]).commit();
  sheet.commit();
  await inline.commit();
  expect((await rowsOf(path.join(dir, 'inline.xlsx'))).map((r) => r.cells)).toEqual([['garlic press', 'B0ABCDEF12', '12.5']]);
});

test('bytesRead never goes down and ends at the file size', async () => {
  const workbook = new ExcelJS.Workbook();
  for (const name of ['One', 'Two']) {
    const sheet = workbook.addWorksheet(name);
    for (let i = 0; i < 3000; i += 1) sheet.addRow([`${name} term ${i}`, i, i / 7]);
  }
  const file = await write(workbook, 'progress.xlsx');
  const rows = await rowsOf(file);
  expect(rows).toHaveLength(6000);
  const read = rows.map((r) => r.bytesRead);
  expect(read[0]).toBeGreaterThan(0);
  expect(read.every((bytes, i) => i === 0 || bytes >= read[i - 1]!)).toBe(true);
  expect(read.at(-1)).toBe((await stat(file)).size);
});

/** The temporary files exceljs spools worksheets into (tmp's names: tmp-<pid>-…). */
async function spooledFiles(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((name) => name.startsWith(`tmp-${process.pid}-`));
}

test('stopping early (the report found on the first sheet) leaves no spooled worksheet behind', async () => {
  const workbook = new ExcelJS.Workbook();
  for (const name of ['Report', 'Notes', 'More']) workbook.addWorksheet(name).addRow([name]);
  const file = await write(workbook, 'early.xlsx');
  const before = new Set(await spooledFiles());
  for await (const row of readXlsxRows(file, 'early.xlsx')) {
    expect(row.sheetName).toBe('Report');
    break;
  }
  // exceljs deletes them asynchronously
  for (let i = 0; i < 50 && (await spooledFiles()).some((name) => !before.has(name)); i += 1) await new Promise((r) => setTimeout(r, 20));
  expect((await spooledFiles()).filter((name) => !before.has(name))).toEqual([]);
});

test('a truncated, fake or empty workbook is an UnreadableFileError naming the file', async () => {
  const expectUnreadable = async (file: string, fileName: string, reason?: RegExp) => {
    const error = await rowsOf(file, fileName).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(UnreadableFileError);
    const { message } = error as Error;
    expect(message.startsWith(`${fileName} is not a readable XLSX workbook: `)).toBe(true);
    expect(message).not.toMatch(/\n\s+at /); // no stack in the message
    if (reason) expect(message).toMatch(reason);
  };

  const truncated = path.join(dir, 'truncated.xlsx');
  await copyFile(FIXTURE, truncated);
  await truncate(truncated, Math.floor((await stat(FIXTURE)).size / 2));
  await expectUnreadable(truncated, 'Sponsored Products Search term report.xlsx', /truncated/);

  const fake = path.join(dir, 'fake.xlsx');
  await writeFile(fake, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100, 1)]));
  await expectUnreadable(fake, 'fake.xlsx');

  const notZip = path.join(dir, 'report.csv.xlsx');
  await writeFile(notZip, 'Date,Campaign Name\n2026-11-24,SP\n');
  await expectUnreadable(notZip, 'report.csv.xlsx', /not a ZIP archive/);

  const noSheet = await write(new ExcelJS.Workbook(), 'no-sheet.xlsx');
  await expectUnreadable(noSheet, 'no-sheet.xlsx', /no worksheet/);
});

interface ProbeResult {
  rows: number;
  wrongRows: number;
  idSum: number;
  fileSize: number;
  /** Heap used after a full GC, over the heap used before the reading, every 50,000 rows. */
  retainedDuringRead: number[];
  peakHeapUsed: number;
  peakRss: number;
}

test('200,000 rows stream with flat memory', async () => {
  // In fresh processes (tests/support/xlsx-memory-probe.ts): the heap then holds nothing but the reading.
  const ROWS = 200_000;
  const file = path.join(dir, 'large.xlsx');
  const probe = (...args: string[]) => run(process.execPath, [...args], { cwd: path.join(__dirname, '..'), maxBuffer: 1 << 20 });
  await probe('--import', 'tsx', PROBE, 'write', file, String(ROWS));
  const { stdout } = await probe('--expose-gc', '--import', 'tsx', PROBE, 'read', file);
  const result = JSON.parse(stdout) as ProbeResult;
  expect(result).toMatchObject({ rows: ROWS + 1, wrongRows: 0, idSum: ((ROWS - 1) * ROWS) / 2 });
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  process.stdout.write(
    `${ROWS} rows, ${mb(result.fileSize)} MB file: heap kept ${result.retainedDuringRead.map(mb).join(', ')} MB at every 50,000 rows; ` +
      `peak heap used (garbage included) ${mb(result.peakHeapUsed)} MB, peak RSS ${mb(result.peakRss)} MB\n`,
  );
  // What stays is the shared-strings table (200,000 short texts, ~16 MB). Keeping the rows instead would hold
  // ~45 MB by the end (measured), growing all along; here nothing grows while the rows go by.
  expect(Math.max(...result.retainedDuringRead)).toBeLessThan(24 * 2 ** 20);
  expect(result.retainedDuringRead.at(-1)! - result.retainedDuringRead[0]!).toBeLessThan(4 * 2 ** 20);
}, 30_000);
