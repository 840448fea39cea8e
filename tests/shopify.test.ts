import { startShopifySimulator, type ShopifySimulator } from '../dev/simulators/shopify/server';
import { ShopifyAdminClient } from '../integrations/shopify/admin-client';
import { ShopifyQueryError, ShopifyServerError, ShopifyThrottledError, ShopifyUnauthorizedError } from '../integrations/shopify/errors';
import { shopifyOrdersScheduleId, shopifyOrdersSyncWorkflowId } from '../lib/domain/workflow-ids';
import { CredentialIdKey, SyncTypeKey } from '../lib/temporal/search-attributes';
import type { CreatedTenant } from '../lib/tenants';
import { apiAs, type Json } from './support/http';
import { listen, newTenant, startStack, type TestStack } from './support/stack';

// Shopify, reached through the product's own client at the simulator's shop URL, on a real PostgreSQL and a real
// Temporal server: connect, the bulk backfill, incremental syncs after refunds, cancellations and edits, the cost
// throttle, a refused token. Totals are compared with the simulator's own ledger, to the cent.

const TOKEN = 'shpat_test_token_0123456789';
const DOMAIN = 'test-shop.myshopify.com';
let sim: { simulator: ShopifySimulator; url: string; close(): Promise<void> };
let stack: TestStack;
let baseUrl: string;

beforeAll(async () => {
  sim = await startShopifySimulator({ seed: 11, orders: 400, days: 40, shopDomain: DOMAIN, accessToken: TOKEN, timezone: 'America/Los_Angeles', currency: 'USD', bulkDelayMs: 300 });
  stack = await startStack({
    worker: true,
    api: true,
    configure: (config) => ({ ...config, shopify: { ...config.shopify, shopUrlTemplate: `${sim.url}/{shop}`, bulkPollMs: 100, overlapMinutes: 10 } }),
  });
  baseUrl = await listen(stack);
});
afterAll(async () => {
  await stack.close();
  await sim.close();
});

const client = (token = TOKEN) => new ShopifyAdminClient({ shopDomain: DOMAIN, accessToken: token, apiVersion: '2025-10', shopUrlTemplate: `${sim.url}/{shop}` });

async function api(tenant: CreatedTenant, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const { status, body: json } = await apiAs(baseUrl).call(tenant, method, path, body);
  return { status, json };
}

async function syncResult(credentialId: string): Promise<Json> {
  return stack.client.workflow.getHandle(shopifyOrdersSyncWorkflowId(credentialId)).result();
}

/** The tenant's Shopify SalesDaily rows as `day|sku` → cents and units, like the simulator's ledger. */
async function storedTotals(brandId: string) {
  const rows = await stack.prisma.salesDaily.findMany({ where: { brandId, channel: 'shopify' }, include: { sku: true } });
  return new Map(rows.map((r) => [`${r.date.toISOString().slice(0, 10)}|${r.sku?.code ?? ''}`, { cents: Math.round(Number(r.totalSales!.toFixed(2)) * 100), units: r.unitsTotal! }]));
}

const ledger = () => new Map([...sim.simulator.shop.dailyTotals()].sort(([a], [b]) => a.localeCompare(b)));
const sorted = (m: Map<string, unknown>) => new Map([...m].sort(([a], [b]) => a.localeCompare(b)));

async function connectedTenant(): Promise<{ tenant: CreatedTenant; credentialId: string }> {
  const tenant = await newTenant(stack.prisma);
  const connected = await api(tenant, 'POST', '/integrations/shopify', { shopDomain: DOMAIN, accessToken: TOKEN });
  expect(connected.status).toBe(201);
  await syncResult(connected.json.shop.credentialId);
  return { tenant, credentialId: connected.json.shop.credentialId };
}

describe('the client against the simulator', () => {
  test('reads the shop, pages orders by update time, and the simulator validates queries against the schema', async () => {
    expect(await client().shop()).toEqual({ name: 'Demo Brand', myshopifyDomain: DOMAIN, currencyCode: 'USD', ianaTimezone: 'America/Los_Angeles' });
    const page = await client().ordersPage('2000-01-01T00:00:00Z', null);
    expect(page.orders).toHaveLength(8);
    expect(page.hasNextPage).toBe(true);
    const updated = page.orders.map((o) => o.updatedAt);
    expect(updated).toEqual([...updated].sort());
    await expect(client().request('{ shop { nonsense } }')).rejects.toThrow(/Cannot query field "nonsense" on type "Shop"/);
    await expect(client().request('{ shop { name } }')).resolves.toEqual({ shop: { name: 'Demo Brand' } });
  });

  test('typed failures: a refused token, a 503, a query over the cost limit', async () => {
    await expect(client('shpat_wrong_token_000').shop()).rejects.toBeInstanceOf(ShopifyUnauthorizedError);
    sim.simulator.injectFault({ kind: 'status', status: 503, times: 1 });
    await expect(client().shop()).rejects.toBeInstanceOf(ShopifyServerError);
    sim.simulator.injectFault({ kind: 'status', status: 429, times: 1, retryAfter: 3 });
    const throttled = await client().shop().catch((err: unknown) => err);
    expect(throttled).toBeInstanceOf(ShopifyThrottledError);
    expect((throttled as ShopifyThrottledError).retryAfterMs).toBe(3000);
    await expect(client().request('{ orders(first: 250) { nodes { lineItems(first: 250) { nodes { id } } } } }')).rejects.toBeInstanceOf(ShopifyQueryError);
  });

  test('THROTTLED answers are waited out from the throttle status instead of failing', async () => {
    sim.simulator.setThrottle({ maximumAvailable: 1000, restoreRate: 2000 });
    sim.simulator.injectFault({ kind: 'throttled', times: 2 });
    const before = sim.simulator.requests.length;
    const shop = await client().shop();
    expect(shop.name).toBe('Demo Brand');
    const log = sim.simulator.requests.slice(before);
    expect(log.map((r) => r.throttled)).toEqual([true, true, false]);
    sim.simulator.setThrottle({ maximumAvailable: 1000, restoreRate: 100 });
  });
});

describe('syncing a shop over HTTP', () => {
  test('connect reads the shop, stores the token encrypted, schedules the shop, and the bulk backfill equals the shop to the cent', async () => {
    const tenant = await newTenant(stack.prisma);
    const connected = await api(tenant, 'POST', '/integrations/shopify', { shopDomain: DOMAIN, accessToken: TOKEN });
    expect(connected.status).toBe(201);
    expect(connected.json.shop).toMatchObject({ shopDomain: DOMAIN, currencyCode: 'USD', ianaTimezone: 'America/Los_Angeles', brandId: tenant.brandId });
    expect(JSON.stringify(connected.json)).not.toContain(TOKEN);
    const credentialId = connected.json.shop.credentialId as string;
    const stored = await stack.prisma.integrationCredential.findUniqueOrThrow({ where: { id: credentialId } });
    expect(stored.integrationType).toBe('shopify');
    expect(stored.encryptedAccessToken).not.toContain(TOKEN);
    const listed = await api(tenant, 'GET', '/integrations');
    expect(JSON.stringify(listed.json)).not.toContain(TOKEN);

    const result = await syncResult(credentialId);
    expect(result.mode).toBe('backfill');
    expect(sorted(await storedTotals(tenant.brandId!))).toEqual(ledger());
    const countedOrders = sim.simulator.shop.orders.length;
    expect(result.orders).toBe(countedOrders);
    const log = await stack.prisma.syncLog.findFirstOrThrow({ where: { credentialId }, orderBy: { startedAt: 'desc' } });
    expect(log).toMatchObject({ syncType: 'shopify_orders', status: 'completed', recordsProcessed: countedOrders });
    expect(log.recordsCreated).toBe(ledger().size);

    // Every SKU sold became one of the brand's SKUs; line items without a SKU are kept on a row without one.
    const skus = await stack.prisma.sKU.findMany({ where: { brandId: tenant.brandId! } });
    expect(skus.map((s) => s.code).sort()).toEqual([...new Set([...ledger().keys()].map((k) => k.split('|')[1]).filter(Boolean))].sort());
    expect([...ledger().keys()].some((k) => k.endsWith('|'))).toBe(true);

    const schedule = await stack.client.schedule.getHandle(shopifyOrdersScheduleId(credentialId)).describe();
    expect((schedule.action.typedSearchAttributes as import("@temporalio/common").TypedSearchAttributes).get(CredentialIdKey)).toBe(credentialId);
    expect((schedule.action.typedSearchAttributes as import("@temporalio/common").TypedSearchAttributes).get(SyncTypeKey)).toBe('shopify_orders');
  });

  test('refunds, cancellations, edits and new orders are picked up by the next incremental run, in place, and a re-run changes nothing', async () => {
    const { tenant, credentialId } = await connectedTenant();
    const shop = sim.simulator.shop;
    const now = () => sim.simulator.now();
    const refunded = shop.refundableOrder();
    shop.refund(refunded.number, now());
    const cancelled = shop.orders.find((o) => !o.cancelledAt && !o.test && o.refunds.length === 0 && o.number !== refunded.number)!;
    shop.cancel(cancelled.number, now());
    const wholesale = shop.orders.find((o) => o.lineItems.length > 10 && !o.cancelledAt && !o.test)!;
    expect(wholesale).toBeDefined(); // more line items than a page holds: read again on its own
    shop.editQuantity(wholesale.number, 7, now());
    shop.placeOrder(now());
    const rowsBefore = await stack.prisma.salesDaily.count({ where: { brandId: tenant.brandId!, channel: 'shopify' } });

    const started = await api(tenant, 'POST', `/integrations/${credentialId}/syncs`, { type: 'incremental' });
    expect(started.status).toBe(202);
    const result = await syncResult(credentialId);
    expect(result.mode).toBe('incremental');
    expect(result.orders).toBeGreaterThanOrEqual(4);
    expect(result.orders).toBeLessThan(50); // only what changed since the backfill (plus the overlap), not every order
    expect(sorted(await storedTotals(tenant.brandId!))).toEqual(ledger());
    const rowsAfter = await stack.prisma.salesDaily.count({ where: { brandId: tenant.brandId!, channel: 'shopify' } });
    expect(rowsAfter).toBe(ledger().size);
    expect(rowsAfter).toBeGreaterThanOrEqual(rowsBefore - 3);

    await api(tenant, 'POST', `/integrations/${credentialId}/syncs`, { type: 'incremental' });
    const again = await syncResult(credentialId);
    expect([again.created, again.updated, again.deleted]).toEqual([0, 0, 0]);
    expect(sorted(await storedTotals(tenant.brandId!))).toEqual(ledger());
  });

  test('a day with only a refund is negative and its organic part 0; Shopify rows have no ad-attributed part', async () => {
    const { tenant } = await connectedTenant();
    const rows = await stack.prisma.salesDaily.findMany({ where: { brandId: tenant.brandId!, channel: 'shopify' } });
    expect(rows.every((r) => r.adAttributedSales.isZero())).toBe(true);
    for (const row of rows) {
      const total = row.totalSales!;
      expect(row.organicSales!.toFixed(2)).toBe(total.isNegative() ? '0.00' : total.toFixed(2));
    }
    expect(rows.some((r) => r.totalSales!.isNegative())).toBe(true);
  });

  test('a mapping written after the backfill gives the SKU\'s rows its ASIN, later syncs keep it, and /sales/daily finds them by ASIN', async () => {
    const { tenant, credentialId } = await connectedTenant();
    const mapped = await api(tenant, 'POST', '/asin-sku-mappings', { brandId: tenant.brandId, asin: 'B0SHOPTEST', skuCode: 'SKU-001' });
    expect(mapped.status).toBe(201);
    const sku = await stack.prisma.sKU.findFirstOrThrow({ where: { brandId: tenant.brandId!, code: 'SKU-001' } });
    const rows = await stack.prisma.salesDaily.findMany({ where: { brandId: tenant.brandId!, channel: 'shopify', skuId: sku.id } });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.asin === 'B0SHOPTEST')).toBe(true);

    // A refund of SKU-001 today: a new row for the SKU, written by the sync with the mapped ASIN.
    const order = sim.simulator.shop.orders.find((o) => !o.cancelledAt && !o.test && o.refunds.length === 0 && o.lineItems.find((l) => l.sku)?.sku === 'SKU-001')!;
    sim.simulator.shop.refund(order.number, sim.simulator.now());
    await api(tenant, 'POST', `/integrations/${credentialId}/syncs`, { type: 'incremental' });
    expect((await syncResult(credentialId)).orders).toBeGreaterThanOrEqual(1);
    const after = await stack.prisma.salesDaily.findMany({ where: { brandId: tenant.brandId!, channel: 'shopify', skuId: sku.id } });
    expect(after.length).toBeGreaterThanOrEqual(rows.length);
    expect(after.every((r) => r.asin === 'B0SHOPTEST')).toBe(true);

    const days = [...ledger()].filter(([key]) => key.endsWith('|SKU-001')).map(([key]) => key.slice(0, 10)).sort();
    const expectedCents = [...ledger()].filter(([key]) => key.endsWith('|SKU-001')).reduce((sum, [, t]) => sum + t.cents, 0);
    const daily = await api(tenant, 'GET', `/sales/daily?brandId=${tenant.brandId}&from=${days[0]}&to=${days.at(-1)}&channel=shopify&asin=B0SHOPTEST`);
    expect(daily.status).toBe(200);
    expect(Math.round(Number(daily.json.totals[0].totalSales) * 100)).toBe(expectedCents);
  });

  test('throttling during a sync is waited out, not failed', async () => {
    const { tenant, credentialId } = await connectedTenant();
    sim.simulator.shop.placeOrder(sim.simulator.now());
    sim.simulator.setThrottle({ maximumAvailable: 1000, restoreRate: 400 });
    sim.simulator.injectFault({ kind: 'throttled', times: 8 });
    const before = sim.simulator.requests.length;
    await api(tenant, 'POST', `/integrations/${credentialId}/syncs`, { type: 'incremental' });
    await syncResult(credentialId);
    sim.simulator.setThrottle({ maximumAvailable: 1000, restoreRate: 100 });
    expect(sim.simulator.requests.slice(before).filter((r) => r.throttled).length).toBeGreaterThanOrEqual(8);
    const log = await stack.prisma.syncLog.findFirstOrThrow({ where: { credentialId }, orderBy: { startedAt: 'desc' } });
    expect(log.status).toBe('completed');
    expect(sorted(await storedTotals(tenant.brandId!))).toEqual(ledger());
  });

  test('a running sync shows its progress, and a second sync of the shop answers 409 with the running workflow', async () => {
    const { tenant, credentialId } = await connectedTenant();
    const first = await api(tenant, 'POST', `/integrations/${credentialId}/syncs`, { type: 'full' });
    expect(first.status).toBe(202);
    const current = await api(tenant, 'GET', `/integrations/${credentialId}/syncs/current`);
    expect(current.json).toMatchObject({ running: true, syncLog: { syncType: 'shopify_orders', status: 'started' } });
    expect(['planning', 'exporting', 'loading', 'finishing']).toContain(current.json.progress.phase);
    const second = await api(tenant, 'POST', `/integrations/${credentialId}/syncs`, { type: 'incremental' });
    expect(second.status).toBe(409);
    expect(second.json.detail).toContain(shopifyOrdersSyncWorkflowId(credentialId));
    expect((await syncResult(credentialId)).mode).toBe('backfill');
  });

  test('a scheduled run and a manual one never run side by side: the scheduled one skips, or the manual one answers 409', async () => {
    const { tenant, credentialId } = await connectedTenant();
    const schedule = stack.client.schedule.getHandle(shopifyOrdersScheduleId(credentialId));
    const scheduledRun = async (count: number) => {
      for (let i = 0; i < 100; i += 1) {
        const actions = (await schedule.describe()).info.recentActions;
        if (actions.length >= count) return stack.client.workflow.getHandle(actions.at(-1)!.action.workflow.workflowId);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('the schedule did not start a run');
    };
    sim.simulator.options.bulkDelayMs = 2500; // a full sync that takes a while
    try {
      expect((await api(tenant, 'POST', `/integrations/${credentialId}/syncs`, { type: 'full' })).status).toBe(202);
      const manualRunId = (await stack.client.workflow.getHandle(shopifyOrdersSyncWorkflowId(credentialId)).describe()).runId;
      await schedule.trigger();
      const skipped = await (await scheduledRun(1)).result();
      expect(skipped).toEqual({ skipped: expect.stringContaining(shopifyOrdersSyncWorkflowId(credentialId)) });
      expect((await syncResult(credentialId)).mode).toBe('backfill');

      sim.simulator.injectFault({ kind: 'throttled', times: 3 }); // an incremental sync that takes a few seconds
      await schedule.trigger();
      const scheduled = await scheduledRun(2);
      // Once the schedule's child holds the shop's workflow id:
      for (let i = 0; i < 100; i += 1) {
        const child = await stack.client.workflow.getHandle(shopifyOrdersSyncWorkflowId(credentialId)).describe();
        if (child.runId !== manualRunId && child.status.name === 'RUNNING') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const manual = await api(tenant, 'POST', `/integrations/${credentialId}/syncs`, { type: 'incremental' });
      expect(manual.status).toBe(409);
      expect(await scheduled.result()).toMatchObject({ mode: 'incremental' });
    } finally {
      sim.simulator.options.bulkDelayMs = 300;
    }
    const logs = await stack.prisma.syncLog.findMany({ where: { credentialId } });
    expect(logs.map((l) => l.status).sort()).toEqual(['completed', 'completed', 'completed']);
  });

  test('a refused token fails the sync, revokes the shop, pauses its schedule and tells the users once; another tenant cannot see it', async () => {
    const { tenant, credentialId } = await connectedTenant();
    const other = await newTenant(stack.prisma);
    expect((await api(other, 'POST', `/integrations/${credentialId}/syncs`, { type: 'incremental' })).status).toBe(404);
    expect((await api(other, 'DELETE', `/integrations/${credentialId}`)).status).toBe(404);

    sim.simulator.options.accessToken = 'shpat_rotated_token_999';
    try {
      await api(tenant, 'POST', `/integrations/${credentialId}/syncs`, { type: 'incremental' });
      await expect(syncResult(credentialId)).rejects.toThrow();
    } finally {
      sim.simulator.options.accessToken = TOKEN;
    }
    const credential = await stack.prisma.integrationCredential.findUniqueOrThrow({ where: { id: credentialId } });
    expect(credential.status).toBe('revoked');
    expect(credential.lastError).toMatch(/refused the access token/);
    const notifications = await stack.prisma.notification.findMany({ where: { relatedId: credentialId, type: 'credential_expired' } });
    expect(notifications).toHaveLength(1);
    const schedule = await stack.client.schedule.getHandle(shopifyOrdersScheduleId(credentialId)).describe();
    expect(schedule.state.paused).toBe(true);
    expect((await api(tenant, 'POST', `/integrations/${credentialId}/syncs`, { type: 'incremental' })).status).toBe(409);

    expect((await api(tenant, 'DELETE', `/integrations/${credentialId}`)).status).toBe(204);
    await expect(stack.client.schedule.getHandle(shopifyOrdersScheduleId(credentialId)).describe()).rejects.toThrow();
  });

  test('bad connection requests get clear answers', async () => {
    const tenant = await newTenant(stack.prisma);
    const wrongToken = await api(tenant, 'POST', '/integrations/shopify', { shopDomain: DOMAIN, accessToken: 'shpat_wrong_token_000' });
    expect(wrongToken.status).toBe(400);
    expect(wrongToken.json.detail).toContain('refused the access token');
    const badDomain = await api(tenant, 'POST', '/integrations/shopify', { shopDomain: 'https://example.com', accessToken: TOKEN });
    expect(badDomain.status).toBe(400);
    const otherShop = await api(tenant, 'POST', '/integrations/shopify', { shopDomain: 'no-such-shop.myshopify.com', accessToken: TOKEN });
    expect(otherShop.status).toBe(400);
    expect(otherShop.json.detail).toContain('no Shopify shop');
  });
});
