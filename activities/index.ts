import type { PrismaClient } from '../lib/db';
import { createRetentionActivities } from './retention';
import { createSyncLogActivities } from './sync-logs';

export interface ActivityDependencies {
  prisma: PrismaClient;
}

/** Every activity the worker serves, built from real dependencies (the samples' createActivities pattern). */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createSyncLogActivities(deps),
    ...createRetentionActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
