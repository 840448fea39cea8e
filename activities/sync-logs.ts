import { ApplicationFailure } from '@temporalio/activity';
import type { PrismaClient } from '../lib/db';
import type { FinalSyncStatus, SyncType } from '../lib/domain/sync-log';

export interface OpenSyncLogInput {
  id: string;
  syncType: SyncType;
  companyId: string | null;
  workflowId: string;
  credentialId?: string | null;
  triggeredById?: string | null;
  brandId?: string | null;
  fileName?: string | null;
  fileSize?: number | null;
  fileKey?: string | null;
}

export interface FinishSyncLogInput {
  id: string;
  status: FinalSyncStatus;
  errorMessage?: string;
  errorDetails?: Record<string, unknown>;
  /** The run's totals, when the workflow (not its activities) keeps them. */
  counts?: { processed: number; created: number; updated: number; failed: number };
}

const SYNC_TYPE_TITLES: Record<SyncType, string> = {
  amazon_ads_full: 'Amazon Ads full sync',
  amazon_ads_incremental: 'Amazon Ads incremental sync',
  shopify_orders: 'Shopify orders sync',
  csv_upload: 'File import',
  retention_cleanup: 'Retention cleanup',
};

export function createSyncLogActivities({ prisma }: { prisma: PrismaClient }) {
  return {
    /** Creates the run's SyncLog unless it exists (the API may have created it already): idempotent. */
    async openSyncLog(input: OpenSyncLogInput): Promise<void> {
      await prisma.syncLog.upsert({
        where: { id: input.id },
        update: {},
        create: {
          id: input.id,
          syncType: input.syncType,
          status: 'started',
          companyId: input.companyId,
          workflowId: input.workflowId,
          credentialId: input.credentialId ?? null,
          triggeredById: input.triggeredById ?? null,
          brandId: input.brandId ?? null,
          fileName: input.fileName ?? null,
          fileSize: input.fileSize ?? null,
          fileKey: input.fileKey ?? null,
        },
      });
    },

    /**
     * Records the outcome. A failed or partial run notifies the user who started it, once: a retry finds
     * the notification already there.
     */
    async finishSyncLog(input: FinishSyncLogInput): Promise<void> {
      await prisma.$transaction(async (tx) => {
        const log = await tx.syncLog.findUnique({ where: { id: input.id } });
        if (!log) throw ApplicationFailure.nonRetryable(`SyncLog ${input.id} does not exist`, 'SyncLogNotFound');
        await tx.syncLog.update({
          where: { id: input.id },
          data: {
            status: input.status,
            completedAt: log.completedAt ?? new Date(),
            errorMessage: input.errorMessage ?? null,
            ...(input.errorDetails ? { errorDetails: input.errorDetails as object } : {}),
            ...(input.counts
              ? {
                  recordsProcessed: input.counts.processed,
                  recordsCreated: input.counts.created,
                  recordsUpdated: input.counts.updated,
                  recordsFailed: input.counts.failed,
                }
              : {}),
          },
        });
        if (input.status === 'completed' || !log.triggeredById) return;
        const already = await tx.notification.findFirst({
          where: { userId: log.triggeredById, relatedType: 'sync_log', relatedId: log.id, type: 'sync_failure' },
        });
        if (already) return;
        const title = `${SYNC_TYPE_TITLES[log.syncType as SyncType] ?? log.syncType} ${input.status === 'failed' ? 'failed' : 'partly failed'}`;
        await tx.notification.create({
          data: {
            userId: log.triggeredById,
            type: 'sync_failure',
            title,
            message: input.errorMessage ?? `${log.recordsFailed} records were rejected; see the sync log for details.`,
            relatedType: 'sync_log',
            relatedId: log.id,
          },
        });
      });
    },
  };
}

export type SyncLogActivities = ReturnType<typeof createSyncLogActivities>;
