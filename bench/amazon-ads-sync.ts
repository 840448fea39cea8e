import { startAmazonAdsSimulator } from '../dev/simulators/amazon-ads/server';
import { amazonAdsSyncWorkflowId } from '../lib/domain/workflow-ids';
import { createTenant } from '../lib/tenants';
import { startBenchEngine } from './support/bench-engine';
import { option, peakRssMiB, printTable, startBenchStack, thousands } from './support/bench-stack';

// A full Amazon Ads sync of a large simulated account (entities, then 94 days of daily search-term and
// advertised-product reports), with no simulated report latency: connect over HTTP, wait for the workflow, count
// the rows stored. The worker runs in its own process so its peak RSS is the sync's.
//   npm run bench:amazon-ads -- [--campaigns 300,1500] [--worker-heap-mb <MB>: cap the worker's V8 heap]

const sizes = option('campaigns', '300,1500').split(',').map(Number);
const workerHeapMb = option('worker-heap-mb', '');

function reportRowsOf(simulator: { rowsOf(profileId: number, type: 'spSearchTerm' | 'spAdvertisedProduct', startDate: string, endDate: string): unknown[] }, report: { reportType: 'spSearchTerm' | 'spAdvertisedProduct'; startDate: string; endDate: string }) {
  return simulator.rowsOf(3180000000000001, report.reportType, report.startDate, report.endDate);
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  for (const campaigns of sizes) {
    const stack = await startBenchStack('amazon_ads');
    const sim = await startAmazonAdsSimulator({ seed: 11, campaignsPerProfile: campaigns, reportDelayMs: 0, clientId: 'bench-client', clientSecret: 'bench-secret' });
    const engine = await startBenchEngine(
      stack,
      {
        AMAZON_ADS_CLIENT_ID: 'bench-client',
        AMAZON_ADS_CLIENT_SECRET: 'bench-secret',
        AMAZON_ADS_API_URL: sim.url,
        AMAZON_ADS_TOKEN_URL: `${sim.url}/auth/o2/token`,
        AMAZON_ADS_REPORT_POLL_SECONDS: '1',
      },
      workerHeapMb ? [`--max-old-space-size=${workerHeapMb}`] : [],
    );
    const { prisma, temporal, db, worker } = engine;
    try {
      const tenant = await createTenant(prisma, { companyName: `Bench ${campaigns}`, userEmail: `bench-${Date.now()}@example.test`, brandName: 'Bench' });
      const started = process.hrtime.bigint();
      const response = await fetch(`${engine.apiUrl}/integrations/amazon-ads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: sim.simulator.issueRefreshToken(), profileIds: ['3180000000000001'] }),
      });
      if (response.status !== 201) throw new Error(`connect answered ${response.status}: ${await response.text()}`);
      const { integrations } = (await response.json()) as { integrations: Array<{ id: string }> };
      const handle = temporal.workflow.getHandle(amazonAdsSyncWorkflowId(integrations[0]!.id));
      const result = (await handle.result()) as { reports: Array<{ status: string; reportType: 'spSearchTerm' | 'spAdvertisedProduct'; startDate: string; endDate: string; rows: number }> };
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (result.reports.some((r) => r.status !== 'loaded')) throw new Error(`reports failed: ${JSON.stringify(result.reports)}`);
      // Every report loaded exactly the simulator's rows (counted after the clock, by generating them again).
      for (const report of result.reports) {
        let expected = 0;
        for (const _row of reportRowsOf(sim.simulator, report)) expected += 1;
        if (report.rows !== expected) throw new Error(`report ${report.reportType} ${report.startDate}..${report.endDate} loaded ${report.rows} rows, the simulator has ${expected}`);
      }
      const stored = (await db.query(`SELECT (SELECT count(*)::int FROM "KeywordMetric") AS metrics, (SELECT count(*)::int FROM "SalesDaily") AS sales,
                                              (SELECT count(*)::int FROM "AdGroup") AS ad_groups`)).rows[0] as { metrics: number; sales: number; ad_groups: number };
      const log = (await db.query(`SELECT "recordsProcessed" AS processed FROM "SyncLog" WHERE "credentialId" = $1`, [integrations[0]!.id])).rows[0] as { processed: number };
      const events = (await handle.fetchHistory()).events?.length ?? 0;
      rows.push([
        thousands(campaigns),
        thousands(stored.ad_groups),
        thousands(log.processed),
        thousands(stored.metrics),
        thousands(stored.sales),
        seconds.toFixed(1),
        thousands(log.processed / seconds),
        String(events),
        (await peakRssMiB(worker.pid!)).toFixed(0),
      ]);
    } finally {
      await engine.close();
      await sim.close();
      await stack.close();
    }
  }
  printTable(
    'Amazon Ads full sync (entities + 94 days × search terms and advertised products, 8 reports), simulator without latency.',
    ['campaigns', 'ad groups', 'rows processed', 'keyword metrics', 'sales rows', 'seconds', 'rows/s', 'history events', 'worker peak RSS MiB'],
    rows,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
