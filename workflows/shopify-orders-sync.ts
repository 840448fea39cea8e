import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  executeChild,
  proxyActivities,
  setHandler,
  sleep,
  uuid4,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities';
import { NON_RETRYABLE_SHOPIFY_FAILURES } from '../lib/domain/shopify-failures';
import { shopifyOrdersSyncWorkflowId } from '../lib/domain/workflow-ids';
import { bookkeeping } from './shared/bookkeeping';

export interface ShopifyOrdersSyncInput {
  /** Given when the API starts the run (to answer it at once); a scheduled run makes its own. */
  syncLogId?: string;
  companyId: string;
  credentialId: string;
  triggeredById: string | null;
  /** Export every order again even though the shop was backfilled. */
  full?: boolean;
  /** First wait before asking whether a bulk export is done; doubles up to 30 s. */
  bulkPollMs?: number;
}

export interface ShopifyOrdersSyncResult {
  mode: 'backfill' | 'incremental';
  orders: number;
  created: number;
  updated: number;
  deleted: number;
}

export interface ShopifyOrdersSyncProgress {
  phase: 'planning' | 'exporting' | 'loading' | 'finishing';
  mode: 'backfill' | 'incremental' | null;
}

export const shopifyOrdersSyncProgressQuery = defineQuery<ShopifyOrdersSyncProgress>('progress');

/** Shopify cancels bulk operations that run longer than this. */
const BULK_WAIT_LIMIT_MS = 10 * 24 * 60 * 60 * 1000;

// Throttling comes back with the bucket's refill time as the next delay; 5xx and timeouts back off.
const retry: RetryPolicy = { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 15, nonRetryableErrorTypes: NON_RETRYABLE_SHOPIFY_FAILURES };
const shopify = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry });
const longShopify = proxyActivities<Activities>({ startToCloseTimeout: '4 hours', heartbeatTimeout: '2 minutes', retry });

/**
 * One orders sync of one shop (workflow id `shopify-orders-sync-<credentialId>`): the first run backfills every
 * order by a bulk export, later runs page through the orders updated since the last one (minus an overlap).
 * Each order's sale and refund lines replace its earlier ones, and the SalesDaily rows they touch are summed
 * again. A refused token fails the run, revokes the credential and tells the company's users. Only ids, dates
 * and counts pass through the history.
 */
export async function shopifyOrdersSyncWorkflow(input: ShopifyOrdersSyncInput): Promise<ShopifyOrdersSyncResult> {
  const syncLogId = input.syncLogId ?? uuid4();
  const progress: ShopifyOrdersSyncProgress = { phase: 'planning', mode: null };
  setHandler(shopifyOrdersSyncProgressQuery, () => progress);
  await bookkeeping.openSyncLog({
    id: syncLogId,
    syncType: 'shopify_orders',
    companyId: input.companyId,
    credentialId: input.credentialId,
    triggeredById: input.triggeredById,
    workflowId: workflowInfo().workflowId,
  });
  try {
    const plan = await shopify.planShopifySync({ credentialId: input.credentialId, full: input.full ?? false });
    progress.mode = plan.mode;
    let counts;
    if (plan.mode === 'backfill') {
      progress.phase = 'exporting';
      const { bulkOperationId, startedAt } = await shopify.startShopifyBulkExport({ credentialId: input.credentialId });
      const waitStarted = Date.now();
      for (let delay = input.bulkPollMs ?? 5_000; ; delay = Math.min(delay * 2, 30_000)) {
        await sleep(delay);
        const { status } = await shopify.checkShopifyBulkExport({ credentialId: input.credentialId, bulkOperationId });
        if (status === 'COMPLETED') break;
        if (Date.now() - waitStarted > BULK_WAIT_LIMIT_MS) throw ApplicationFailure.nonRetryable('The bulk export did not finish in 10 days', 'ShopifyBulkFailed');
      }
      progress.phase = 'loading';
      counts = await longShopify.loadShopifyBulkExport({ credentialId: input.credentialId, bulkOperationId, startedAt });
    } else {
      progress.phase = 'loading';
      counts = await longShopify.pullShopifyOrders({ credentialId: input.credentialId, since: plan.since! });
    }
    progress.phase = 'finishing';
    await bookkeeping.finishSyncLog({
      id: syncLogId,
      status: 'completed',
      counts: { processed: counts.orders, created: counts.created, updated: counts.updated, failed: 0 },
      errorDetails: { mode: plan.mode, since: plan.since, salesDailyRowsDeleted: counts.deleted },
    });
    return { mode: plan.mode, ...counts };
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : err;
    const type = cause instanceof ApplicationFailure ? cause.type : undefined;
    const message = cause instanceof Error ? cause.message : String(cause);
    await CancellationScope.nonCancellable(async () => {
      if (type === 'ShopifyUnauthorized') await bookkeeping.shopifyAccessRevoked({ credentialId: input.credentialId, reason: message });
      await bookkeeping.finishSyncLog({ id: syncLogId, status: 'failed', errorMessage: message });
    });
    throw err;
  }
}

/**
 * What the shop's schedule starts: the sync itself as a child under the shop's one workflow id
 * (`shopify-orders-sync-<credentialId>`), so that a scheduled run and a manual one (`POST /integrations/:id/syncs`)
 * can never run side by side: whichever comes second finds the id taken — the manual start answers 409, the
 * scheduled one ends at once as skipped. (A schedule's own workflow ids carry a timestamp suffix, so they alone
 * would not collide.)
 */
export async function scheduledShopifyOrdersSyncWorkflow(input: ShopifyOrdersSyncInput): Promise<ShopifyOrdersSyncResult | { skipped: string }> {
  try {
    return await executeChild(shopifyOrdersSyncWorkflow, {
      workflowId: shopifyOrdersSyncWorkflowId(input.credentialId),
      args: [input],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: workflowInfo().typedSearchAttributes,
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { skipped: `a sync of this shop was already running (${shopifyOrdersSyncWorkflowId(input.credentialId)})` };
    throw err;
  }
}
