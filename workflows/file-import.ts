import { ActivityFailure, CancellationScope, defineQuery, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { FileImportActivities } from '../activities/file-import';
import type { KeywordSource } from '../integrations/file-formats/format';
import { bookkeeping } from './shared/bookkeeping';

export interface FileImportInput {
  syncLogId: string;
  companyId: string;
  brandId: string;
  triggeredById: string | null;
  fileKey: string;
  fileName: string;
  fileSize: number;
  /** The day keyword-research snapshots are filed under (YYYY-MM-DD). */
  snapshotDate: string;
  /** The day a dateless sales report (Business Report by child ASIN) covers, as the uploader said. */
  reportDate?: string | null;
  /** Only formats of this source are considered (the uploader's hint). */
  source?: KeywordSource | null;
  /** Link rows to this credential's campaigns only. */
  credentialId?: string | null;
  /** Rows per staging batch; tests make it small. */
  batchSize?: number;
}

export interface FileImportProgress {
  phase: 'detecting' | 'parsing' | 'merging' | 'completed' | 'partial' | 'failed';
  formatId: string | null;
  rowsStaged: number;
  rowsRejected: number;
  created: number;
  updated: number;
  unchanged: number;
}

export const fileImportProgressQuery = defineQuery<FileImportProgress>('progress');

const FIRST_ERRORS_KEPT = 20;

const inspect = proxyActivities<FileImportActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumAttempts: 5, nonRetryableErrorTypes: ['UnknownFileFormat', 'UnreadableFile', 'FileMissing', 'ReportDateRequired'] },
});

const stage = proxyActivities<FileImportActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10, nonRetryableErrorTypes: ['UnknownFileFormat', 'UnreadableFile', 'FileMissing'] },
});

const merge = proxyActivities<FileImportActivities>({
  startToCloseTimeout: '30 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 5 },
});

function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Imports one uploaded file: detect its format, stage its rows (rejecting bad ones with the reason), then merge
 * everything into KeywordMetric in one transaction. A file-level problem fails the import and writes nothing;
 * rejected rows make it `partial`. Only ids, names and counts pass through the history.
 */
export async function fileImportWorkflow(input: FileImportInput): Promise<FileImportProgress> {
  const progress: FileImportProgress = { phase: 'detecting', formatId: null, rowsStaged: 0, rowsRejected: 0, created: 0, updated: 0, unchanged: 0 };
  setHandler(fileImportProgressQuery, () => progress);
  const ref = { syncLogId: input.syncLogId, fileKey: input.fileKey, fileName: input.fileName };

  await bookkeeping.openSyncLog({
    id: input.syncLogId,
    syncType: 'csv_upload',
    companyId: input.companyId,
    brandId: input.brandId,
    triggeredById: input.triggeredById,
    workflowId: workflowInfo().workflowId,
    credentialId: input.credentialId ?? null,
    fileName: input.fileName,
    fileSize: input.fileSize,
    fileKey: input.fileKey,
  });
  try {
    const reportDate = input.reportDate ?? null;
    const format = await inspect.inspectImportFile({ ...ref, source: input.source ?? null, reportDate });
    progress.formatId = format.formatId;
    progress.phase = 'parsing';
    const staged = await stage.stageImportRows({
      ...ref,
      formatId: format.formatId,
      snapshotDate: input.snapshotDate,
      reportDate,
      batchSize: input.batchSize ?? 5000,
    });
    progress.rowsStaged = staged.staged;
    progress.rowsRejected = staged.rejected;
    progress.phase = 'merging';
    const merged =
      format.target === 'sales_daily'
        ? await merge.mergeImportedSalesDaily({ syncLogId: input.syncLogId, brandId: input.brandId, side: format.side! })
        : await merge.mergeImportedKeywordMetrics({
            syncLogId: input.syncLogId,
            companyId: input.companyId,
            brandId: input.brandId,
            source: format.source,
            fileName: input.fileName,
            credentialId: input.credentialId ?? null,
          });
    Object.assign(progress, merged);

    const firstErrors = staged.rejected > 0 ? await inspect.firstRejections({ syncLogId: input.syncLogId, limit: FIRST_ERRORS_KEPT }) : [];
    progress.phase = staged.rejected > 0 ? 'partial' : 'completed';
    await bookkeeping.finishSyncLog({
      id: input.syncLogId,
      status: progress.phase,
      errorMessage:
        staged.rejected > 0
          ? `${input.fileName}: ${staged.rejected} of ${staged.rejected + staged.staged} rows were rejected; the others were imported. Download the rejected rows from /imports/${input.syncLogId}/rejects.`
          : undefined,
      errorDetails: { format: format.formatId, ...merged, rejected: staged.rejected, firstErrors },
    });
    return progress;
  } catch (err) {
    progress.phase = 'failed';
    await CancellationScope.nonCancellable(async () => {
      await merge.discardStagedRows({ syncLogId: input.syncLogId });
      await bookkeeping.finishSyncLog({ id: input.syncLogId, status: 'failed', errorMessage: failureMessage(err) });
    });
    throw err;
  }
}
