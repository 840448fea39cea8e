import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { RetentionPolicy } from '../domain/retention';
import { SyncTypeKey } from './search-attributes';
import type { retentionCleanupWorkflow } from '../../workflows/retention-cleanup';
import { RETENTION_SCHEDULE_ID, retentionWorkflowId } from '../domain/workflow-ids';

export interface RetentionScheduleSettings {
  taskQueue: string;
  cron: string;
  policy: RetentionPolicy;
}

/**
 * Creates the daily, system-wide retention schedule, or brings an existing one up to date with the current
 * configuration (cron, windows): safe to call at every start. Overlapping runs are skipped.
 */
export async function ensureRetentionSchedule(client: Client, settings: RetentionScheduleSettings): Promise<'created' | 'updated'> {
  const options = {
    scheduleId: RETENTION_SCHEDULE_ID,
    spec: { cronExpressions: [settings.cron] },
    action: {
      type: 'startWorkflow',
      workflowType: 'retentionCleanupWorkflow',
      workflowId: retentionWorkflowId(null),
      taskQueue: settings.taskQueue,
      args: [{ companyId: null, policy: settings.policy }] as Parameters<typeof retentionCleanupWorkflow>,
      typedSearchAttributes: [{ key: SyncTypeKey, value: 'retention_cleanup' }],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
  } satisfies ScheduleOptions;
  try {
    await client.schedule.create(options);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(RETENTION_SCHEDULE_ID).update((previous) => ({
      ...previous,
      spec: options.spec,
      action: options.action,
      policies: { ...previous.policies, ...options.policies },
    }));
    return 'updated';
  }
}
