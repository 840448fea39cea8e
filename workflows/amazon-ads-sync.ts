import { ActivityFailure, ApplicationFailure, CancellationScope, defineQuery, executeChild, proxyActivities, setHandler, sleep, uuid4, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities';
import type { ReportTypeId } from '../integrations/amazon-ads/ads-client';
import { NON_RETRYABLE_AMAZON_ADS_FAILURES } from '../lib/domain/amazon-ads-failures';
import { addDays, dayIn, planReportWindows, type DateWindow } from '../lib/domain/report-windows';
import { amazonAdsSyncWorkflowId } from '../lib/domain/workflow-ids';
import { bookkeeping } from './shared/bookkeeping';

export interface AmazonAdsSyncInput {
  /** Given when the API starts the run (to answer it at once); a scheduled run makes its own. */
  syncLogId?: string;
  companyId: string;
  credentialId: string;
  syncType: 'amazon_ads_full' | 'amazon_ads_incremental';
  triggeredById: string | null;
  /** Days an incremental sync reads again before its cursor (conversions are restated for weeks). */
  lookbackDays?: number;
  /** First wait before asking whether a report is ready; doubles up to a minute. */
  reportPollMs?: number;
}

export interface ReportOutcome extends DateWindow {
  reportType: ReportTypeId;
  status: 'loaded' | 'failed';
  rows: number;
  error?: string;
}

export interface AmazonAdsSyncResult {
  /** Set when this run did nothing because another sync of the credential was running (that workflow's id). */
  skipped?: string;
  entities: { processed: number; created: number; updated: number };
  reports: ReportOutcome[];
  reportsThrough: string | null;
}

export interface AmazonAdsSyncProgress {
  phase: 'entities' | 'reports' | 'finishing';
  reportsDone: number;
  reportsTotal: number;
  rows: number;
}

export const amazonAdsSyncProgressQuery = defineQuery<AmazonAdsSyncProgress>('progress');

/** Amazon says a report can take up to three hours. */
const REPORT_WAIT_LIMIT_MS = 3 * 60 * 60 * 1000;

// 429s come back with the server's Retry-After as the next delay; 5xx and timeouts back off.
const amazonAds = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 12, nonRetryableErrorTypes: NON_RETRYABLE_AMAZON_ADS_FAILURES },
});

const longAmazonAds = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 12, nonRetryableErrorTypes: NON_RETRYABLE_AMAZON_ADS_FAILURES },
});

function failureOf(err: unknown): { type: string | undefined; message: string } {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return { type: cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined, message: cause instanceof Error ? cause.message : String(cause) };
}

/** Requests a report, waits for it with durable timers (polling backs off up to 1 min), loads it. */
async function loadReport(credentialId: string, reportType: ReportTypeId, window: DateWindow, firstPollMs: number) {
  const { reportId } = await amazonAds.requestAmazonAdsReport({ credentialId, reportType, ...window });
  const started = Date.now();
  for (let delay = firstPollMs; ; delay = Math.min(delay * 2, 60_000)) {
    await sleep(delay);
    const report = await amazonAds.checkAmazonAdsReport({ credentialId, reportId });
    if (report.status === 'COMPLETED') break;
    if (report.status === 'FAILED') throw ApplicationFailure.nonRetryable(`Amazon could not generate the report: ${report.failureReason ?? 'no reason given'}`, 'ReportFailed');
    if (Date.now() - started > REPORT_WAIT_LIMIT_MS) throw ApplicationFailure.nonRetryable('The report was not ready after 3 hours', 'ReportTimedOut');
  }
  return longAmazonAds.loadAmazonAdsReport({ credentialId, reportId, reportType });
}

/**
 * One Amazon Ads sync of one credential (workflow id `amazon-ads-sync-<credentialId>`, so never two at once):
 * the profile's portfolios, campaigns and ad groups, then daily search-term and advertised-product reports over
 * the planned windows. A report that fails makes the run `partial`; a refused authorization fails it, revokes the
 * credential and tells the company's users. Only ids, dates and counts pass through the history.
 */
export async function amazonAdsSyncWorkflow(input: AmazonAdsSyncInput): Promise<AmazonAdsSyncResult> {
  const syncId = amazonAdsSyncWorkflowId(input.credentialId);
  // A schedule's runs carry a timestamp suffix on their workflow id, so the id alone would not keep them apart from
  // a manual run: a scheduled run does the sync as a child under the credential's one id, and ends at once as
  // skipped (with a SyncLog saying so) when that id is taken by a running sync.
  if (workflowInfo().workflowId !== syncId) {
    try {
      return await executeChild(amazonAdsSyncWorkflow, {
        workflowId: syncId,
        args: [input],
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        typedSearchAttributes: workflowInfo().typedSearchAttributes,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const syncLogId = input.syncLogId ?? uuid4();
      const reason = `Skipped: another sync of this credential was running (workflow ${syncId})`;
      await bookkeeping.openSyncLog({ id: syncLogId, syncType: input.syncType, companyId: input.companyId, credentialId: input.credentialId, triggeredById: input.triggeredById, workflowId: workflowInfo().workflowId });
      // Recorded as a completed run of nothing (the SyncLog statuses have no `skipped`), with the reason beside it.
      await bookkeeping.finishSyncLog({ id: syncLogId, status: 'completed', counts: { processed: 0, created: 0, updated: 0, failed: 0 }, errorDetails: { skipped: syncId, reason } });
      return { skipped: syncId, entities: { processed: 0, created: 0, updated: 0 }, reports: [], reportsThrough: null };
    }
  }
  const syncLogId = input.syncLogId ?? uuid4();
  const progress: AmazonAdsSyncProgress = { phase: 'entities', reportsDone: 0, reportsTotal: 0, rows: 0 };
  setHandler(amazonAdsSyncProgressQuery, () => progress);
  await bookkeeping.openSyncLog({
    id: syncLogId,
    syncType: input.syncType,
    companyId: input.companyId,
    credentialId: input.credentialId,
    triggeredById: input.triggeredById,
    workflowId: workflowInfo().workflowId,
  });
  try {
    const { timezone, hasBrand, ...entities } = await longAmazonAds.syncAmazonAdsEntities({ credentialId: input.credentialId });
    // Ad-attributed sales per ASIN belong to a brand: without one, only keyword metrics are pulled.
    const reportTypes: ReportTypeId[] = hasBrand ? ['spSearchTerm', 'spAdvertisedProduct'] : ['spSearchTerm'];
    const loadedThrough = input.syncType === 'amazon_ads_incremental' ? await amazonAds.reportsLoadedThrough({ credentialId: input.credentialId }) : null;
    const windows = planReportWindows({ today: dayIn(timezone, Date.now()), full: input.syncType === 'amazon_ads_full', loadedThrough, lookbackDays: input.lookbackDays ?? 14 });

    const reports: ReportOutcome[] = [];
    Object.assign(progress, { phase: 'reports', reportsTotal: windows.length * reportTypes.length, rows: entities.processed });
    const totals = { processed: entities.processed, created: entities.created, updated: entities.updated };
    for (const window of windows) {
      for (const reportType of reportTypes) {
        try {
          const loaded = await loadReport(input.credentialId, reportType, window, input.reportPollMs ?? 5_000);
          reports.push({ reportType, ...window, status: 'loaded', rows: loaded.processed });
          totals.processed += loaded.processed;
          totals.created += loaded.created;
          totals.updated += loaded.updated;
          progress.rows += loaded.processed;
        } catch (err) {
          const failure = failureOf(err);
          if (failure.type === 'InvalidGrant') throw err;
          reports.push({ reportType, ...window, status: 'failed', rows: 0, error: failure.message });
        }
        progress.reportsDone += 1;
      }
    }
    progress.phase = 'finishing';
    const failed = reports.filter((r) => r.status === 'failed');
    // The cursor moves only as far as every report got: the next incremental run starts before any gap.
    const firstGap = failed.map((r) => r.startDate).sort()[0];
    const reportsThrough = !firstGap ? (windows.at(-1)?.endDate ?? loadedThrough) : firstGap > windows[0]!.startDate ? addDays(firstGap, -1) : loadedThrough;
    await bookkeeping.finishSyncLog({
      id: syncLogId,
      status: failed.length > 0 ? 'partial' : 'completed',
      errorMessage: failed.length > 0 ? `${failed.length} of ${reports.length} reports failed: ${failed[0]!.error}` : undefined,
      counts: { ...totals, failed: failed.length },
      errorDetails: { entities, reports, reportsThrough, timezone },
    });
    return { entities, reports, reportsThrough };
  } catch (err) {
    const failure = failureOf(err);
    await CancellationScope.nonCancellable(async () => {
      if (failure.type === 'InvalidGrant') await bookkeeping.credentialRevoked({ credentialId: input.credentialId, reason: failure.message });
      await bookkeeping.finishSyncLog({ id: syncLogId, status: 'failed', errorMessage: failure.message });
    });
    throw err;
  }
}
