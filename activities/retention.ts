import { Context } from '@temporalio/activity';
import { Prisma, type PrismaClient } from '../lib/db';

export interface PurgeInput {
  /** The retention run's SyncLog: its recordsDeleted grows in the same statement as each batch delete. */
  syncLogId: string;
  /** Limit to one tenant; null purges every tenant (the scheduled, system-wide run). */
  companyId: string | null;
  batchSize: number;
}

export interface PurgeResult {
  deleted: number;
}

interface PurgeCheckpoint {
  deleted: number;
}

/**
 * Deletes batch after batch until one finds nothing left (not merely a short batch: a row updated concurrently
 * is skipped by its batch and picked up by the next). Each batch is one statement that deletes and
 * counts, so it commits whole or not at all; the heartbeat carries the running total, and a retried
 * attempt resumes from it (the rows left are exactly those the predicate still matches).
 */
async function deleteInBatches(batchSize: number, deleteBatch: (limit: number) => Promise<number>): Promise<PurgeResult> {
  const context = Context.current();
  const checkpoint = context.info.heartbeatDetails as PurgeCheckpoint | undefined;
  let deleted = checkpoint?.deleted ?? 0;
  for (;;) {
    if (context.cancellationSignal.aborted) throw context.cancellationSignal.reason;
    const count = await deleteBatch(batchSize);
    deleted += count;
    context.heartbeat({ deleted } satisfies PurgeCheckpoint);
    if (count === 0) return { deleted };
  }
}

/**
 * Deletes the rows `batch` selects (it must select `ctid`) and adds their count to the SyncLog, in one
 * statement; returns the count. `ctid = ANY(ARRAY(…))` makes a TID scan: no join back through the primary key.
 */
async function deleteBatchCounted(prisma: PrismaClient, table: Prisma.Sql, batch: Prisma.Sql, syncLogId: string): Promise<number> {
  const rows = await prisma.$queryRaw<{ deleted: bigint }[]>`
    WITH gone AS (DELETE FROM ${table} WHERE ctid = ANY(ARRAY(${batch})) RETURNING 1),
         counted AS (SELECT count(*) AS deleted FROM gone),
         progress AS (UPDATE "SyncLog" SET "recordsDeleted" = "recordsDeleted" + (SELECT deleted FROM counted)
                      WHERE "id" = ${syncLogId})
    SELECT deleted FROM counted`;
  return Number(rows[0]?.deleted ?? 0);
}

export function createRetentionActivities({ prisma }: { prisma: PrismaClient }) {
  return {
    async purgeKeywordMetrics(input: PurgeInput & { beforeDate: string }): Promise<PurgeResult> {
      const tenant = input.companyId === null ? Prisma.empty : Prisma.sql`AND "companyId" = ${input.companyId}`;
      return deleteInBatches(input.batchSize, (limit) =>
        deleteBatchCounted(
          prisma,
          Prisma.sql`"KeywordMetric"`,
          Prisma.sql`SELECT ctid FROM "KeywordMetric" WHERE "date" < ${input.beforeDate}::date ${tenant} LIMIT ${limit}`,
          input.syncLogId,
        ),
      );
    },

    async purgeSyncLogs(input: PurgeInput & { before: string }): Promise<PurgeResult> {
      const tenant = input.companyId === null ? Prisma.empty : Prisma.sql`AND "companyId" = ${input.companyId}`;
      return deleteInBatches(input.batchSize, (limit) =>
        deleteBatchCounted(
          prisma,
          Prisma.sql`"SyncLog"`,
          Prisma.sql`SELECT ctid FROM "SyncLog"
                     WHERE "startedAt" < ${input.before}::timestamptz AND "id" <> ${input.syncLogId} ${tenant} LIMIT ${limit}`,
          input.syncLogId,
        ),
      );
    },

    async purgeNotifications(input: PurgeInput & { before: string }): Promise<PurgeResult> {
      const tenant =
        input.companyId === null
          ? Prisma.empty
          : Prisma.sql`AND "userId" IN (SELECT "id" FROM "User" WHERE "companyId" = ${input.companyId})`;
      return deleteInBatches(input.batchSize, (limit) =>
        deleteBatchCounted(
          prisma,
          Prisma.sql`"Notification"`,
          Prisma.sql`SELECT ctid FROM "Notification"
                     WHERE ("read" OR "dismissedAt" IS NOT NULL) AND "createdAt" < ${input.before}::timestamptz ${tenant}
                     LIMIT ${limit}`,
          input.syncLogId,
        ),
      );
    },
  };
}

export type RetentionActivities = ReturnType<typeof createRetentionActivities>;
