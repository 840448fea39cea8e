// Cell parsers for seller exports: one function per kind of value, each returning the value, null for an empty
// or placeholder cell, or throwing CellError with a reason a seller can act on.

export class CellError extends Error {
  override readonly name = 'CellError';
}

const PLACEHOLDERS = new Set(['', '-', '--', '—', '–', 'n/a', 'na', 'n/r', 'nan', 'null', 'none']);

/** Trims, strips an Excel text guard (`="123"`), and maps placeholders (`-`, `--`, `N/A`, blank) to null. */
export function cleanCell(raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  let text = String(raw);
  if (text.includes('\u00a0')) text = text.replace(/\u00a0/g, ' ');
  text = text.trim();
  if (text.startsWith('="')) {
    const guarded = /^="(.*)"$/.exec(text);
    if (guarded) text = guarded[1]!.trim();
  }
  // Placeholders are short: most cells skip the lookup.
  return text.length <= 4 && PLACEHOLDERS.has(text.toLowerCase()) ? null : text;
}

export type DecimalStyle = 'auto' | 'comma';

/**
 * A decimal as a canonical string (`1234.56`, never a float): `$1,234.56`, `€1.234,56`, `1 234,56 €`, `-$5`,
 * `(5.00)`, `MX$2,000.00`, `"12"`. The last of `.`/`,` is the decimal separator when both occur; a lone `,`
 * followed by exactly 1–2 digits is a decimal comma (`18,00`), otherwise a thousands separator (`1,204`).
 */
export function parseDecimal(raw: unknown): string | null {
  const cell = cleanCell(raw);
  if (cell === null) return null;
  // Most cells are plain numbers (xlsx, tools' exports) or US-style money: nothing ambiguous to work out.
  if (/^\d+(\.\d+)?$/.test(cell)) return cell.replace(/^0+(?=\d)/, '');
  if (/^\$?\d{1,3}(,\d{3})+\.\d\d$|^\$\d+(\.\d+)?$/.test(cell)) return cell.replace(/[$,]/g, '').replace(/^0+(?=\d)/, '');
  let text = cell;
  let negative = false;
  if (/^\(.*\)$/.test(text)) {
    negative = true;
    text = text.slice(1, -1);
  }
  text = text.replace(/^[A-Za-z]{0,3}[$€£¥₹]|[$€£¥₹]|\b[A-Z]{3}\b|\s/g, '');
  if (text.startsWith('-')) {
    negative = !negative;
    text = text.slice(1);
  }
  if (!/^[0-9.,]+$/.test(text) || !/[0-9]/.test(text)) throw new CellError(`"${cell}" is not a number`);
  const lastDot = text.lastIndexOf('.');
  const lastComma = text.lastIndexOf(',');
  let normalized: string;
  if (lastDot >= 0 && lastComma >= 0) {
    const decimal = lastDot > lastComma ? '.' : ',';
    const thousands = decimal === '.' ? ',' : '.';
    normalized = text.split(thousands).join('').replace(decimal, '.');
  } else if (lastComma >= 0) {
    const groups = text.split(',');
    const decimalComma = groups.length === 2 && groups[1]!.length <= 2;
    normalized = decimalComma ? text.replace(',', '.') : groups.join('');
  } else {
    const dots = text.split('.').length - 1;
    // `1.234.567` uses dots for thousands.
    normalized = dots > 1 ? text.split('.').join('') : text;
  }
  if (!/^\d+(\.\d+)?$/.test(normalized) && !/^\d*\.\d+$/.test(normalized)) throw new CellError(`"${cell}" is not a number`);
  const [whole, fraction] = normalized.split('.') as [string, string | undefined];
  const canonical = `${(whole || '0').replace(/^0+(?=\d)/, '')}${fraction ? `.${fraction}` : ''}`;
  return negative && /[1-9]/.test(canonical) ? `-${canonical}` : canonical;
}

/** A non-negative amount of money or count-like decimal: `$1,234.56` → `1234.56`. */
export function parseMoney(raw: unknown): string | null {
  const value = parseDecimal(raw);
  if (value !== null && value.startsWith('-')) throw new CellError(`"${cleanCell(raw)}" is negative`);
  return value;
}

/** A whole count: `1,204` → 1204. Open ranges (`>1000`, `1000+`) count as their bound. */
export function parseInteger(raw: unknown): number | null {
  const cell = cleanCell(raw);
  if (cell === null) return null;
  const bounded = cell.replace(/^[<>]=?|\+$/g, '');
  // In a count, `1.234` (European grouping) is a thousand and more, not a fraction.
  const value = parseDecimal(/^\d{1,3}(\.\d{3})+$/.test(bounded) ? bounded.replace(/\./g, '') : bounded);
  if (value === null) return null;
  if (!/^-?\d+$/.test(value)) throw new CellError(`"${cell}" is not a whole number`);
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new CellError(`"${cell}" is too large`);
  return number;
}

/**
 * A fraction: `12.34%` → `0.1234`. A bare number is taken as already a fraction (xlsx cells, `0.1234`) unless
 * `bareIsPercent` (columns that print percents without the sign).
 */
export function parsePercent(raw: unknown, bareIsPercent = false): string | null {
  const cell = cleanCell(raw);
  if (cell === null) return null;
  const percent = cell.endsWith('%');
  const value = parseDecimal(percent ? cell.slice(0, -1) : cell);
  if (value === null) return null;
  return percent || bareIsPercent ? shiftDecimal(value, -2) : value;
}

/** Moves the decimal point of a canonical decimal string: shiftDecimal('12.34', -2) → '0.1234'. */
function shiftDecimal(value: string, places: number): string {
  const negative = value.startsWith('-');
  const [whole, fraction = ''] = (negative ? value.slice(1) : value).split('.') as [string, string?];
  const digits = whole + fraction;
  const point = whole.length + places;
  const padded = point <= 0 ? '0'.repeat(1 - point) + digits : digits;
  const at = Math.max(point, 1);
  const result = `${padded.slice(0, at)}.${padded.slice(at)}`.replace(/\.?0+$/, '').replace(/^0+(?=\d)/, '') || '0';
  return negative && result !== '0' ? `-${result}` : result;
}

const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12 };

export type DayOrder = 'month-first' | 'day-first';

function isoDate(year: number, month: number, day: number, cell: string): string {
  const full = year < 100 ? 2000 + year : year;
  const date = new Date(Date.UTC(full, month - 1, day));
  if (date.getUTCFullYear() !== full || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new CellError(`"${cell}" is not a calendar date`);
  }
  return date.toISOString().slice(0, 10);
}

const parsedDates = new Map<string, string | null>();

/**
 * A calendar date as `YYYY-MM-DD`: `2026-11-24`, `Nov 24, 2026`, `24 Nov 2026`, `11/24/2026`, `11/24/26`,
 * `24.11.2026`, an Excel serial day number, a JS Date (xlsx), or a timestamp (`2026-02-10 11:05:30`,
 * `2/11/2026 4:01 PM`: the date part). Slashed dates are month-first unless `dayOrder` says day-first or the
 * first number cannot be a month.
 * A report repeats a few dozen dates over many rows, so results are remembered (a bounded number of them).
 */
export function parseDate(raw: unknown, dayOrder: DayOrder = 'month-first'): string | null {
  if (typeof raw !== 'string') return parseDateText(raw, dayOrder);
  const key = `${dayOrder}:${raw}`;
  let parsed = parsedDates.get(key);
  if (parsed === undefined) {
    parsed = parseDateText(raw, dayOrder); // throws for a bad date, which is not remembered
    if (parsedDates.size >= 10_000) parsedDates.clear();
    parsedDates.set(key, parsed);
  }
  return parsed;
}

function parseDateText(raw: unknown, dayOrder: DayOrder): string | null {
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) throw new CellError('invalid date');
    return raw.toISOString().slice(0, 10);
  }
  const cell = cleanCell(raw);
  if (cell === null) return null;
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$/.exec(cell);
  if (m) return isoDate(+m[1]!, +m[2]!, +m[3]!, cell);
  m = /^([A-Za-z]{3,4})[a-z]*\.? (\d{1,2}),? (\d{4})$/.exec(cell);
  if (m && MONTHS[m[1]!.toLowerCase()]) return isoDate(+m[3]!, MONTHS[m[1]!.toLowerCase()]!, +m[2]!, cell);
  m = /^(\d{1,2}) ([A-Za-z]{3,4})[a-z]*\.?,? (\d{4})$/.exec(cell);
  if (m && MONTHS[m[2]!.toLowerCase()]) return isoDate(+m[3]!, MONTHS[m[2]!.toLowerCase()]!, +m[1]!, cell);
  m = /^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$/.exec(cell);
  if (m) return isoDate(+m[3]!, +m[2]!, +m[1]!, cell);
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})(?: .*)?$/.exec(cell);
  if (m) {
    const [a, b, year] = [+m[1]!, +m[2]!, +m[3]!];
    const dayFirst = dayOrder === 'day-first' ? b <= 12 || a > 12 : a > 12;
    return dayFirst ? isoDate(year, b, a, cell) : isoDate(year, a, b, cell);
  }
  m = /^\d{5}(\.\d+)?$/.exec(cell);
  if (m) return new Date(Date.UTC(1899, 11, 30) + Math.floor(Number(cell)) * 86_400_000).toISOString().slice(0, 10);
  throw new CellError(`"${cell}" is not a date (expected e.g. 2026-11-24, Nov 24, 2026 or 11/24/2026)`);
}

/** A date range cell of the new ads console: `Jul 01, 2026 - Jul 30, 2026`. */
export function parseDateRange(raw: unknown): { start: string; end: string } | null {
  const cell = cleanCell(raw);
  if (cell === null) return null;
  const parts = cell.split(/\s+[-–]\s+/);
  if (parts.length !== 2) throw new CellError(`"${cell}" is not a date range (expected "Jul 01, 2026 - Jul 30, 2026")`);
  return { start: parseDate(parts[0])!, end: parseDate(parts[1])! };
}

/**
 * An ASIN: ten characters, letters and digits (`B0ABCDEF12`, ISBN-style `0316769487`). A spreadsheet that
 * turned it into a number (`1.44383E+14`, `316769487`) lost digits for good: that is an error, not a guess.
 */
export function parseAsin(raw: unknown): string | null {
  const cell = cleanCell(raw);
  if (cell === null) return null;
  if (/^\d+(\.\d+)?e[+-]?\d+$/i.test(cell)) {
    throw new CellError(`"${cell}" is an ASIN a spreadsheet turned into scientific notation; its digits are lost — export the file again without opening it in a spreadsheet`);
  }
  const asin = cell.toUpperCase();
  if (!/^[A-Z0-9]{10}$/.test(asin)) throw new CellError(`"${cell}" is not an ASIN (10 letters and digits)`);
  return asin;
}

/** Free text; empty → null; too long → error naming the limit. */
export function parseText(raw: unknown, maxLength: number): string | null {
  const cell = cleanCell(raw);
  if (cell === null) return null;
  if (cell.length > maxLength) throw new CellError(`is longer than ${maxLength} characters`);
  return cell;
}
