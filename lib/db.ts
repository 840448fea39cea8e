import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export { Prisma, PrismaClient } from '../generated/prisma/client';

/** One client per process: Prisma's query compiler over the `pg` driver (no native engine). */
export function createPrismaClient(database: { url: string; poolSize: number }): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url, max: database.poolSize }) });
}
