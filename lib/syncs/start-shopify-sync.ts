import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { PrismaClient } from '../db';
import { shopifyOrdersSyncWorkflowId } from '../domain/workflow-ids';
import { CompanyIdKey, CredentialIdKey, SyncTypeKey } from '../temporal/search-attributes';
import { SyncAlreadyRunningError } from './start-amazon-ads-sync';
import type { shopifyOrdersSyncWorkflow } from '../../workflows/shopify-orders-sync';

/** Starts the shop's orders sync (one at a time per shop) with its SyncLog; answers their ids. */
export async function startShopifyOrdersSync(
  deps: { prisma: PrismaClient; temporal: Client; taskQueue: string },
  request: { companyId: string; credentialId: string; triggeredById: string | null; bulkPollMs: number; full?: boolean },
): Promise<{ workflowId: string; syncLogId: string }> {
  const syncLogId = randomUUID();
  const workflowId = shopifyOrdersSyncWorkflowId(request.credentialId);
  await deps.prisma.syncLog.create({
    data: { id: syncLogId, companyId: request.companyId, credentialId: request.credentialId, syncType: 'shopify_orders', status: 'started', workflowId, triggeredById: request.triggeredById },
  });
  try {
    await deps.temporal.workflow.start<typeof shopifyOrdersSyncWorkflow>('shopifyOrdersSyncWorkflow', {
      taskQueue: deps.taskQueue,
      workflowId,
      workflowIdConflictPolicy: 'FAIL',
      args: [{ syncLogId, ...request }],
      typedSearchAttributes: [
        { key: CompanyIdKey, value: request.companyId },
        { key: CredentialIdKey, value: request.credentialId },
        { key: SyncTypeKey, value: 'shopify_orders' },
      ],
    });
  } catch (err) {
    await deps.prisma.syncLog.delete({ where: { id: syncLogId } });
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw new SyncAlreadyRunningError(workflowId, 'An orders sync of this shop');
    throw err;
  }
  return { workflowId, syncLogId };
}
