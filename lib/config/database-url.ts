/** The database the Prisma CLI works on: DATABASE_URL, or the same local default as lib/config. */
export function databaseUrlForTools(): string {
  return process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/ingest';
}
