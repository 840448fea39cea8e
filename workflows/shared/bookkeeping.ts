import { proxyActivities } from '@temporalio/workflow';
import type { CredentialStatusActivities } from '../../activities/amazon-ads/credential-status';
import type { ShopifyAccessActivities } from '../../activities/shopify/access';
import type { SyncLogActivities } from '../../activities/sync-logs';

/** Short database writes every workflow does around its work (SyncLogs, credential status): quick, retried often. */
export const bookkeeping = proxyActivities<SyncLogActivities & CredentialStatusActivities & ShopifyAccessActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10, nonRetryableErrorTypes: ['SyncLogNotFound'] },
});
