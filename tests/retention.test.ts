import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import { createRetentionActivities } from '../activities/retention';
import { createSyncLogActivities } from '../activities/sync-logs';
import { retentionCutoffs, type RetentionPolicy } from '../lib/domain/retention';
import { RETENTION_SCHEDULE_ID } from '../lib/domain/workflow-ids';
import { ensureRetentionSchedule } from '../lib/temporal/retention-schedule';
import { SyncTypeKey } from '../lib/temporal/search-attributes';
import { retentionCleanupWorkflow, retentionProgressQuery } from '../workflows/retention-cleanup';
import { newTenant, startStack, type TestStack } from './support/stack';

/** MockActivityEnvironment.run, keeping the activity's types. */
const runActivity = <A extends unknown[], R>(env: MockActivityEnvironment, fn: (...args: A) => Promise<R>, ...args: A) =>
  env.run(fn as (...a: unknown[]) => Promise<R>, ...args) as Promise<R>;

const DAY = 24 * 60 * 60 * 1000;
const policy: RetentionPolicy = { metricsDays: 30, syncLogDays: 10, notificationDays: 5, batchSize: 2 };

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ worker: true });
});
afterAll(() => stack.close());

/** Rows on both sides of every boundary, for one tenant, relative to `now`. */
async function seedAroundBoundaries(companyId: string, userId: string, now: Date) {
  const { prisma } = stack;
  const cutoffs = retentionCutoffs(now, policy);
  const cutoffDay = new Date(`${cutoffs.metricsBeforeDate}T00:00:00Z`);
  const metricDays = { expired: [new Date(cutoffDay.getTime() - DAY), new Date(cutoffDay.getTime() - 400 * DAY), new Date(cutoffDay.getTime() - 2 * DAY)], kept: [cutoffDay, new Date(cutoffDay.getTime() + DAY), now] };
  let n = 0;
  const metric = (date: Date) => ({ companyId, keyword: `kw-${(n += 1)}`, matchType: 'broad', date, source: 'csv_amazon' });
  await prisma.keywordMetric.createMany({ data: [...metricDays.expired, ...metricDays.kept].map(metric) });

  const logAge = (days: number, minutes = 0) => new Date(now.getTime() - days * DAY + minutes * 60_000);
  await prisma.syncLog.createMany({
    data: [
      { companyId, syncType: 'csv_upload', status: 'completed', startedAt: logAge(policy.syncLogDays, -5), fileName: 'expired.csv' },
      { companyId, syncType: 'csv_upload', status: 'failed', startedAt: logAge(200), fileName: 'expired-too.csv' },
      { companyId, syncType: 'csv_upload', status: 'completed', startedAt: logAge(policy.syncLogDays, 5), fileName: 'kept.csv' },
    ],
  });

  const noteAge = (days: number, minutes = 0) => new Date(now.getTime() - days * DAY + minutes * 60_000);
  const note = (title: string, createdAt: Date, state: { read?: boolean; dismissedAt?: Date }) => ({
    userId, type: 'info', title, message: title, createdAt, read: state.read ?? false, readAt: state.read ? createdAt : null, dismissedAt: state.dismissedAt ?? null,
  });
  await prisma.notification.createMany({
    data: [
      note('old read', noteAge(policy.notificationDays, -5), { read: true }),
      note('old dismissed', noteAge(90), { dismissedAt: noteAge(89) }),
      note('old unread', noteAge(90), {}),
      note('recent read', noteAge(policy.notificationDays, 5), { read: true }),
    ],
  });
  return { expected: { keywordMetrics: 3, syncLogs: 2, notifications: 2 } };
}

async function remaining(companyId: string, userId: string) {
  const { prisma } = stack;
  return {
    metricDates: (await prisma.keywordMetric.findMany({ where: { companyId }, orderBy: { date: 'asc' } })).map((m) => m.date.toISOString().slice(0, 10)),
    logFiles: (await prisma.syncLog.findMany({ where: { companyId, syncType: 'csv_upload' } })).map((l) => l.fileName).sort(),
    notes: (await prisma.notification.findMany({ where: { userId } })).map((x) => x.title).sort(),
  };
}

describe('retention activities', () => {
  test('delete in batches, count into the SyncLog, and keep everything inside the windows', async () => {
    const tenant = await newTenant(stack.prisma);
    const other = await newTenant(stack.prisma, 'Other');
    const now = new Date();
    const { expected } = await seedAroundBoundaries(tenant.companyId, tenant.userId, now);
    await seedAroundBoundaries(other.companyId, other.userId, now);
    const cutoffs = retentionCutoffs(now, policy);
    const syncLog = await stack.prisma.syncLog.create({ data: { companyId: tenant.companyId, syncType: 'retention_cleanup', status: 'started' } });

    const activities = createRetentionActivities({ prisma: stack.prisma });
    const env = new MockActivityEnvironment();
    const heartbeats: unknown[] = [];
    env.on('heartbeat', (d) => heartbeats.push(d));
    const scope = { syncLogId: syncLog.id, companyId: tenant.companyId, batchSize: policy.batchSize };
    const metrics = await runActivity(env, activities.purgeKeywordMetrics, { ...scope, beforeDate: cutoffs.metricsBeforeDate });
    const logs = await runActivity(env, activities.purgeSyncLogs, { ...scope, before: cutoffs.syncLogsBefore });
    const notes = await runActivity(env, activities.purgeNotifications, { ...scope, before: cutoffs.notificationsBefore });

    expect({ keywordMetrics: metrics.deleted, syncLogs: logs.deleted, notifications: notes.deleted }).toEqual(expected);
    // Three expired metrics in batches of two: a full batch, then a short one, each heartbeating the total.
    expect(heartbeats.slice(0, 2)).toEqual([{ deleted: 2 }, { deleted: 3 }]);
    const left = await remaining(tenant.companyId, tenant.userId);
    const cutoffDay = cutoffs.metricsBeforeDate;
    expect(left.metricDates[0]).toBe(cutoffDay);
    expect(left.metricDates).toHaveLength(3);
    expect(left.logFiles).toEqual(['kept.csv']);
    expect(left.notes).toEqual(['old unread', 'recent read']);
    expect((await stack.prisma.syncLog.findUniqueOrThrow({ where: { id: syncLog.id } })).recordsDeleted).toBe(7);

    // The other tenant was not touched.
    const untouched = await remaining(other.companyId, other.userId);
    expect(untouched.metricDates).toHaveLength(6);
    expect(untouched.logFiles).toHaveLength(3);
    expect(untouched.notes).toHaveLength(4);
  });

  test('a retried attempt resumes its count from the last heartbeat', async () => {
    const tenant = await newTenant(stack.prisma);
    await stack.prisma.keywordMetric.createMany({
      data: [1, 2, 3].map((i) => ({ companyId: tenant.companyId, keyword: `old-${i}`, date: new Date('2001-01-01'), source: 'api' })),
    });
    const syncLog = await stack.prisma.syncLog.create({ data: { companyId: tenant.companyId, syncType: 'retention_cleanup', status: 'started' } });
    // Attempt 2 of an activity whose first attempt had deleted 4 rows before the worker died.
    const env = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: { deleted: 4 } });
    const result = await runActivity(env, createRetentionActivities({ prisma: stack.prisma }).purgeKeywordMetrics, {
      syncLogId: syncLog.id, companyId: tenant.companyId, batchSize: 10, beforeDate: '2020-01-01',
    });
    expect(result.deleted).toBe(7);
    expect(await stack.prisma.keywordMetric.count({ where: { companyId: tenant.companyId } })).toBe(0);
  });

  test('a failed run notifies the user who started it, once, however often the activity retries', async () => {
    const tenant = await newTenant(stack.prisma);
    const syncLog = await stack.prisma.syncLog.create({ data: { companyId: tenant.companyId, syncType: 'csv_upload', status: 'started', triggeredById: tenant.userId } });
    const { finishSyncLog } = createSyncLogActivities({ prisma: stack.prisma });
    const env = new MockActivityEnvironment();
    await runActivity(env, finishSyncLog, { id: syncLog.id, status: 'failed' as const, errorMessage: 'file.csv: unknown format' });
    await runActivity(env, finishSyncLog, { id: syncLog.id, status: 'failed' as const, errorMessage: 'file.csv: unknown format' });
    const notes = await stack.prisma.notification.findMany({ where: { userId: tenant.userId } });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ type: 'sync_failure', title: 'File import failed', message: 'file.csv: unknown format', relatedType: 'sync_log', relatedId: syncLog.id });
    const log = await stack.prisma.syncLog.findUniqueOrThrow({ where: { id: syncLog.id } });
    expect(log).toMatchObject({ status: 'failed', errorMessage: 'file.csv: unknown format' });
    expect(log.completedAt).not.toBeNull();
  });
});

describe('retention workflow', () => {
  test('runs every purge, records a completed SyncLog with recordsDeleted, and answers a progress query', async () => {
    const tenant = await newTenant(stack.prisma);
    const { expected } = await seedAroundBoundaries(tenant.companyId, tenant.userId, new Date());
    const handle = await stack.client.workflow.start(retentionCleanupWorkflow, {
      taskQueue: stack.config.temporal.taskQueue,
      workflowId: `test-retention-${randomUUID()}`,
      args: [{ companyId: tenant.companyId, triggeredById: tenant.userId, policy }],
    });
    const result = await handle.result();
    expect(result.deleted).toEqual(expected);
    expect(await handle.query(retentionProgressQuery)).toEqual({ phase: 'done', deleted: expected });

    const log = await stack.prisma.syncLog.findUniqueOrThrow({ where: { id: result.syncLogId } });
    expect(log).toMatchObject({ syncType: 'retention_cleanup', status: 'completed', recordsDeleted: 7, companyId: tenant.companyId, workflowId: handle.workflowId });
    expect(log.completedAt).not.toBeNull();
    const left = await remaining(tenant.companyId, tenant.userId);
    expect(left.metricDates[0]).toBe(result.cutoffs.metricsBeforeDate);
    expect(left.logFiles).toEqual(['kept.csv']);
    expect(left.notes).toEqual(['old unread', 'recent read']);
  });

  test('an invalid policy fails the run with a typed, non-retryable error, a failed SyncLog and a notification', async () => {
    const tenant = await newTenant(stack.prisma);
    const syncLogId = randomUUID();
    const handle = await stack.client.workflow.start(retentionCleanupWorkflow, {
      taskQueue: stack.config.temporal.taskQueue,
      workflowId: `test-retention-${randomUUID()}`,
      args: [{ syncLogId, companyId: tenant.companyId, triggeredById: tenant.userId, policy: { ...policy, batchSize: 0 } }],
    });
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause).toMatchObject({ type: 'InvalidRetentionPolicy', nonRetryable: true });
    const log = await stack.prisma.syncLog.findUniqueOrThrow({ where: { id: syncLogId } });
    expect(log.status).toBe('failed');
    expect(log.errorMessage).toMatch(/batchSize must be a positive integer, got 0/);
    expect(await stack.prisma.notification.count({ where: { userId: tenant.userId, relatedId: syncLogId, type: 'sync_failure' } })).toBe(1);
  });
});

describe('daily retention schedule', () => {
  test('is created once, updated on later starts, skips overlaps and carries the SyncType search attribute', async () => {
    const settings = { taskQueue: stack.config.temporal.taskQueue, cron: '17 3 * * *', policy };
    const handle = stack.client.schedule.getHandle(RETENTION_SCHEDULE_ID);
    await handle.delete().catch(() => undefined);
    expect(await ensureRetentionSchedule(stack.client, settings)).toBe('created');
    expect(await ensureRetentionSchedule(stack.client, { ...settings, cron: '0 4 * * *', policy: { ...policy, metricsDays: 400 } })).toBe('updated');
    const description = await handle.describe();
    expect(description.policies.overlap).toBe('SKIP');
    expect(description.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 4, end: 4, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] });
    expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retentionCleanupWorkflow', args: [{ companyId: null, policy: { metricsDays: 400 } }] });
    const attributes = description.action.typedSearchAttributes as TypedSearchAttributes;
    expect(attributes.get(SyncTypeKey)).toBe('retention_cleanup');
    await handle.delete();
  });
});
