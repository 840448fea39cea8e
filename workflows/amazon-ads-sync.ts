import { ActivityFailure, ApplicationFailure, CancellationScope, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { bookkeeping } from './shared/bookkeeping';

export interface AmazonAdsSyncInput {
  syncLogId: string;
  companyId: string;
  credentialId: string;
  syncType: 'amazon_ads_full' | 'amazon_ads_incremental';
  triggeredById: string | null;
}

export interface AmazonAdsSyncResult {
  entities: { processed: number; created: number; updated: number };
}

const amazonAds = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  // 429s come back with the server's Retry-After as the next delay; 5xx and timeouts back off up to 5 minutes.
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    maximumAttempts: 12,
    nonRetryableErrorTypes: ['InvalidGrant', 'AmazonAdsBadRequest', 'AmazonAdsNotFound', 'AmazonAdsNotConfigured'],
  },
});

function failureOf(err: unknown): { type: string | undefined; message: string } {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return { type: cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined, message: cause instanceof Error ? cause.message : String(cause) };
}

/**
 * One Amazon Ads sync of one credential (workflow id `amazon-ads-sync-<credentialId>`, so never two at once):
 * the profile's portfolios, campaigns and ad groups. A refused authorization revokes the credential and tells the
 * company's users; the SyncLog says what happened either way.
 */
export async function amazonAdsSyncWorkflow(input: AmazonAdsSyncInput): Promise<AmazonAdsSyncResult> {
  await bookkeeping.openSyncLog({
    id: input.syncLogId,
    syncType: input.syncType,
    companyId: input.companyId,
    credentialId: input.credentialId,
    triggeredById: input.triggeredById,
    workflowId: workflowInfo().workflowId,
  });
  try {
    const entities = await amazonAds.syncAmazonAdsEntities({ credentialId: input.credentialId });
    await bookkeeping.finishSyncLog({
      id: input.syncLogId,
      status: 'completed',
      counts: { ...entities, failed: 0 },
      errorDetails: { entities },
    });
    return { entities };
  } catch (err) {
    const failure = failureOf(err);
    await CancellationScope.nonCancellable(async () => {
      if (failure.type === 'InvalidGrant') await bookkeeping.credentialRevoked({ credentialId: input.credentialId, reason: failure.message });
      await bookkeeping.finishSyncLog({ id: input.syncLogId, status: 'failed', errorMessage: failure.message });
    });
    throw err;
  }
}
