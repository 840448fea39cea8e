import type { Client } from '@temporalio/client';
import { CredentialSyncSchedules, type ConnectedAccount, type SyncScheduleAction } from './credential-sync-schedules';
import { shopifyOrdersScheduleId, shopifyOrdersSyncWorkflowId } from '../domain/workflow-ids';
import type { scheduledShopifyOrdersSyncWorkflow } from '../../workflows/shopify-orders-sync';

/**
 * Each connected shop's orders sync every N minutes (schedule `shopify-orders-<credentialId>`). Its run starts the
 * sync as a child under the shop's one workflow id (see scheduledShopifyOrdersSyncWorkflow), so a manual sync running
 * makes it skip too.
 */
export class ShopifySchedules extends CredentialSyncSchedules {
  constructor(
    client: Client,
    private readonly settings: { taskQueue: string; intervalMinutes: number; bulkPollMs: number },
  ) {
    super(client, settings.taskQueue);
  }

  scheduleId(credentialId: string): string {
    return shopifyOrdersScheduleId(credentialId);
  }

  protected action(shop: ConnectedAccount): SyncScheduleAction {
    const args: Parameters<typeof scheduledShopifyOrdersSyncWorkflow> = [
      { companyId: shop.companyId, credentialId: shop.credentialId, triggeredById: null, bulkPollMs: this.settings.bulkPollMs },
    ];
    return {
      every: `${this.settings.intervalMinutes} minutes`,
      catchupWindow: '10 minutes',
      syncType: 'shopify_orders',
      workflowType: 'scheduledShopifyOrdersSyncWorkflow',
      workflowId: `scheduled-${shopifyOrdersSyncWorkflowId(shop.credentialId)}`,
      args,
    };
  }
}

export function shopifySchedulesFor(client: Client, config: { temporal: { taskQueue: string }; shopify: { syncIntervalMinutes: number; bulkPollMs: number } }): ShopifySchedules {
  return new ShopifySchedules(client, { taskQueue: config.temporal.taskQueue, intervalMinutes: config.shopify.syncIntervalMinutes, bulkPollMs: config.shopify.bulkPollMs });
}
