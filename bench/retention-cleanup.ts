import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client as TemporalClient } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { Client } from 'pg';
import { loadConfig } from '../lib/config';
import { createDatabase } from '../lib/db';
import { consoleTemporalLogger } from '../lib/temporal/runtime-logger';
import { FileStore } from '../lib/storage/file-store';
import { createTenant } from '../lib/tenants';
import { createWorker } from '../worker/create-worker';
import { retentionCleanupWorkflow } from '../workflows/retention-cleanup';
import { option, printTable, psqlSeconds, startBenchStack, thousands } from './support/bench-stack';

// Retention cleanup, end to end (workflow → batched, heartbeating, counted deletes), against the baseline of
// one plain `DELETE` of the same rows through psql. Each size gets freshly seeded, identical rows.
//   npm run bench:retention -- [--sizes 10000,100000,1000000] [--batch 5000]

const sizes = option('sizes', '10000,100000,1000000').split(',').map(Number);
const batchSize = Number(option('batch', '5000'));

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

async function main(): Promise<void> {
  const stack = await startBenchStack('retention');
  const { databaseUrl, temporal } = stack;
  Runtime.install({ logger: consoleTemporalLogger('WARN'), shutdownSignals: [] });
  const database = createDatabase({ url: databaseUrl, poolSize: 5 });
  const { prisma } = database;
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const connection = await NativeConnection.connect({ address: temporal.address });
  const client = new TemporalClient({ connection });
  const taskQueue = `bench-${randomUUID()}`;
  const worker = await createWorker({ connection, namespace: 'default', taskQueue, database, config: loadConfig(), client, files: new FileStore(path.join(tmpdir(), 'bench-uploads')), shutdownGraceSeconds: 1 });
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
      const baselineSeconds = await psqlSeconds(databaseUrl, [
        '-c',
        `DELETE FROM "KeywordMetric" WHERE "companyId" = '${tenant.companyId}' AND "date" < '${result.cutoffs.metricsBeforeDate}'`,
      ]);
      await db.query('DELETE FROM "KeywordMetric" WHERE "companyId" = $1', [tenant.companyId]);

      rows.push([
        thousands(size),
        engineSeconds.toFixed(2),
        thousands(size / engineSeconds),
        baselineSeconds.toFixed(2),
        thousands(size / baselineSeconds),
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
    await database.close();
    await stack.close();
  }

  printTable(
    `Retention cleanup, batch ${batchSize}, one tenant; baseline: one DELETE of the same rows via psql.`,
    ['expired rows', 'engine s', 'engine rows/s', 'psql DELETE s', 'psql rows/s', 'speed vs psql', 'history events', 'peak RSS MiB'],
    rows,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
