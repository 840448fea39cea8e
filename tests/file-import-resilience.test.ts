import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildApp } from '../api/app';
import { fileImportWorkflowId } from '../lib/domain/workflow-ids';
import { createLogger } from '../lib/logger';
import { FileStore } from '../lib/storage/file-store';
import type { fileImportWorkflow } from '../workflows/file-import';
import { bearer, newTenant, startStack, startOtherWorker, type TestStack } from './support/stack';

// What goes wrong around an import: the worker dies while a file is half staged, an upload is too large, and
// the operator's command-line import.

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ worker: true });
});
afterAll(() => stack.close());

const HEADER =
  'Date,Portfolio name,Currency,Campaign Name,Ad Group Name,Targeting,Match Type,Customer Search Term,Impressions,Clicks,Spend,7 Day Total Sales ,7 Day Total Orders (#)';

/** A search term report of `rows` distinct rows; returns its spend and sales totals in cents. */
async function writeReport(file: string, rows: number): Promise<{ spendCents: number; salesCents: number }> {
  const out = createWriteStream(file);
  out.write(`${HEADER}\r\n`);
  let spendCents = 0;
  let salesCents = 0;
  for (let i = 0; i < rows; i += 1) {
    const spend = 10 + (i % 500);
    const sales = (i % 7) * 1999;
    spendCents += spend;
    salesCents += sales;
    const line = `"Nov ${10 + (i % 20)}, 2026",,USD,Campaign ${i % 40},Group ${i % 9},kw ${i % 300},EXACT,term ${i},${100 + (i % 50)},${i % 5},$${(spend / 100).toFixed(2)},"$${(sales / 100).toFixed(2)}",${i % 3}\r\n`;
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { spendCents, salesCents };
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('an upload over the size limit answers 413 with the limit, and keeps nothing', async () => {
  const tenant = await newTenant(stack.prisma);
  const app = await buildApp({
    prisma: stack.prisma,
    temporal: stack.client,
    config: { ...stack.config, uploads: { ...stack.config.uploads, maxBytes: 4096 } },
    logger: createLogger({ level: 'silent', pretty: false }),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const form = new FormData();
    form.set('brandId', tenant.brandId!);
    form.set('file', new Blob([`${HEADER}\r\n${'x,'.repeat(4096)}\r\n`]), 'too-big.csv');
    const res = await fetch(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/imports`, { method: 'POST', headers: bearer(tenant.token), body: form });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/too-big\.csv: File is larger than the upload limit of 4 KB \(MAX_UPLOAD_BYTES=4096\)/);
    expect(await stack.prisma.syncLog.count({ where: { companyId: tenant.companyId } })).toBe(0);
  } finally {
    await app.close();
  }
});

test('the operator command imports a local file for a brand and prints the outcome', async () => {
  const tenant = await newTenant(stack.prisma);
  const root = path.resolve(__dirname, '..');
  const fixture = path.join(__dirname, 'fixtures', 'imports', 'BusinessReport-by-date.csv');
  const run = promisify(execFile);
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(root, 'cli/import-file.ts'), '--brand', tenant.brandId!, fixture], {
    cwd: root,
    env: { ...process.env, TEMPORAL_TASK_QUEUE: stack.config.temporal.taskQueue },
  });
  expect(stdout).toMatch(/completed: amazon_business_report_date; rows 2 \(rejected 0\); created 2, updated 0/);
  const log = await stack.prisma.syncLog.findFirstOrThrow({ where: { companyId: tenant.companyId } });
  expect(log).toMatchObject({ syncType: 'csv_upload', status: 'completed', fileName: 'BusinessReport-by-date.csv', triggeredById: null });

  const failed = await run(process.execPath, ['--import', 'tsx', path.join(root, 'cli/import-file.ts'), '--brand', tenant.brandId!, path.join(__dirname, 'fixtures', 'imports', 'contacts-not-a-report.csv')], {
    cwd: root,
    env: { ...process.env, TEMPORAL_TASK_QUEUE: stack.config.temporal.taskQueue },
  }).catch((err: { code: number; stdout: string }) => err);
  expect(failed).toMatchObject({ code: 1, stdout: expect.stringMatching(/failed: .*unknown file format/s) });
});

// Last: it stops the file's worker.
test('a worker that stops mid-file: the retry on another worker resumes after the last committed batch', async () => {
  const tenant = await newTenant(stack.prisma);
  const dir = await mkdtemp(path.join(tmpdir(), 'resume-'));
  const file = path.join(dir, 'big-search-term-report.csv');
  const ROWS = 40_000;
  const expected = await writeReport(file, ROWS);
  const files = new FileStore(stack.config.uploads.dir);
  const stored = await files.save(createReadStream(file), stack.config.uploads.maxBytes);

  const importId = randomUUID();
  await stack.prisma.syncLog.create({
    data: { id: importId, companyId: tenant.companyId, brandId: tenant.brandId, syncType: 'csv_upload', status: 'started', fileKey: stored.key },
  });
  const handle = await stack.client.workflow.start<typeof fileImportWorkflow>('fileImportWorkflow', {
    taskQueue: stack.config.temporal.taskQueue,
    workflowId: fileImportWorkflowId(importId),
    args: [{ syncLogId: importId, companyId: tenant.companyId, brandId: tenant.brandId!, triggeredById: null, fileKey: stored.key,
      fileName: 'big-search-term-report.csv', fileSize: stored.size, snapshotDate: '2026-11-25', batchSize: 200 }],
  });

  // Stop the worker once some batches, but not all, are committed.
  const committedAtStop = await waitFor(async () => {
    const log = await stack.prisma.syncLog.findUniqueOrThrow({ where: { id: importId } });
    return log.recordsProcessed >= 2_000 ? log.recordsProcessed : undefined;
  }, 'the first batches');
  stack.worker!.shutdown();
  await waitFor(async () => (stack.worker!.getState() === 'STOPPED' ? true : undefined), 'the worker to stop');
  const stagedAtStop = await stack.prisma.importStagedKeywordMetric.count({ where: { syncLogId: importId } });
  expect(stagedAtStop).toBeGreaterThanOrEqual(committedAtStop);
  expect(stagedAtStop).toBeLessThan(ROWS);

  const replacement = await startOtherWorker(stack);
  const running = replacement.run();
  try {
    const result = await handle.result();
    expect(result).toMatchObject({ phase: 'completed', rowsStaged: ROWS, rowsRejected: 0, created: ROWS });
  } finally {
    replacement.shutdown();
    await running;
  }
  // Counted once per row: a retry that started over would have counted the first batches twice.
  const log = await stack.prisma.syncLog.findUniqueOrThrow({ where: { id: importId } });
  expect(log).toMatchObject({ status: 'completed', recordsProcessed: ROWS, recordsCreated: ROWS, recordsFailed: 0 });
  const [sums] = await stack.prisma.$queryRaw<{ rows: number; spend: string; sales: string }[]>`
    SELECT count(*)::int AS rows, sum("spend")::text AS spend, sum("sales")::text AS sales FROM "KeywordMetric" WHERE "companyId" = ${tenant.companyId}`;
  expect(sums).toEqual({ rows: ROWS, spend: (expected.spendCents / 100).toFixed(2), sales: (expected.salesCents / 100).toFixed(2) });
});
