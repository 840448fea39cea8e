import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client as TemporalClient } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { Client } from 'pg';
import { migrateDatabase } from '../dev/local-stack/migrations';
import { startTemporalDevServer } from '../dev/local-stack/temporal-dev-server';
import { withDatabase } from '../lib/config/database-url';
import { createPrismaClient } from '../lib/db';
import { findFreePort } from '../lib/net/free-port';
import { consoleTemporalLogger } from '../lib/temporal/runtime-logger';
import { FileStore } from '../lib/storage/file-store';
import { createTenant } from '../lib/tenants';
import { createWorker } from '../worker/create-worker';
import { retentionCleanupWorkflow } from '../workflows/retention-cleanup';

// Retention cleanup, end to end (workflow → batched, heartbeating, counted deletes), against the baseline of
// one plain `DELETE` of the same rows through psql. Each size gets freshly seeded, identical rows.
//   npm run bench -- [--sizes 10000,100000,1000000] [--batch 5000]

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const sizes = option('sizes', '10000,100000,1000000').split(',').map(Number);
const batchSize = Number(option('batch', '5000'));
const adminUrl = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';

/** `expired` rows dated years ago plus 10 % as many inside the window, which must survive. */
async function seed(db: Client, companyId: string, expired: number): Promise<void> {
  await db.query(
    `INSERT INTO "KeywordMetric" ("id", "companyId", "keyword", "matchType", "searchTerm", "date", "source", "impressions", "clicks", "spend", "sales", "updatedAt")
     SELECT gen_random_uuid(), $1, 'keyword ' || (g % 5000), 'exact', 'search term ' || g,
            CASE WHEN g <= $2 THEN DATE '2020-01-01' + (g % 365) ELSE CURRENT_DATE - (g % 30) END,
            'api', g % 1000, g % 50, (g % 10000) / 100.0, (g % 30000) / 100.0, now()
     FROM generate_series(1, $2 + $2 / 10) AS g`,
    [companyId, expired],
  );
  await db.query('VACUUM ANALYZE "KeywordMetric"');
}

function psql(url: string, sql: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - started) / 1e9) : reject(new Error(`psql exited ${code}`))));
  });
}

async function main(): Promise<void> {
  const databaseName = `ingest_bench_${Date.now()}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${databaseName}"`);
  await admin.end();
  const databaseUrl = withDatabase(adminUrl, databaseName);
  await migrateDatabase(databaseUrl);

  Runtime.install({ logger: consoleTemporalLogger('WARN'), shutdownSignals: [] });
  const temporal = await startTemporalDevServer({ port: await findFreePort() });
  const prisma = createPrismaClient({ url: databaseUrl, poolSize: 5 });
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const connection = await NativeConnection.connect({ address: temporal.address });
  const client = new TemporalClient({ connection });
  const taskQueue = `bench-${randomUUID()}`;
  const worker = await createWorker({ connection, namespace: 'default', taskQueue, prisma, files: new FileStore(path.join(tmpdir(), 'bench-uploads')), shutdownGraceSeconds: 1 });
  const running = worker.run();

  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const rows: string[][] = [];
  try {
    for (const size of sizes) {
      const tenant = await createTenant(prisma, { companyName: `Bench ${size}`, userEmail: `bench-${size}-${Date.now()}@example.test` });
      const policy = { metricsDays: 730, syncLogDays: 90, notificationDays: 30, batchSize };

      await seed(db, tenant.companyId, size);
      peakRss = process.memoryUsage().rss;
      const started = process.hrtime.bigint();
      const handle = await client.workflow.start(retentionCleanupWorkflow, {
        taskQueue,
        workflowId: `bench-retention-${randomUUID()}`,
        args: [{ companyId: tenant.companyId, policy }],
      });
      const result = await handle.result();
      const engineSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const events = (await handle.fetchHistory()).events?.length ?? 0;
      if (result.deleted.keywordMetrics !== size) throw new Error(`engine deleted ${result.deleted.keywordMetrics}, expected ${size}`);
      const kept = Number((await db.query('SELECT count(*) FROM "KeywordMetric" WHERE "companyId" = $1', [tenant.companyId])).rows[0].count);
      if (kept !== Math.floor(size / 10)) throw new Error(`engine kept ${kept} rows, expected ${Math.floor(size / 10)}`);
      await db.query('DELETE FROM "KeywordMetric" WHERE "companyId" = $1', [tenant.companyId]);

      await seed(db, tenant.companyId, size);
      const baselineSeconds = await psql(
        databaseUrl,
        `DELETE FROM "KeywordMetric" WHERE "companyId" = '${tenant.companyId}' AND "date" < '${result.cutoffs.metricsBeforeDate}'`,
      );
      await db.query('DELETE FROM "KeywordMetric" WHERE "companyId" = $1', [tenant.companyId]);

      rows.push([
        size.toLocaleString('en-US'),
        engineSeconds.toFixed(2),
        Math.round(size / engineSeconds).toLocaleString('en-US'),
        baselineSeconds.toFixed(2),
        Math.round(size / baselineSeconds).toLocaleString('en-US'),
        (baselineSeconds / engineSeconds).toFixed(2),
        String(events),
        (peakRss / 1024 / 1024).toFixed(0),
      ]);
    }
  } finally {
    clearInterval(sampler);
    worker.shutdown();
    await running;
    await connection.close();
    await db.end();
    await prisma.$disconnect();
    await temporal.stop();
    const cleanup = new Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
    await cleanup.end();
  }

  const header = ['expired rows', 'engine s', 'engine rows/s', 'psql DELETE s', 'psql rows/s', 'speed vs psql', 'history events', 'peak RSS MiB'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
  console.log(`\nRetention cleanup, batch ${batchSize}, one tenant; baseline: one DELETE of the same rows via psql.\n`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
