const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * A streaming, quote-aware CSV record parser (RFC 4180 plus what spreadsheets write): fields in double quotes may
 * hold the delimiter, line breaks and doubled quotes; CRLF, LF or a lone CR ends a record; an empty line is no
 * record. Quotes are relaxed as csv-parse's `relax_quotes` had them: a quote inside an unquoted field is a
 * character, and a closing quote followed by anything but a delimiter or line break is kept with what follows
 * (`"a"b` → `"a"b`). Text is pushed in chunks of any size; a record cut by a chunk's end (inside quotes, or
 * between CR and LF) is kept and finished by the next chunk.
 */
export class CsvRecordParser {
  private readonly delimiter: string;
  private readonly delimiterCode: number;
  private rest = '';
  private started = false;

  constructor(delimiter: string) {
    if (delimiter.length !== 1) throw new Error('The CSV delimiter must be one character');
    this.delimiter = delimiter;
    this.delimiterCode = delimiter.charCodeAt(0);
  }

  /** Parses the records completed by `text`, appending them to `out`. */
  push(text: string, out: string[][]): void {
    let s = this.rest.length > 0 ? this.rest + text : text;
    if (!this.started && s.length > 0) {
      this.started = true;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    this.rest = s.slice(this.parse(s, false, out));
  }

  /** The end of the text: parses what is left (a quote still open at the end throws). */
  end(out: string[][]): void {
    const s = this.rest;
    this.rest = '';
    this.parse(s, true, out);
  }

  /** Parses complete records of `s` from the start; answers where the unfinished rest begins. */
  private parse(s: string, final: boolean, out: string[][]): number {
    const length = s.length;
    let pos = 0;
    // Where the next quote and CR are (Infinity: none), found once and moved forward, not searched per line.
    let nextQuote = -1;
    let nextCr = -1;
    while (pos < length) {
      const first = s.charCodeAt(pos);
      // An empty line is no record.
      if (first === LF) {
        pos += 1;
        continue;
      }
      if (first === CR) {
        if (pos + 1 === length && !final) break; // its LF may come next
        pos += pos + 1 < length && s.charCodeAt(pos + 1) === LF ? 2 : 1;
        continue;
      }
      // Fast path: a line without quotes or a lone CR is split as it is.
      const lf = s.indexOf('\n', pos);
      if (lf === -1 && !final) break;
      const lineEnd = lf === -1 ? length : lf;
      if (nextQuote !== Infinity && nextQuote < pos) nextQuote = indexOrInfinity(s, '"', pos);
      if (nextQuote > lineEnd) {
        if (nextCr !== Infinity && nextCr < pos) nextCr = indexOrInfinity(s, '\r', pos);
        if (nextCr >= lineEnd - 1) {
          const contentEnd = nextCr === lineEnd - 1 ? nextCr : lineEnd;
          out.push(s.slice(pos, contentEnd).split(this.delimiter));
          pos = lineEnd + 1;
          continue;
        }
      }
      const next = this.parseRecord(s, pos, final, out);
      if (next === -1) break;
      pos = next;
    }
    return Math.min(pos, length);
  }

  /** One record from `start`, field by field; -1 when the text ends before the record does (and more may come). */
  private parseRecord(s: string, start: number, final: boolean, out: string[][]): number {
    const length = s.length;
    const delimiter = this.delimiterCode;
    const cells: string[] = [];
    let i = start;
    for (;;) {
      let value: string;
      if (i < length && s.charCodeAt(i) === QUOTE) {
        // A quoted field: up to the quote that is followed by a delimiter, a line break or the end.
        let segment = i + 1;
        value = '';
        let closed = false;
        for (;;) {
          const q = s.indexOf('"', segment);
          if (q === -1) {
            if (!final) return -1;
            throw new CsvSyntaxError('a quote is opened and never closed');
          }
          if (q + 1 === length && !final) return -1; // the next character decides
          const after = q + 1 < length ? s.charCodeAt(q + 1) : -1;
          if (after === QUOTE) {
            value += s.slice(segment, q + 1);
            segment = q + 2;
            continue;
          }
          value += s.slice(segment, q);
          i = q + 1;
          if (after === -1 || after === delimiter || after === LF || after === CR) {
            closed = true;
          } else {
            // Relaxed: the quotes are characters of the field, which goes on unquoted.
            value = `"${value}"`;
          }
          break;
        }
        if (!closed) {
          const end = this.unquotedEnd(s, i);
          if (end === length && !final) return -1;
          value += s.slice(i, end);
          i = end;
        }
      } else {
        const end = this.unquotedEnd(s, i);
        if (end === length && !final) return -1;
        value = s.slice(i, end);
        i = end;
      }
      cells.push(value);
      if (i >= length) {
        out.push(cells);
        return length;
      }
      const c = s.charCodeAt(i);
      if (c === delimiter) {
        i += 1;
        if (i === length && !final) return -1;
        continue;
      }
      if (c === LF) {
        out.push(cells);
        return i + 1;
      }
      // CR
      if (i + 1 === length && !final) return -1;
      out.push(cells);
      return i + 1 < length && s.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
    }
  }

  /** Where an unquoted field that starts at `from` ends: the next delimiter or line break, or the end. */
  private unquotedEnd(s: string, from: number): number {
    const delimiter = this.delimiterCode;
    const length = s.length;
    for (let i = from; i < length; i += 1) {
      const c = s.charCodeAt(i);
      if (c === delimiter || c === LF || c === CR) return i;
    }
    return length;
  }
}

function indexOrInfinity(s: string, search: string, from: number): number {
  const at = s.indexOf(search, from);
  return at === -1 ? Infinity : at;
}

export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
}
