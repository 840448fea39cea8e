import { randomUUID } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { Client } from 'pg';
import { buildApp } from '../api/app';
import { loadConfig } from '../lib/config';
import { createPrismaClient } from '../lib/db';
import { createLogger } from '../lib/logger';
import { createTenant } from '../lib/tenants';
import { option, peakRssMiB, printTable, psqlSeconds, resetPeakRss, rssMiB, startBenchStack, startWorkerProcess, thousands } from './support/bench-stack';
import { generateSearchTermReport, NORMALIZED_COLUMNS } from './support/search-term-report';

// File import, end to end: a generated Amazon search term report (bench/support/search-term-report.ts) is uploaded
// over HTTP, and the clock stops when GET /imports/:id says completed. The worker runs in its own process, one per
// size, so its memory is the import's: RSS once started, and the peak (VmHWM, restarted after start-up) during the
// import. Baseline, in the same run: `psql \copy` of the same rows, already normalized (what the engine stores,
// derived rates and metadata included), into the same table, emptied first as it was for the engine. The stored
// row count and the spend and sales totals must equal the file's to the cent, and the rows COPY stored must equal
// the engine's (a digest of every stored column but ids and timestamps); the bench fails otherwise.
//   npm run bench:import -- [--sizes 10000,100000,1000000] [--profile-worker <dir>: a V8 CPU profile of each worker]
//                           [--worker-heap-mb <MB>: cap the worker's V8 heap, to show the import fits in it]

const sizes = option('sizes', '10000,100000,1000000').split(',').map(Number);
const profileDir = option('profile-worker', '');
const workerHeapMb = option('worker-heap-mb', '');
/** The workflow's default staging batch (workflows/file-import.ts); only used to report time per batch. */
const STAGING_BATCH = 5000;

const ratio = (a: number, b: number, places: number) => (b > 0 ? (a / b).toFixed(places) : '');
const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;

/** What a tenant's KeywordMetric rows hold, as one number: every column but ids, tenant and timestamps. */
async function digest(db: Client, companyId: string): Promise<{ n: number; digest: string }> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS n,
            coalesce(sum(hashtextextended(row("source", "date", "portfolioId", "campaignId", "adGroupId", "campaignRef", "adGroupRef",
              "keyword", "matchType", "searchTerm", "impressions", "clicks", "spend", "orders", "sales", "ctr", "cpc", "acos", "roas",
              "conversionRate", "sourceFileName", "metadata")::text, 0)::numeric), 0)::text AS digest
     FROM "KeywordMetric" WHERE "companyId" = $1`,
    [companyId],
  );
  return rows[0];
}

/** Seconds each activity took (scheduled → completed, retries included), from the workflow's history. */
async function activitySeconds(temporal: TemporalClient, workflowId: string): Promise<{ phases: Record<string, number>; events: number }> {
  const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
  const scheduledAt = new Map<string, { type: string; at: number }>();
  const phases: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const at = Number(event.eventTime?.seconds ?? 0) + (event.eventTime?.nanos ?? 0) / 1e9;
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) scheduledAt.set(String(event.eventId), { type: scheduled.activityType?.name ?? '?', at });
    const completed = event.activityTaskCompletedEventAttributes;
    const start = completed ? scheduledAt.get(String(completed.scheduledEventId)) : undefined;
    if (start) phases[start.type] = (phases[start.type] ?? 0) + at - start.at;
  }
  return { phases, events: history.events?.length ?? 0 };
}

interface Progress {
  at: number;
  rows: number;
}

/**
 * Staging speed in the first and the second half of the file, from the rows-processed counter the staging commits
 * with each batch (sampled by the polling): a second half as fast as the first shows staging does not slow down
 * as the file goes on.
 */
function stagingHalves(samples: Progress[], size: number): string {
  const first = samples.find((s) => s.rows > 0);
  const middle = samples.find((s) => s.rows >= size / 2);
  const last = samples.find((s) => s.rows >= size);
  if (!first || !middle || !last || middle === first || last === middle || samples.filter((s) => s.rows > 0 && s.rows < size).length < 6) return '';
  return `${thousands((middle.rows - first.rows) / (middle.at - first.at))}/${thousands((last.rows - middle.rows) / (last.at - middle.at))}`;
}

async function main(): Promise<void> {
  const stack = await startBenchStack('import');
  const uploads = await mkdtemp(path.join(tmpdir(), 'bench-uploads-'));
  const env = {
    ...process.env,
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporal.address,
    TEMPORAL_TASK_QUEUE: `bench-${randomUUID()}`,
    UPLOAD_DIR: uploads,
    MAX_UPLOAD_BYTES: String(10 * 1024 * 1024 * 1024),
    LOG_LEVEL: 'info',
    LOG_PRETTY: 'false',
    NODE_ENV: 'production',
    CREDENTIAL_KEYS: `v1:${Buffer.alloc(32, 7).toString('base64')}`,
  };
  Object.assign(process.env, env);
  const config = loadConfig();
  const prisma = createPrismaClient({ ...config.database, poolSize: 4 });
  const db = new Client({ connectionString: stack.databaseUrl });
  await db.connect();
  const connection = await Connection.connect({ address: stack.temporal.address });
  const temporal = new TemporalClient({ connection });
  const app = await buildApp({ prisma, temporal, config, logger: createLogger({ level: 'warn', pretty: false }) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const emptyTables = async () => {
    await db.query('TRUNCATE "KeywordMetric", "ImportStagedKeywordMetric"');
    await db.query('CHECKPOINT');
  };

  const rows: string[][] = [];
  const shapes: string[] = [];
  let peakReset = true;
  try {
    for (const size of sizes) {
      const dir = await mkdtemp(path.join(tmpdir(), 'bench-import-'));
      const engineTenant = await createTenant(prisma, { companyName: `Bench ${size}`, userEmail: `bench-${size}-${Date.now()}@example.test`, brandName: 'Bench' });
      const copyTenant = await createTenant(prisma, { companyName: `Copy ${size}`, userEmail: `copy-${size}-${Date.now()}@example.test`, brandName: 'Copy' });
      const fileName = `Sponsored Products Search term report ${size}.csv`;
      const files = { report: path.join(dir, fileName), normalized: path.join(dir, 'normalized.csv') };
      const generatedAt = process.hrtime.bigint();
      const generated = await generateSearchTermReport(size, files, { companyId: copyTenant.companyId, brandId: copyTenant.brandId! }, fileName);
      const fileBytes = (await stat(files.report)).size;
      shapes.push(
        `${thousands(size)} rows: ${(fileBytes / 1024 / 1024).toFixed(1)} MB, ${generated.campaigns} campaigns, ${generated.adGroups} ad groups, ` +
          `${thousands(generated.targets)} targets, ${thousands(generated.searchTerms)} search terms over 60 days (generated in ${seconds(generatedAt).toFixed(1)} s)`,
      );

      // The engine: upload over HTTP, poll until completed.
      await emptyTables();
      const worker = await startWorkerProcess(env, [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`] : []), ...(workerHeapMb ? [`--max-old-space-size=${workerHeapMb}`] : [])]);
      const workerIdle = await rssMiB(worker.pid!);
      peakReset = (await resetPeakRss(worker.pid!)) && peakReset;
      const started = process.hrtime.bigint();
      const form = new FormData();
      form.set('brandId', engineTenant.brandId!);
      form.set('file', await openAsBlob(files.report), fileName);
      const response = await fetch(`${baseUrl}/imports`, { method: 'POST', headers: { authorization: `Bearer ${engineTenant.token}` }, body: form });
      if (response.status !== 202) throw new Error(`upload answered ${response.status}: ${await response.text()}`);
      const uploadSeconds = seconds(started);
      const { importId, workflowId } = (await response.json()) as { importId: string; workflowId: string };
      const progress: Progress[] = [];
      let state: { status: string; rowsOk: number; rowsRejected: number; rowsProcessed: number };
      for (;;) {
        state = (await (await fetch(`${baseUrl}/imports/${importId}`, { headers: { authorization: `Bearer ${engineTenant.token}` } })).json()) as typeof state;
        if (progress.at(-1)?.rows !== state.rowsProcessed) progress.push({ at: seconds(started), rows: state.rowsProcessed });
        if (state.status !== 'started') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const engineSeconds = seconds(started);
      const workerPeak = await peakRssMiB(worker.pid!);
      worker.kill('SIGTERM');
      await new Promise((r) => worker.once('exit', r));

      if (state.status !== 'completed' || state.rowsOk !== size) throw new Error(`import ended ${JSON.stringify(state)}`);
      const stored = (
        await db.query('SELECT count(*)::int AS n, sum("spend")::text AS spend, sum("sales")::text AS sales FROM "KeywordMetric" WHERE "companyId" = $1', [engineTenant.companyId])
      ).rows[0];
      const expected = { n: size, spend: (generated.spendCents / 100).toFixed(2), sales: (generated.salesCents / 100).toFixed(2) };
      if (JSON.stringify(stored) !== JSON.stringify(expected)) throw new Error(`stored ${JSON.stringify(stored)}, the file has ${JSON.stringify(expected)}`);
      const engineDigest = await digest(db, engineTenant.companyId);
      const { phases, events } = await activitySeconds(temporal, workflowId);
      const stageSeconds = phases.stageImportRows ?? 0;
      const mergeSeconds = phases.mergeImportedKeywordMetrics ?? 0;

      // The baseline: the same rows, normalized, with psql \copy into the emptied table.
      await emptyTables();
      const copySeconds = await psqlSeconds(stack.databaseUrl, ['-c', `\\copy "KeywordMetric"(${NORMALIZED_COLUMNS}) FROM '${files.normalized}' WITH (FORMAT csv)`]);
      const copyDigest = await digest(db, copyTenant.companyId);
      if (copyDigest.n !== size) throw new Error(`COPY stored ${copyDigest.n} rows`);
      if (copyDigest.digest !== engineDigest.digest) throw new Error(`the engine stored other values than the normalized rows COPY stored (digest ${engineDigest.digest} vs ${copyDigest.digest})`);

      rows.push([
        thousands(size),
        (fileBytes / 1024 / 1024).toFixed(1),
        engineSeconds.toFixed(2),
        `${uploadSeconds.toFixed(1)}/${stageSeconds.toFixed(1)}/${mergeSeconds.toFixed(1)}/${Math.max(0, engineSeconds - uploadSeconds - stageSeconds - mergeSeconds).toFixed(1)}`,
        thousands(size / engineSeconds),
        copySeconds.toFixed(2),
        thousands(size / copySeconds),
        ratio(copySeconds, engineSeconds, 2),
        thousands(size / stageSeconds),
        stagingHalves(progress, size),
        ((stageSeconds / Math.ceil(size / STAGING_BATCH)) * 1000).toFixed(0),
        thousands(size / mergeSeconds),
        `${workerIdle.toFixed(0)}/${workerPeak.toFixed(0)}`,
        String(events),
      ]);
      await db.query('TRUNCATE "KeywordMetric"');
      await rm(dir, { recursive: true, force: true });
    }
  } finally {
    await app.close();
    await connection.close();
    await db.end();
    await prisma.$disconnect();
    await stack.close();
    await rm(uploads, { recursive: true, force: true });
  }
  printTable(
    'File import (Amazon search term report, CSV) over HTTP until completed; baseline: psql \\copy of the same normalized rows into KeywordMetric.',
    [
      'rows', 'file MB', 'engine s', 'upload/stage/merge/other s', 'engine rows/s', 'COPY s', 'COPY rows/s', 'speed vs COPY',
      'stage rows/s', 'stage rows/s 1st/2nd half', 'ms per batch', 'merge rows/s', `worker RSS MiB started/peak${peakReset ? '' : ' (peak incl. start-up)'}`, 'history events',
    ],
    rows,
  );
  console.log(`\n${shapes.join('\n')}`);
  console.log(
    `\nspeed vs COPY = COPY s / engine s. Phases from the workflow history (activity scheduled → completed); other = workflow start, format ` +
      `detection, bookkeeping and polling (100 ms). ${STAGING_BATCH}-row staging batches. Both writes start from an empty KeywordMetric.`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
