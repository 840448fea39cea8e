import { randomUUID } from 'node:crypto';
import { createWriteStream, openAsBlob, type WriteStream } from 'node:fs';
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
import { option, peakRssMiB, printTable, psqlSeconds, startBenchStack, startWorkerProcess, thousands } from './support/bench-stack';

// File import, end to end: a generated Amazon search term report is uploaded over HTTP, and the clock stops when
// GET /imports/:id says completed. The worker runs in its own process, one per size, so its peak RSS (VmHWM) is
// the import's. Baseline, in the same run: `psql \copy` of the same rows, already normalized (what the engine
// stores, derived rates and metadata included), into the same table.
//   npm run bench:import -- [--sizes 10000,100000,1000000] [--profile-worker <dir>: a V8 CPU profile of each worker]
//                           [--worker-heap-mb <MB>: cap the worker's V8 heap, to show the import fits in it]

const sizes = option('sizes', '10000,100000,1000000').split(',').map(Number);
const profileDir = option('profile-worker', '');
const workerHeapMb = option('worker-heap-mb', '');

const HEADER =
  'Date,Portfolio name,Currency,Campaign Name,Ad Group Name,Targeting,Match Type,Customer Search Term,Impressions,Clicks,' +
  'Click-Thru Rate (CTR),Cost Per Click (CPC),Spend,7 Day Total Sales ,Total Advertising Cost of Sales (ACOS) ,' +
  'Total Return on Advertising Spend (ROAS),7 Day Total Orders (#),7 Day Total Units (#),7 Day Conversion Rate';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MATCH = ['EXACT', 'PHRASE', 'BROAD'];
const COPY_COLUMNS =
  '"id","companyId","brandId","source","date","campaignRef","adGroupRef","keyword","matchType","searchTerm","impressions","clicks",' +
  '"spend","orders","sales","ctr","cpc","acos","roas","conversionRate","sourceFileName","metadata","updatedAt"';

const money = (cents: number) => `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
const csv = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
const ratio = (a: number, b: number, places: number) => (b > 0 ? (a / b).toFixed(places) : '');

async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}

interface Generated {
  report: string;
  normalized: string;
  spendCents: number;
  salesCents: number;
}

/**
 * A report of `rows` distinct rows over 60 days (a few hundred campaigns, many search terms per targeting
 * keyword), and beside it the rows as the engine stores them, for COPY. Both are streamed to disk.
 */
async function generate(dir: string, rows: number, tenant: { companyId: string; brandId: string }, fileName: string): Promise<Generated> {
  const report = createWriteStream(path.join(dir, fileName));
  const normalized = createWriteStream(path.join(dir, 'normalized.csv'));
  await write(report, `${HEADER}\r\n`);
  let spendCents = 0;
  let salesCents = 0;
  const now = new Date().toISOString();
  for (let i = 0; i < rows; i += 1) {
    const day = new Date(Date.UTC(2026, 10, 24) - (i % 60) * 86_400_000);
    const iso = day.toISOString().slice(0, 10);
    const campaign = `SP - Campaign ${i % 300}, ${MATCH[i % 3]!.toLowerCase()}`;
    const adGroup = `Ad group ${i % 7}`;
    const keyword = `keyword ${i % 2000}`;
    const searchTerm = `search term ${i}`;
    const impressions = 100 + (i % 3000);
    const clicks = i % 40;
    const spend = clicks === 0 ? 0 : 20 + ((i * 37) % 5000);
    const orders = i % 4 === 0 ? 1 + (i % 3) : 0;
    const sales = orders === 0 ? 0 : 999 + ((i * 91) % 30000);
    spendCents += spend;
    salesCents += sales;
    await write(
      report,
      `"${MONTHS[day.getUTCMonth()]} ${String(day.getUTCDate()).padStart(2, '0')}, ${day.getUTCFullYear()}",Kitchen,USD,${csv(campaign)},${adGroup},` +
        `${keyword},${MATCH[i % 3]},${searchTerm},"${impressions.toLocaleString('en-US')}",${clicks},1.00%,$0.50,"${money(spend)}","${money(sales)}",` +
        `1.00%,1.00,${orders},${orders},1.00%\r\n`,
    );
    const rate = (num: number, den: number, places: number) => (den > 0 ? (num / den).toFixed(places) : '');
    await write(
      normalized,
      [
        randomUUID(), tenant.companyId, tenant.brandId, 'csv_amazon', iso, csv(campaign), adGroup, keyword, MATCH[i % 3]!.toLowerCase(), searchTerm,
        impressions, clicks, (spend / 100).toFixed(2), orders, (sales / 100).toFixed(2), rate(clicks, impressions, 4), rate(spend / 100, clicks, 2),
        rate(spend, sales, 4), rate(sales, spend, 2), rate(orders, clicks, 4), fileName, csv(`{"currency": "USD", "7_day_total_units_count": "${orders}"}`), now,
      ].join(',') + '\n',
    );
  }
  await Promise.all([report, normalized].map((s) => new Promise<void>((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve())))));
  return { report: path.join(dir, fileName), normalized: path.join(dir, 'normalized.csv'), spendCents, salesCents };
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

  const rows: string[][] = [];
  try {
    for (const size of sizes) {
      const dir = await mkdtemp(path.join(tmpdir(), 'bench-import-'));
      const engineTenant = await createTenant(prisma, { companyName: `Bench ${size}`, userEmail: `bench-${size}-${Date.now()}@example.test`, brandName: 'Bench' });
      const copyTenant = await createTenant(prisma, { companyName: `Copy ${size}`, userEmail: `copy-${size}-${Date.now()}@example.test`, brandName: 'Copy' });
      const fileName = `Sponsored Products Search term report ${size}.csv`;
      const generated = await generate(dir, size, { companyId: copyTenant.companyId, brandId: copyTenant.brandId! }, fileName);
      const fileBytes = (await stat(generated.report)).size;
      await db.query('CHECKPOINT');

      const worker = await startWorkerProcess(env, [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`] : []), ...(workerHeapMb ? [`--max-old-space-size=${workerHeapMb}`] : [])]);
      const started = process.hrtime.bigint();
      const form = new FormData();
      form.set('brandId', engineTenant.brandId!);
      form.set('file', await openAsBlob(generated.report), fileName);
      const response = await fetch(`${baseUrl}/imports`, { method: 'POST', headers: { authorization: `Bearer ${engineTenant.token}` }, body: form });
      if (response.status !== 202) throw new Error(`upload answered ${response.status}: ${await response.text()}`);
      const uploadSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const { importId, workflowId } = (await response.json()) as { importId: string; workflowId: string };
      let state: { status: string; rowsOk: number; rowsRejected: number };
      for (;;) {
        state = (await (await fetch(`${baseUrl}/imports/${importId}`, { headers: { authorization: `Bearer ${engineTenant.token}` } })).json()) as typeof state;
        if (state.status !== 'started') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const engineSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const workerPeak = await peakRssMiB(worker.pid!);
      worker.kill('SIGTERM');
      await new Promise((r) => worker.once('exit', r));

      if (state.status !== 'completed' || state.rowsOk !== size) throw new Error(`import ended ${JSON.stringify(state)}`);
      const stored = (
        await db.query('SELECT count(*)::int AS n, sum("spend")::text AS spend, sum("sales")::text AS sales FROM "KeywordMetric" WHERE "companyId" = $1', [engineTenant.companyId])
      ).rows[0];
      const expected = { n: size, spend: (generated.spendCents / 100).toFixed(2), sales: (generated.salesCents / 100).toFixed(2) };
      if (JSON.stringify(stored) !== JSON.stringify(expected)) throw new Error(`stored ${JSON.stringify(stored)}, the file has ${JSON.stringify(expected)}`);

      // Where the time went, from the workflow's history: each activity's scheduled → completed.
      const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
      const scheduledAt = new Map<string, { type: string; at: number }>();
      const phases: Record<string, number> = {};
      for (const event of history.events ?? []) {
        const at = Number(event.eventTime?.seconds ?? 0) + (event.eventTime?.nanos ?? 0) / 1e9;
        if (event.activityTaskScheduledEventAttributes) {
          scheduledAt.set(String(event.eventId), { type: event.activityTaskScheduledEventAttributes.activityType?.name ?? '?', at });
        }
        const completed = event.activityTaskCompletedEventAttributes;
        if (completed) {
          const scheduled = scheduledAt.get(String(completed.scheduledEventId));
          if (scheduled) phases[scheduled.type] = (phases[scheduled.type] ?? 0) + at - scheduled.at;
        }
      }

      await db.query('CHECKPOINT');
      const copySeconds = await psqlSeconds(stack.databaseUrl, ['-c', `\\copy "KeywordMetric"(${COPY_COLUMNS}) FROM '${generated.normalized}' WITH (FORMAT csv)`]);
      const copied = (await db.query('SELECT count(*)::int AS n FROM "KeywordMetric" WHERE "companyId" = $1', [copyTenant.companyId])).rows[0].n;
      if (copied !== size) throw new Error(`COPY stored ${copied} rows`);

      rows.push([
        thousands(size),
        (fileBytes / 1024 / 1024).toFixed(1),
        engineSeconds.toFixed(2),
        `${uploadSeconds.toFixed(1)}/${(phases.stageImportRows ?? 0).toFixed(1)}/${(phases.mergeImportedKeywordMetrics ?? 0).toFixed(1)}`,
        thousands(size / engineSeconds),
        copySeconds.toFixed(2),
        thousands(size / copySeconds),
        ratio(copySeconds, engineSeconds, 2),
        workerPeak.toFixed(0),
        String(history.events?.length ?? 0),
      ]);
      await db.query('DELETE FROM "KeywordMetric" WHERE "companyId" = ANY($1)', [[engineTenant.companyId, copyTenant.companyId]]);
      await db.query('VACUUM "KeywordMetric"');
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
    ['rows', 'file MB', 'engine s', 'upload/stage/merge s', 'engine rows/s', 'COPY s', 'COPY rows/s', 'speed vs COPY', 'worker peak RSS MiB', 'history events'],
    rows,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
