import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { amazonAdsSyncWorkflowId, CREDENTIAL_REFRESH_SCHEDULE_ID } from '../domain/workflow-ids';
import { CompanyIdKey, CredentialIdKey, SyncTypeKey } from './search-attributes';
import type { amazonAdsSyncWorkflow } from '../../workflows/amazon-ads-sync';

export interface AmazonAdsScheduleSettings {
  taskQueue: string;
  intervalHours: number;
  lookbackDays: number;
  reportPollMs: number;
}

/** The schedules of a configuration, or null when Amazon Ads is not configured. */
export function amazonAdsSchedulesFor(client: Client, config: { temporal: { taskQueue: string }; amazonAds: { syncIntervalHours: number; lookbackDays: number; reportPollMs: number } | null }): AmazonAdsSchedules | null {
  if (!config.amazonAds) return null;
  const { syncIntervalHours, lookbackDays, reportPollMs } = config.amazonAds;
  return new AmazonAdsSchedules(client, { taskQueue: config.temporal.taskQueue, intervalHours: syncIntervalHours, lookbackDays, reportPollMs });
}

export const amazonAdsScheduleId = (credentialId: string) => `amazon-ads-incremental-${credentialId}`;

/**
 * Each Amazon Ads credential's incremental sync every N hours, as a Temporal Schedule (visible in the UI with the
 * credential's search attributes): created when the account is connected, paused when its authorization is
 * revoked, resumed when it is connected again, deleted when it is disconnected.
 */
export class AmazonAdsSchedules {
  constructor(
    private readonly client: Client,
    private readonly settings: AmazonAdsScheduleSettings,
  ) {}

  async ensure(credential: { companyId: string; credentialId: string }): Promise<void> {
    const scheduleId = amazonAdsScheduleId(credential.credentialId);
    const attributes = [
      { key: CompanyIdKey, value: credential.companyId },
      { key: CredentialIdKey, value: credential.credentialId },
      { key: SyncTypeKey, value: 'amazon_ads_incremental' },
    ];
    const options = {
      scheduleId,
      spec: { intervals: [{ every: `${this.settings.intervalHours} hours` }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'amazonAdsSyncWorkflow',
        workflowId: amazonAdsSyncWorkflowId(credential.credentialId),
        taskQueue: this.settings.taskQueue,
        args: [
          {
            companyId: credential.companyId,
            credentialId: credential.credentialId,
            syncType: 'amazon_ads_incremental',
            triggeredById: null,
            lookbackDays: this.settings.lookbackDays,
            reportPollMs: this.settings.reportPollMs,
          },
        ] as Parameters<typeof amazonAdsSyncWorkflow>,
        typedSearchAttributes: attributes,
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
      typedSearchAttributes: attributes,
    } satisfies ScheduleOptions;
    try {
      await this.client.schedule.create(options);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      const handle = this.client.schedule.getHandle(scheduleId);
      await handle.update((previous) => ({ ...previous, spec: options.spec, action: options.action, policies: { ...previous.policies, ...options.policies } }));
      await handle.unpause('The account was connected again');
    }
  }

  async pause(credentialId: string, note: string): Promise<void> {
    await this.ignoringMissing(() => this.client.schedule.getHandle(amazonAdsScheduleId(credentialId)).pause(note.slice(0, 200)));
  }

  async remove(credentialId: string): Promise<void> {
    await this.ignoringMissing(() => this.client.schedule.getHandle(amazonAdsScheduleId(credentialId)).delete());
  }

  private async ignoringMissing(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
  }
}

/** The system-wide token refresh every 10 minutes (created or updated at worker start, like retention's). */
export async function ensureCredentialRefreshSchedule(client: Client, taskQueue: string): Promise<void> {
  const options = {
    scheduleId: CREDENTIAL_REFRESH_SCHEDULE_ID,
    spec: { intervals: [{ every: '10 minutes' }] },
    action: { type: 'startWorkflow', workflowType: 'credentialRefreshWorkflow', workflowId: 'amazon-ads-credential-refresh', taskQueue, args: [{ withinMinutes: 20 }] },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' },
  } satisfies ScheduleOptions;
  try {
    await client.schedule.create(options);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(CREDENTIAL_REFRESH_SCHEDULE_ID).update((previous) => ({ ...previous, spec: options.spec, action: options.action }));
  }
}
