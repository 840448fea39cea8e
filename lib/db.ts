import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { PrismaClient } from '../generated/prisma/client';

export { Prisma, PrismaClient } from '../generated/prisma/client';

export interface Database {
  prisma: PrismaClient;
  /** The `pg` pool under Prisma, for what Prisma cannot do (COPY). */
  pool: Pool;
  /** May bulk writes use COPY FROM STDIN on this server? */
  copy: boolean;
  close(): Promise<void>;
}

/** Prisma's query compiler over a `pg` pool (no native engine), and the pool itself for bulk COPY. */
export function createDatabase(database: { url: string; poolSize: number; copy?: boolean }): Database {
  const pool = new Pool({ connectionString: database.url, max: database.poolSize });
  // A connection the server drops while idle in the pool is discarded by pg; without a listener the
  // 'error' event would end the process.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    copy: database.copy ?? true,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/** One client per process, when only Prisma is needed. */
export function createPrismaClient(database: { url: string; poolSize: number }): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url, max: database.poolSize }) });
}
