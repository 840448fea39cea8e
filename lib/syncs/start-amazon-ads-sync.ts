import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../db';
import { amazonAdsSyncWorkflowId } from '../domain/workflow-ids';
import { startCredentialSync, SyncAlreadyRunningError } from './start-credential-sync';
import type { AmazonAdsSyncInput } from '../../workflows/amazon-ads-sync';

const WHAT = 'An Amazon Ads sync of this credential';

/** Starts the credential's sync (one at a time per credential) with its SyncLog; answers their ids. */
export async function startAmazonAdsSync(
  deps: { prisma: PrismaClient; temporal: Client; taskQueue: string },
  request: Omit<AmazonAdsSyncInput, 'syncLogId'> & { syncType: 'amazon_ads_full' | 'amazon_ads_incremental'; lookbackDays: number; reportPollMs: number },
): Promise<{ workflowId: string; syncLogId: string }> {
  // The credential's one workflow id refuses a second run under it; this also finds a run under another id (a
  // scheduled run's own id, before it hands the sync to a child under the credential's id).
  const running = await runningAmazonAdsSync(deps.temporal, request.credentialId);
  if (running) throw new SyncAlreadyRunningError(running, WHAT);
  return startCredentialSync(deps, {
    companyId: request.companyId,
    credentialId: request.credentialId,
    syncType: request.syncType,
    triggeredById: request.triggeredById,
    workflowType: 'amazonAdsSyncWorkflow',
    workflowId: amazonAdsSyncWorkflowId(request.credentialId),
    what: WHAT,
    input: request,
  });
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
