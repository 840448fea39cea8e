import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { shopifyOrdersScheduleId, shopifyOrdersSyncWorkflowId } from '../domain/workflow-ids';
import { CompanyIdKey, CredentialIdKey, SyncTypeKey } from './search-attributes';
import type { scheduledShopifyOrdersSyncWorkflow } from '../../workflows/shopify-orders-sync';

/**
 * Each connected shop's orders sync every N minutes, as a Temporal Schedule (visible in the UI with the shop's
 * search attributes): created when the shop is connected, paused when its token is refused, deleted when it is
 * disconnected. A run still going when the next is due makes the next one skip, and so does a manual sync running.
 */
export class ShopifySchedules {
  constructor(
    private readonly client: Client,
    private readonly settings: { taskQueue: string; intervalMinutes: number; bulkPollMs: number },
  ) {}

  async ensure(shop: { companyId: string; credentialId: string }): Promise<void> {
    const scheduleId = shopifyOrdersScheduleId(shop.credentialId);
    const attributes = [
      { key: CompanyIdKey, value: shop.companyId },
      { key: CredentialIdKey, value: shop.credentialId },
      { key: SyncTypeKey, value: 'shopify_orders' },
    ];
    const options = {
      scheduleId,
      spec: { intervals: [{ every: `${this.settings.intervalMinutes} minutes` }] },
      action: {
        type: 'startWorkflow',
        // The schedule's run starts the sync as a child under the shop's one workflow id (see the workflow).
        workflowType: 'scheduledShopifyOrdersSyncWorkflow',
        workflowId: `scheduled-${shopifyOrdersSyncWorkflowId(shop.credentialId)}`,
        taskQueue: this.settings.taskQueue,
        args: [{ companyId: shop.companyId, credentialId: shop.credentialId, triggeredById: null, bulkPollMs: this.settings.bulkPollMs }] as Parameters<typeof scheduledShopifyOrdersSyncWorkflow>,
        typedSearchAttributes: attributes,
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' },
      typedSearchAttributes: attributes,
    } satisfies ScheduleOptions;
    try {
      await this.client.schedule.create(options);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      const handle = this.client.schedule.getHandle(scheduleId);
      await handle.update((previous) => ({ ...previous, spec: options.spec, action: options.action, policies: { ...previous.policies, ...options.policies } }));
      await handle.unpause('The shop was connected again');
    }
  }

  async pause(credentialId: string, note: string): Promise<void> {
    await this.ignoringMissing(() => this.client.schedule.getHandle(shopifyOrdersScheduleId(credentialId)).pause(note.slice(0, 200)));
  }

  async remove(credentialId: string): Promise<void> {
    await this.ignoringMissing(() => this.client.schedule.getHandle(shopifyOrdersScheduleId(credentialId)).delete());
  }

  private async ignoringMissing(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }
}

export function shopifySchedulesFor(client: Client, config: { temporal: { taskQueue: string }; shopify: { syncIntervalMinutes: number; bulkPollMs: number } }): ShopifySchedules {
  return new ShopifySchedules(client, { taskQueue: config.temporal.taskQueue, intervalMinutes: config.shopify.syncIntervalMinutes, bulkPollMs: config.shopify.bulkPollMs });
}
