import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { PrismaClient } from '../db';
import { amazonAdsSyncWorkflowId } from '../domain/workflow-ids';
import { CompanyIdKey, CredentialIdKey, SyncTypeKey } from '../temporal/search-attributes';
import type { amazonAdsSyncWorkflow } from '../../workflows/amazon-ads-sync';

export class SyncAlreadyRunningError extends Error {
  override readonly name = 'SyncAlreadyRunningError';
  constructor(readonly workflowId: string) {
    super(`An Amazon Ads sync of this credential is already running (workflow ${workflowId})`);
  }
}

/** Starts the credential's sync (one at a time per credential) with its SyncLog; answers their ids. */
export async function startAmazonAdsSync(
  deps: { prisma: PrismaClient; temporal: Client; taskQueue: string },
  request: { companyId: string; credentialId: string; syncType: 'amazon_ads_full' | 'amazon_ads_incremental'; triggeredById: string | null; lookbackDays: number; reportPollMs: number },
): Promise<{ workflowId: string; syncLogId: string }> {
  const syncLogId = randomUUID();
  const workflowId = amazonAdsSyncWorkflowId(request.credentialId);
  try {
    await deps.temporal.workflow.start<typeof amazonAdsSyncWorkflow>('amazonAdsSyncWorkflow', {
      taskQueue: deps.taskQueue,
      workflowId,
      workflowIdConflictPolicy: 'FAIL',
      args: [{ syncLogId, ...request }],
      typedSearchAttributes: [
        { key: CompanyIdKey, value: request.companyId },
        { key: CredentialIdKey, value: request.credentialId },
        { key: SyncTypeKey, value: request.syncType },
      ],
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw new SyncAlreadyRunningError(workflowId);
    throw err;
  }
  await deps.prisma.syncLog.upsert({
    where: { id: syncLogId },
    update: {},
    create: { id: syncLogId, companyId: request.companyId, credentialId: request.credentialId, syncType: request.syncType, status: 'started', workflowId, triggeredById: request.triggeredById },
  });
  return { workflowId, syncLogId };
}
