import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { PrismaClient } from '../db';
import { amazonAdsSyncWorkflowId } from '../domain/workflow-ids';
import { CompanyIdKey, CredentialIdKey, SyncTypeKey } from '../temporal/search-attributes';
import type { amazonAdsSyncWorkflow } from '../../workflows/amazon-ads-sync';

export class SyncAlreadyRunningError extends Error {
  override readonly name = 'SyncAlreadyRunningError';
  constructor(
    readonly workflowId: string,
    what = 'An Amazon Ads sync of this credential',
  ) {
    super(`${what} is already running (workflow ${workflowId})`);
  }
}

/** Starts the credential's sync (one at a time per credential) with its SyncLog; answers their ids. */
export async function startAmazonAdsSync(
  deps: { prisma: PrismaClient; temporal: Client; taskQueue: string },
  request: { companyId: string; credentialId: string; syncType: 'amazon_ads_full' | 'amazon_ads_incremental'; triggeredById: string | null; lookbackDays: number; reportPollMs: number },
): Promise<{ workflowId: string; syncLogId: string }> {
  const syncLogId = randomUUID();
  const workflowId = amazonAdsSyncWorkflowId(request.credentialId);
  // The credential's one workflow id refuses a second run under it; this also finds a run under another id (a
  // scheduled run's own id, before it hands the sync to a child under the credential's id).
  const running = await runningAmazonAdsSync(deps.temporal, request.credentialId);
  if (running) throw new SyncAlreadyRunningError(running);
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

/** The workflow id of a running Amazon Ads sync of the credential (by its search attributes), if any. */
export async function runningAmazonAdsSync(temporal: Client, credentialId: string): Promise<string | null> {
  const query = `WorkflowType = "amazonAdsSyncWorkflow" AND CredentialId = "${credentialId.replace(/[^A-Za-z0-9-]/g, '')}" AND ExecutionStatus = "Running"`;
  for await (const execution of temporal.workflow.list({ query, pageSize: 10 })) {
    // A scheduled run waiting on its child under the credential's id: name the child, which does the work.
    return execution.workflowId.startsWith(amazonAdsSyncWorkflowId(credentialId)) ? amazonAdsSyncWorkflowId(credentialId) : execution.workflowId;
  }
  return null;
}
