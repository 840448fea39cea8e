import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { CredentialSyncSchedules, type ConnectedAccount, type SyncScheduleAction } from './credential-sync-schedules';
import { amazonAdsSyncWorkflowId, CREDENTIAL_REFRESH_SCHEDULE_ID } from '../domain/workflow-ids';
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

/** Each Amazon Ads credential's incremental sync every N hours (schedule `amazon-ads-incremental-<credentialId>`). */
export class AmazonAdsSchedules extends CredentialSyncSchedules {
  constructor(
    client: Client,
    private readonly settings: AmazonAdsScheduleSettings,
  ) {
    super(client, settings.taskQueue);
  }

  scheduleId(credentialId: string): string {
    return amazonAdsScheduleId(credentialId);
  }

  protected action(credential: ConnectedAccount): SyncScheduleAction {
    const args: Parameters<typeof amazonAdsSyncWorkflow> = [
      {
        companyId: credential.companyId,
        credentialId: credential.credentialId,
        syncType: 'amazon_ads_incremental',
        triggeredById: null,
        lookbackDays: this.settings.lookbackDays,
        reportPollMs: this.settings.reportPollMs,
      },
    ];
    return {
      every: `${this.settings.intervalHours} hours`,
      catchupWindow: '1 hour',
      syncType: 'amazon_ads_incremental',
      workflowType: 'amazonAdsSyncWorkflow',
      workflowId: amazonAdsSyncWorkflowId(credential.credentialId),
      args,
    };
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
