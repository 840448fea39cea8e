import { z } from 'zod';
import { HttpProblem } from './plugins/problem-details';

// Opaque keyset cursors: the sort key values of a page's last row, base64url-encoded. Never an offset, so a
// page is as fast deep in a table as at its start.

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().optional().describe('nextCursor of the previous page'),
};

export function encodeCursor(parts: string[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, size: number): string[] {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parts) && parts.length === size && parts.every((p) => typeof p === 'string')) return parts as string[];
  } catch {
    // fall through
  }
  throw new HttpProblem(400, 'cursor is not valid: pass the nextCursor value of a previous page unchanged', {
    errors: [{ location: 'querystring.cursor', message: 'not a cursor issued by this API' }],
  });
}

/** The page and the cursor of the next one, from `limit + 1` rows. */
export function page<T>(rows: T[], limit: number, keyOf: (row: T) => string[]): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}
