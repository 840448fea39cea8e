// Plain module without dependencies: prisma.config.ts loads it too.

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/ingest';

/** The database the Prisma CLI works on: DATABASE_URL, or the same local default as lib/config. */
export function databaseUrlForTools(): string {
  return process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

/** The same server, another database: `postgresql://u@h:p/db?x` → `postgresql://u@h:p/<name>?x`. */
export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
