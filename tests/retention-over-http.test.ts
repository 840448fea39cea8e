import { retentionWorkflowId } from '../lib/domain/workflow-ids';
import { CompanyIdKey } from '../lib/temporal/search-attributes';
import { retentionCleanupWorkflow } from '../workflows/retention-cleanup';
import { bearer, newTenant, listen, startStack, type TestStack } from './support/stack';

// The whole slice through a real HTTP port: API → Temporal → worker → activities → PostgreSQL → API.

let stack: TestStack;
let baseUrl: string;
beforeAll(async () => {
  stack = await startStack({ worker: true, api: true });
  baseUrl = await listen(stack);
});
afterAll(() => stack.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (res: Response): Promise<any> => res.json();

async function waitForFinishedSyncLog(id: string, token: string) {
  for (let i = 0; i < 100; i += 1) {
    const log = await json(await fetch(`${baseUrl}/sync-logs/${id}`, { headers: bearer(token) }));
    if (log.status !== 'started') return log;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sync log ${id} did not finish`);
}

test('POST /retention-runs → workflow completes → SyncLog completed with the right counts', async () => {
  const tenant = await newTenant(stack.prisma);
  const ancient = new Date('2001-01-01');
  await stack.prisma.keywordMetric.createMany({
    data: ['a', 'b', 'c'].map((k) => ({ companyId: tenant.companyId, keyword: k, date: ancient, source: 'csv_helium10' })).concat([
      { companyId: tenant.companyId, keyword: 'fresh', date: new Date(), source: 'csv_helium10' },
    ]),
  });
  await stack.prisma.syncLog.create({ data: { companyId: tenant.companyId, syncType: 'csv_upload', status: 'completed', startedAt: ancient } });
  await stack.prisma.notification.create({ data: { userId: tenant.userId, type: 'info', title: 'old', message: 'old', read: true, createdAt: ancient } });

  const started = await fetch(`${baseUrl}/retention-runs`, { method: 'POST', headers: bearer(tenant.token) });
  expect(started.status).toBe(202);
  const { workflowId, syncLogId } = await json(started);
  expect(workflowId).toBe(`retention-cleanup-${tenant.companyId}`);

  const log = await waitForFinishedSyncLog(syncLogId, tenant.token);
  expect(log).toMatchObject({ status: 'completed', syncType: 'retention_cleanup', recordsDeleted: 5, workflowId, triggeredById: tenant.userId, errorMessage: null });
  expect(log.errorDetails).toMatchObject({ deleted: { keywordMetrics: 3, syncLogs: 1, notifications: 1 } });

  const handle = stack.client.workflow.getHandle(workflowId);
  await handle.result();
  const description = await handle.describe();
  expect(description.status.name).toBe('COMPLETED');
  expect(description.typedSearchAttributes.get(CompanyIdKey)).toBe(tenant.companyId);

  const list = await json(await fetch(`${baseUrl}/sync-logs?type=retention_cleanup`, { headers: bearer(tenant.token) }));
  expect(list.items.map((l: { id: string }) => l.id)).toEqual([syncLogId]);
  expect(await stack.prisma.keywordMetric.count({ where: { companyId: tenant.companyId } })).toBe(1);
});

test('a second run while one is in progress for the company answers 409', async () => {
  const tenant = await newTenant(stack.prisma);
  // A run that no worker picks up stays "running" for as long as the test needs.
  const blocker = await stack.client.workflow.start(retentionCleanupWorkflow, {
    taskQueue: `nobody-polls-${tenant.companyId}`,
    workflowId: retentionWorkflowId(tenant.companyId),
    args: [{ companyId: tenant.companyId, policy: { metricsDays: 1, syncLogDays: 1, notificationDays: 1, batchSize: 1 } }],
  });
  try {
    const res = await fetch(`${baseUrl}/retention-runs`, { method: 'POST', headers: bearer(tenant.token) });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await json(res)).detail).toMatch(/already running/);
    expect(await stack.prisma.syncLog.count({ where: { companyId: tenant.companyId } })).toBe(0);
  } finally {
    await blocker.terminate('test done');
  }
});

test('another company\'s sync log is a 404 over HTTP too', async () => {
  const owner = await newTenant(stack.prisma);
  const stranger = await newTenant(stack.prisma, 'Stranger');
  const started = await json(await fetch(`${baseUrl}/retention-runs`, { method: 'POST', headers: bearer(owner.token) }));
  const res = await fetch(`${baseUrl}/sync-logs/${started.syncLogId}`, { headers: bearer(stranger.token) });
  expect(res.status).toBe(404);
  await waitForFinishedSyncLog(started.syncLogId, owner.token);
});
