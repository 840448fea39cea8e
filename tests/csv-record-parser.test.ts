import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCsvRowBatches, UnreadableFileError } from '../integrations/file-formats/csv-reader';
import { CsvRecordParser } from '../integrations/file-formats/csv-record-parser';

// The streaming CSV record parser: every edge case is parsed whole, and again fed in every possible split into two
// chunks and one character at a time, so that a quote, a doubled quote, a CR/LF pair or a BOM cut by a chunk's end
// gives the same records.

function parseWhole(text: string, delimiter = ','): string[][] {
  const parser = new CsvRecordParser(delimiter);
  const out: string[][] = [];
  parser.push(text, out);
  parser.end(out);
  return out;
}

function parseInChunks(chunks: string[], delimiter = ','): string[][] {
  const parser = new CsvRecordParser(delimiter);
  const out: string[][] = [];
  for (const chunk of chunks) parser.push(chunk, out);
  parser.end(out);
  return out;
}

const cases: Array<[name: string, text: string, records: string[][], delimiter?: string]> = [
  ['LF lines', 'a,b,c\n1,2,3\n', [['a', 'b', 'c'], ['1', '2', '3']]],
  ['CRLF lines, no final line break', 'a,b\r\n1,2', [['a', 'b'], ['1', '2']]],
  ['a lone CR ends a record (old Mac files)', 'a,b\r1,2\r', [['a', 'b'], ['1', '2']]],
  ['UTF-8 BOM is dropped', '\ufeffDate,Spend\r\n2026-11-24,1\r\n', [['Date', 'Spend'], ['2026-11-24', '1']]],
  ['empty lines are no records', 'a\n\n\r\nb\n\n', [['a'], ['b']]],
  ['a line of delimiters is a record of empty cells', ',,\n', [['', '', '']]],
  ['quoted delimiters, line breaks and doubled quotes', 'x,"a, b","line 1\r\nline 2","say ""hi""",""\n', [['x', 'a, b', 'line 1\r\nline 2', 'say "hi"', '']]],
  ['money with a thousands comma', '"$1,234.50",31\r\n', [['$1,234.50', '31']]],
  ['a quote inside an unquoted field is a character', 'ab"c,5" x\n', [['ab"c', '5" x']]],
  ['relaxed: text after a closing quote is kept with the quotes', '"a"b,c\n', [['"a"b', 'c']]],
  ['semicolons, decimal commas in quotes', 'a;"1,5";c\r\n', [['a', '1,5', 'c']], ';'],
  ['tabs', 'a\t"b\tc"\td\n', [['a', 'b\tc', 'd']], '\t'],
  ['trailing delimiter', 'a,b,\n', [['a', 'b', '']]],
  ['a quoted field last in the file', 'a,"b"', [['a', 'b']]],
];

describe.each(cases)('%s', (_name, text, records, delimiter = ',') => {
  test('parsed whole', () => {
    expect(parseWhole(text, delimiter)).toEqual(records);
  });
  test('split into two chunks at every position', () => {
    for (let at = 0; at <= text.length; at += 1) expect(parseInChunks([text.slice(0, at), text.slice(at)], delimiter)).toEqual(records);
  });
  test('fed one character at a time', () => {
    expect(parseInChunks([...text], delimiter)).toEqual(records);
  });
});

test('a quote never closed is an error at the end, not a silent record', () => {
  const parser = new CsvRecordParser(',');
  const out: string[][] = [];
  parser.push('a,b\n"open,', out);
  expect(out).toEqual([['a', 'b']]);
  expect(() => parser.end(out)).toThrow(/never closed/);
});

describe('readCsvRowBatches on a file read in 256 KiB chunks', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'csv-reader-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function readAll(file: string, delimiter = ',', encoding: 'utf-8' | 'windows-1252' = 'utf-8') {
    const rows = [];
    for await (const batch of readCsvRowBatches(file, { delimiter, encoding })) rows.push(...batch);
    return rows;
  }

  test('quoted fields with line breaks across chunk boundaries, CRLF, row numbers, bytes read', async () => {
    // Records of varying length, so that chunk ends fall inside quotes, between "" and between CR and LF.
    const lines = ['Date,Note,Spend'];
    const expected: string[][] = [];
    for (let i = 0; i < 30_000; i += 1) {
      const note = `note ${i}, "quoted"${i % 7 === 0 ? '\r\nsecond line' : ''}`;
      lines.push(`2026-11-24,"${note.replace(/"/g, '""')}","$${i},00"`);
      expected.push(['2026-11-24', note, `$${i},00`]);
      if (i % 1000 === 0) lines.push(''); // an empty line: no record, no row number
    }
    const text = `\ufeff${lines.join('\r\n')}\r\n`;
    const file = path.join(dir, 'long.csv');
    await writeFile(file, text);
    const rows = await readAll(file);
    expect(rows[0]!.cells).toEqual(['Date', 'Note', 'Spend']);
    expect(rows.slice(1).map((r) => r.cells)).toEqual(expected);
    expect(rows.map((r) => r.rowNumber)).toEqual(rows.map((_, i) => i + 1));
    expect(rows.at(-1)!.bytesRead).toBe(Buffer.byteLength(text));
    expect(rows.every((r, i) => i === 0 || r.bytesRead >= rows[i - 1]!.bytesRead)).toBe(true);
  });

  test('Windows-1252 bytes are decoded; a line of only delimiters is skipped but keeps its row number', async () => {
    const file = path.join(dir, 'cp1252.csv');
    await writeFile(file, Buffer.concat([Buffer.from('Name;Spend\r\n'), Buffer.from([0x43, 0x61, 0x66, 0xe9]), Buffer.from(';"1,5"\r\n;\r\nx;2\r\n')]));
    const rows = await readAll(file, ';', 'windows-1252');
    expect(rows.map((r) => [r.rowNumber, r.cells])).toEqual([
      [1, ['Name', 'Spend']],
      [2, ['Café', '1,5']],
      [4, ['x', '2']],
    ]);
  });

  test('a file that ends inside a quoted field is unreadable', async () => {
    const file = path.join(dir, 'open-quote.csv');
    await writeFile(file, 'a,b\n1,"never closed\n');
    await expect(readAll(file)).rejects.toBeInstanceOf(UnreadableFileError);
  });
});
