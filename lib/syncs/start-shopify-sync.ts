import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../db';
import { shopifyOrdersSyncWorkflowId } from '../domain/workflow-ids';
import { startCredentialSync } from './start-credential-sync';
import type { ShopifyOrdersSyncInput } from '../../workflows/shopify-orders-sync';

/** Starts the shop's orders sync (one at a time per shop) with its SyncLog; answers their ids. */
export async function startShopifyOrdersSync(
  deps: { prisma: PrismaClient; temporal: Client; taskQueue: string },
  request: Omit<ShopifyOrdersSyncInput, 'syncLogId'> & { bulkPollMs: number },
): Promise<{ workflowId: string; syncLogId: string }> {
  return startCredentialSync(deps, {
    companyId: request.companyId,
    credentialId: request.credentialId,
    syncType: 'shopify_orders',
    triggeredById: request.triggeredById,
    workflowType: 'shopifyOrdersSyncWorkflow',
    workflowId: shopifyOrdersSyncWorkflowId(request.credentialId),
    what: 'An orders sync of this shop',
    input: request,
  });
}
