import { startShopifySimulator } from '../dev/simulators/shopify/server';
import { ShopifyAdminClient } from '../integrations/shopify/admin-client';
import { loadConfig } from '../lib/config';
import { shopifyOrdersSyncWorkflowId } from '../lib/domain/workflow-ids';
import { createTenant } from '../lib/tenants';
import { startBenchEngine } from './support/bench-engine';
import { option, peakRssMiB, printTable, resetPeakRss, rssMiB, startBenchStack, thousands } from './support/bench-stack';

// The first orders sync of a large simulated shop: connect over HTTP, the bulk export, its JSONL streamed into
// ShopifyOrderLine and SalesDaily, until the workflow completes. Baseline: reading the same JSONL export
// (download and JSON.parse of every line, nothing stored). The stored totals must equal the shop's ledger.
//   npm run bench:shopify -- [--orders 20000,100000] [--worker-heap-mb <MB>]

const sizes = option('orders', '20000,100000').split(',').map(Number);
const workerHeapMb = option('worker-heap-mb', '');
const DOMAIN = 'bench-shop.myshopify.com';
const TOKEN = 'shpat_bench_token_000000';

async function main(): Promise<void> {
  const rows: string[][] = [];
  for (const orders of sizes) {
    const stack = await startBenchStack('shopify');
    const sim = await startShopifySimulator({ seed: 5, orders, days: 365, skus: 200, shopDomain: DOMAIN, accessToken: TOKEN, bulkDelayMs: 0 });
    const engine = await startBenchEngine(
      stack,
      { SHOPIFY_SHOP_URL: `${sim.url}/{shop}`, SHOPIFY_BULK_POLL_SECONDS: '1' },
      workerHeapMb ? [`--max-old-space-size=${workerHeapMb}`] : [],
    );
    const { prisma, temporal, db, worker } = engine;
    const config = loadConfig();
    try {
      const startRss = await rssMiB(worker.pid!);
      await resetPeakRss(worker.pid!);
      const tenant = await createTenant(prisma, { companyName: `Bench ${orders}`, userEmail: `bench-${Date.now()}@example.test`, brandName: 'Bench' });
      const started = process.hrtime.bigint();
      const response = await fetch(`${engine.apiUrl}/integrations/shopify`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ shopDomain: DOMAIN, accessToken: TOKEN }),
      });
      if (response.status !== 201) throw new Error(`connect answered ${response.status}: ${await response.text()}`);
      const { shop } = (await response.json()) as { shop: { credentialId: string } };
      const handle = temporal.workflow.getHandle(shopifyOrdersSyncWorkflowId(shop.credentialId));
      const result = (await handle.result()) as { orders: number };
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const peak = await peakRssMiB(worker.pid!);

      const stored = (await db.query(`SELECT (SELECT count(*)::int FROM "ShopifyOrderLine") AS lines, (SELECT count(*)::int FROM "SalesDaily") AS days,
                                              (SELECT coalesce(sum("totalSales"), 0)::text FROM "SalesDaily") AS total`)).rows[0] as { lines: number; days: number; total: string };
      const ledgerCents = [...sim.simulator.shop.dailyTotals().values()].reduce((sum, t) => sum + t.cents, 0);
      if (Math.round(Number(stored.total) * 100) !== ledgerCents) throw new Error(`stored total ${stored.total} differs from the shop's ${(ledgerCents / 100).toFixed(2)}`);

      // Baseline: the same export read and parsed, nothing written.
      const client = new ShopifyAdminClient({ shopDomain: DOMAIN, accessToken: TOKEN, apiVersion: config.shopify.apiVersion, shopUrlTemplate: config.shopify.shopUrlTemplate });
      const operation = await client.bulkOperation((await client.startBulkOrders()).id);
      const baselineStarted = process.hrtime.bigint();
      let lines = 0;
      for await (const _ of ShopifyAdminClient.bulkResultLines(operation.url!)) lines += 1;
      const baselineSeconds = Number(process.hrtime.bigint() - baselineStarted) / 1e9;
      const events = (await handle.fetchHistory()).events?.length ?? 0;
      rows.push([
        thousands(orders),
        thousands(lines),
        thousands(stored.lines),
        thousands(stored.days),
        seconds.toFixed(1),
        thousands(result.orders / seconds),
        baselineSeconds.toFixed(1),
        (baselineSeconds / seconds).toFixed(2),
        String(events),
        `${startRss.toFixed(0)}/${peak.toFixed(0)}`,
      ]);
    } finally {
      await engine.close();
      await sim.close();
      await stack.close();
    }
  }
  printTable(
    'Shopify first sync (bulk export of every order → ShopifyOrderLine → SalesDaily), simulator without export latency; totals checked equal to the shop.',
    ['orders', 'JSONL lines', 'order lines stored', 'SalesDaily rows', 'engine s', 'orders/s', 'read-only s', 'speed vs read-only', 'history events', 'worker RSS start/peak MiB'],
    rows,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
