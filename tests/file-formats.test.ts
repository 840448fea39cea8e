import { readFileSync } from 'node:fs';
import path from 'node:path';
import { normalizeHeader } from '../integrations/file-formats/headers';
import { detectFormat, UnknownFileFormatError } from '../integrations/file-formats/registry';
import { checkRow } from '../integrations/file-formats/row-schemas';
import { planReportWindows } from '../lib/domain/report-windows';
import { CellError, cleanCell, parseAsin, parseDate, parseDateRange, parseDecimal, parseInteger, parseMoney, parsePercent } from '../integrations/file-formats/values';

describe('cell values', () => {
  test.each([
    ['$1,234.56', '1234.56'],
    ['"1,234.56"', null],
    ['€1.234,56', '1234.56'],
    ['1 234,56 €', '1234.56'],
    ['€18,00', '18.00'],
    ['MX$2,000.00', '2000.00'],
    ['£24.80', '24.80'],
    ['₹75,565.26', '75565.26'],
    ['0,45 €', '0.45'],
    ['7.23000', '7.23000'],
    ['-$5.10', '-5.10'],
    ['(5.00)', '-5.00'],
    ['1,204', '1204'],
    ['1.234.567', '1234567'],
    ['$0.5', '0.5'],
    ['--', null],
    ['', null],
    ['N/A', null],
    ['="481498426639588"', '481498426639588'],
  ])('parseDecimal(%j) = %j', (input, expected) => {
    if (input === '"1,234.56"') {
      expect(() => parseDecimal(input)).toThrow(CellError);
      return;
    }
    expect(parseDecimal(input)).toBe(expected);
  });

  test('money refuses negative amounts and text, naming the value', () => {
    expect(() => parseMoney('-$1.00')).toThrow(/"-\$1.00" is negative/);
    expect(() => parseMoney('abc')).toThrow(/"abc" is not a number/);
  });

  test('integers: thousands separators, European grouping, open ranges', () => {
    expect(parseInteger('1,204')).toBe(1204);
    expect(parseInteger('1.234')).toBe(1234);
    expect(parseInteger('>1000')).toBe(1000);
    expect(parseInteger('1000+')).toBe(1000);
    expect(parseInteger('-')).toBeNull();
    expect(() => parseInteger('2.5')).toThrow(/not a whole number/);
  });

  test('percentages become fractions, exactly', () => {
    expect(parsePercent('12.34%')).toBe('0.1234');
    expect(parsePercent('0.6897%')).toBe('0.006897');
    expect(parsePercent('1,62%')).toBe('0.0162');
    expect(parsePercent('132.26%')).toBe('1.3226');
    expect(parsePercent('0.0257')).toBe('0.0257');
    expect(parsePercent('')).toBeNull();
  });

  test.each([
    ['Nov 24, 2026', '2026-11-24'],
    ['2026-11-24', '2026-11-24'],
    ['11/24/2026', '2026-11-24'],
    ['11/24/26', '2026-11-24'],
    ['24/11/2026', '2026-11-24'],
    ['24.11.2026', '2026-11-24'],
    ['24 Nov 2026', '2026-11-24'],
    ['Sept 1, 2026', '2026-09-01'],
    ['2026-02-10 11:05:30', '2026-02-10'],
    ['2/11/2026 4:01 PM', '2026-02-11'],
    ['46350', '2026-11-24'],
  ])('parseDate(%j) = %j', (input, expected) => {
    expect(parseDate(input)).toBe(expected);
  });

  test('dates: day-first when asked, impossible dates refused, ranges split', () => {
    expect(parseDate('01/04/26', 'day-first')).toBe('2026-04-01');
    expect(() => parseDate('Nov 31, 2026')).toThrow(/not a calendar date/);
    expect(() => parseDate('yesterday')).toThrow(/not a date/);
    expect(parseDateRange('Jul 01, 2026 - Jul 30, 2026')).toEqual({ start: '2026-07-01', end: '2026-07-30' });
  });

  test('ASINs: normalized, and one a spreadsheet mangled is refused with the reason', () => {
    expect(parseAsin('b0abcdef12')).toBe('B0ABCDEF12');
    expect(parseAsin('0316769487')).toBe('0316769487');
    expect(() => parseAsin('1.44383E+14')).toThrow(/scientific notation; its digits are lost/);
    expect(() => parseAsin('B0ABC')).toThrow(/not an ASIN/);
  });

  test('placeholders and Excel text guards', () => {
    expect(cleanCell(' — ')).toBeNull();
    expect(cleanCell('="amzn1.ads-account.g.abc"')).toBe('amzn1.ads-account.g.abc');
    expect(cleanCell('\u00a012\u00a0')).toBe('12');
  });
});

describe('format detection', () => {
  const fixture = (name: string) => readFileSync(path.join(__dirname, 'fixtures', 'imports', name), 'utf8');
  const headerOf = (name: string, delimiter = ',') => [fixture(name).split(/\r?\n/)[0]!.split(delimiter)];

  test('headers are matched whatever their case, spacing, BOM or dash', () => {
    expect(normalizeHeader('\ufeff7 Day Total Sales ')).toBe('7 day total sales');
    expect(normalizeHeader('Total Advertising Cost of Sales (ACoS)\t')).toBe('total advertising cost of sales (acos)');
    expect(normalizeHeader('Sessions – Total')).toBe('sessions - total');
  });

  test.each([
    ['amazon-sp-search-term-legacy-daily.csv', 'amazon_sp_search_term'],
    ['amazon-sp-search-term-summary-14day.csv', 'amazon_sp_search_term'],
    ['amazon-sp-targeting-de-excel.csv', 'amazon_sp_targeting'],
  ])('%s is %s', (file, id) => {
    const delimiter = file.includes('-de-') ? ';' : ',';
    expect(detectFormat(headerOf(file, delimiter), file).format.id).toBe(id);
  });

  test('a header row below a preamble is found', () => {
    const rows = [['Sponsored Products Search Term Report', '', ''], ...headerOf('amazon-sp-search-term-legacy-daily.csv')];
    const bound = detectFormat(rows, 'report.csv');
    expect(bound.headerLine).toBe(2);
    expect(bound.headerOf('sales')).toBe('7 Day Total Sales');
  });

  test('an unknown layout names what it saw and every format with the columns it needs', () => {
    let error: unknown;
    try {
      detectFormat(headerOf('contacts-not-a-report.csv'), 'contacts.csv');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UnknownFileFormatError);
    const message = (error as Error).message;
    expect(message).toMatch(/^contacts\.csv: unknown file format\. Its first line has the columns "Name", "Email", "Phone"/);
    expect(message).toMatch(/Sponsored Products search term report .*needs columns .*"customer search term"/);
    expect(message).toMatch(/Helium 10 Cerebro .*"keyword phrase"/);
  });
});

describe('normalized rows are checked against what the database columns hold', () => {
  const row = {
    date: '2026-11-24', portfolioName: null, campaignName: 'SP - Garlic', adGroupName: 'Exact', keyword: 'garlic press', matchType: 'exact' as const,
    searchTerm: 'garlic press steel', impressions: 10, clicks: 1, spend: '0.50', orders: 0, sales: '0', metadata: { currency: 'USD' },
  };

  test('a row that fits passes', () => {
    expect(checkRow('keyword_metrics', row)).toBeNull();
    expect(checkRow('sales_daily', { date: '2026-11-24', asin: 'B0GARLIC01', sku: null, sales: '12.00', units: 1 })).toBeNull();
  });

  test.each([
    [{ spend: '123456789.00' }, 'spend', 'is larger than 99,999,999.99'],
    [{ impressions: 3_000_000_000 }, 'impressions', 'is larger than 2,147,483,647'],
    [{ campaignName: 'x'.repeat(256) }, 'campaign', 'is longer than 255 characters'],
    [{ keyword: '' }, 'keyword', 'is empty'],
  ])('%j is rejected on its field', (change, field, reason) => {
    expect(checkRow('keyword_metrics', { ...row, ...change })).toMatchObject({ field, reason });
  });
});

describe('report windows', () => {
  test('a full sync covers the 94 complete days Amazon keeps, in windows of at most 31 days', () => {
    expect(planReportWindows({ today: '2026-11-25', full: true, loadedThrough: null, lookbackDays: 14 })).toEqual([
      { startDate: '2026-08-23', endDate: '2026-09-22' },
      { startDate: '2026-09-23', endDate: '2026-10-23' },
      { startDate: '2026-10-24', endDate: '2026-11-23' },
      { startDate: '2026-11-24', endDate: '2026-11-24' },
    ]);
  });

  test('an incremental sync starts its lookback before the cursor, never before what Amazon keeps', () => {
    expect(planReportWindows({ today: '2026-11-25', full: false, loadedThrough: '2026-11-20', lookbackDays: 14 })).toEqual([{ startDate: '2026-11-07', endDate: '2026-11-24' }]);
    expect(planReportWindows({ today: '2026-11-25', full: false, loadedThrough: '2026-05-01', lookbackDays: 14 })[0]!.startDate).toBe('2026-08-23');
    expect(planReportWindows({ today: '2026-11-25', full: false, loadedThrough: '2026-11-24', lookbackDays: 1 })).toEqual([{ startDate: '2026-11-24', endDate: '2026-11-24' }]);
  });
});
