// The shape of an ASIN as the ASIN↔SKU mapping accepts it, with reasons a seller can act on. Shared by the
// mapping routes (one mapping, or every row of an uploaded file).

/** What the mapping accepts: `B0` and 8 letters or digits, or an ISBN-10 (books: 9 digits and a digit or X). */
const ASIN = /^B0[A-Z0-9]{8}$/;
const ISBN10 = /^\d{9}[\dX]$/;
const SCIENTIFIC = /^[+-]?\d+([.,]\d+)?e[+-]?\d+$/i;

export type AsinCheck = { asin: string } | { reason: string };

/** Trims and upper-cases `raw`, then checks its shape. */
export function checkAsin(raw: string | null | undefined): AsinCheck {
  const text = (raw ?? '').replace(/\u00a0/g, ' ').trim();
  const guarded = /^="(.*)"$/.exec(text); // an Excel text guard
  const cell = guarded ? guarded[1]!.trim() : text;
  if (cell === '') return { reason: 'ASIN is empty' };
  if (SCIENTIFIC.test(cell)) {
    return { reason: `"${cell}" is an ASIN a spreadsheet turned into scientific notation; its digits are lost — export the file again without opening it in a spreadsheet, or format the column as text` };
  }
  const asin = cell.toUpperCase();
  if (ASIN.test(asin) || ISBN10.test(asin)) return { asin };
  if (/^\d{1,9}$/.test(asin)) {
    return { reason: `"${cell}" is not an ASIN: ${asin.length} digits (an ISBN-10 has 10; a spreadsheet may have dropped leading zeros)` };
  }
  return { reason: `"${cell}" is not an ASIN: expected B0 followed by 8 letters or digits (e.g. B0ABCDEF12) or a 10-digit ISBN-10` };
}
