import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  proxyActivities,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { RetentionActivities } from '../activities/retention';
import { retentionCutoffs, type RetentionCutoffs, type RetentionPolicy } from '../lib/domain/retention';
import { bookkeeping } from './shared/bookkeeping';

export interface RetentionCleanupInput {
  /** Set by the API, which creates the SyncLog before starting; the schedule leaves it out. */
  syncLogId?: string;
  /** The tenant to clean up; null cleans every tenant (the daily schedule). */
  companyId: string | null;
  triggeredById?: string | null;
  policy: RetentionPolicy;
}

export interface RetentionCleanupResult {
  syncLogId: string;
  cutoffs: RetentionCutoffs;
  deleted: { keywordMetrics: number; syncLogs: number; notifications: number };
}

export interface RetentionProgress {
  phase: 'starting' | 'keyword_metrics' | 'sync_logs' | 'notifications' | 'done' | 'failed';
  deleted: RetentionCleanupResult['deleted'];
}

export const retentionProgressQuery = defineQuery<RetentionProgress>('progress');

const purge = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 8 },
});

function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

function assertValidPolicy(policy: RetentionPolicy): void {
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isInteger(value) || value < 1) {
      throw ApplicationFailure.nonRetryable(`Retention policy ${name} must be a positive integer, got ${value}`, 'InvalidRetentionPolicy');
    }
  }
}

/** Deletes what fell out of the retention windows, table by table, in batches; one SyncLog per run. */
export async function retentionCleanupWorkflow(input: RetentionCleanupInput): Promise<RetentionCleanupResult> {
  const syncLogId = input.syncLogId ?? uuid4();
  const progress: RetentionProgress = { phase: 'starting', deleted: { keywordMetrics: 0, syncLogs: 0, notifications: 0 } };
  setHandler(retentionProgressQuery, () => progress);

  await bookkeeping.openSyncLog({
    id: syncLogId,
    syncType: 'retention_cleanup',
    companyId: input.companyId,
    triggeredById: input.triggeredById ?? null,
    workflowId: workflowInfo().workflowId,
  });

  const cutoffs = retentionCutoffs(new Date(), input.policy);
  const scope = { syncLogId, companyId: input.companyId, batchSize: input.policy.batchSize };
  try {
    assertValidPolicy(input.policy);
    progress.phase = 'keyword_metrics';
    progress.deleted.keywordMetrics = (await purge.purgeKeywordMetrics({ ...scope, beforeDate: cutoffs.metricsBeforeDate })).deleted;
    progress.phase = 'sync_logs';
    progress.deleted.syncLogs = (await purge.purgeSyncLogs({ ...scope, before: cutoffs.syncLogsBefore })).deleted;
    progress.phase = 'notifications';
    progress.deleted.notifications = (await purge.purgeNotifications({ ...scope, before: cutoffs.notificationsBefore })).deleted;
  } catch (err) {
    progress.phase = 'failed';
    // Record the failure even when the run is being cancelled.
    await CancellationScope.nonCancellable(() =>
      bookkeeping.finishSyncLog({ id: syncLogId, status: 'failed', errorMessage: `Retention cleanup failed: ${failureMessage(err)}` }),
    );
    throw err;
  }
  await bookkeeping.finishSyncLog({ id: syncLogId, status: 'completed', errorDetails: { cutoffs, deleted: progress.deleted } });
  progress.phase = 'done';
  return { syncLogId, cutoffs, deleted: progress.deleted };
}
