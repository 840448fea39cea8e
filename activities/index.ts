import type { Pool } from 'pg';
import type { PrismaClient } from '../lib/db';
import type { FileStore } from '../lib/storage/file-store';
import { createFileImportActivities } from './file-import';
import { createRetentionActivities } from './retention';
import { createSyncLogActivities } from './sync-logs';

export interface ActivityDependencies {
  prisma: PrismaClient;
  /** The pool under Prisma, for bulk COPY. */
  pool: Pool;
  files: FileStore;
}

/** Every activity the worker serves, built from real dependencies (the samples' createActivities pattern). */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createSyncLogActivities(deps),
    ...createRetentionActivities(deps),
    ...createFileImportActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
