import { ScheduleNotFoundError } from '@temporalio/client';
import { startAmazonAdsSimulator, type AmazonAdsSimulator } from '../dev/simulators/amazon-ads/server';
import { AmazonAdsClient } from '../integrations/amazon-ads/ads-client';
import { InvalidGrantError, ThrottledError } from '../integrations/amazon-ads/errors';
import { refreshAccessToken } from '../integrations/amazon-ads/login-with-amazon';
import { dayIn, planReportWindows } from '../lib/domain/report-windows';
import { amazonAdsSyncWorkflowId } from '../lib/domain/workflow-ids';
import { amazonAdsScheduleId } from '../lib/temporal/amazon-ads-schedules';
import { CredentialIdKey } from '../lib/temporal/search-attributes';
import type { CreatedTenant } from '../lib/tenants';
import { bearer, newTenant, listen, startStack, startOtherWorker, type TestStack } from './support/stack';

// Amazon Ads, connected through the product's own client to the simulator (by base URL), on a real PostgreSQL
// and a real Temporal server: connect, tokens at rest, entity sync, throttling, token expiry, revocation.

const CLIENT = { clientId: 'amzn1.application-oa2-client.test', clientSecret: 'test-secret' };
let sim: { simulator: AmazonAdsSimulator; url: string; close(): Promise<void> };
let stack: TestStack;
let baseUrl: string;
let lwa: { tokenUrl: string; clientId: string; clientSecret: string };

beforeAll(async () => {
  sim = await startAmazonAdsSimulator({ ...CLIENT, seed: 7, campaignsPerProfile: 12, reportDelayMs: 200 });
  lwa = { tokenUrl: `${sim.url}/auth/o2/token`, ...CLIENT };
  stack = await startStack({
    worker: true,
    api: true,
    configure: (config) => ({ ...config, amazonAds: { ...CLIENT, apiUrl: sim.url, tokenUrl: lwa.tokenUrl, lookbackDays: 14, reportPollMs: 100, syncIntervalHours: 6 } }),
  });
  baseUrl = await listen(stack);
});
afterAll(async () => {
  await stack.close();
  await sim.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function clientFor(refreshToken: string) {
  let token: string | undefined;
  return new AmazonAdsClient({ apiUrl: sim.url, clientId: CLIENT.clientId }, {
    current: async () => (token ??= (await refreshAccessToken(lwa, refreshToken)).accessToken),
    refresh: async () => (token = (await refreshAccessToken(lwa, refreshToken)).accessToken),
  });
}

async function connect(tenant: CreatedTenant, body: Record<string, unknown>) {
  const res = await fetch(`${baseUrl}/integrations/amazon-ads`, { method: 'POST', headers: { ...bearer(tenant.token), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

async function finished(credentialId: string) {
  return stack.client.workflow.getHandle(amazonAdsSyncWorkflowId(credentialId)).result().catch((err: Error) => err);
}

describe('the client against the simulator', () => {
  test('lists every page of a v3 list with the vendored media type and the profile scope', async () => {
    const client = clientFor(sim.simulator.issueRefreshToken());
    const [profile] = await client.listProfiles();
    expect(profile).toMatchObject({ profileId: '3180000000000001', countryCode: 'US', timezone: 'America/Los_Angeles' });
    const campaigns = [];
    const before = sim.simulator.requests.length;
    for await (const page of client.list('campaigns', profile!.profileId, 5)) campaigns.push(...page);
    expect(campaigns.map((c) => c.campaignId)).toEqual(sim.simulator.campaignsOf(3180000000000001).map((c) => c.campaignId));
    const calls = sim.simulator.requests.slice(before).filter((r) => r.route === 'campaigns');
    expect(calls.length).toBe(3); // 12 campaigns, 5 a page
    expect(calls.every((c) => c.contentType === 'application/vnd.spCampaign.v3+json' && c.clientIdHeader === CLIENT.clientId)).toBe(true);
  });

  test('a 429 is a ThrottledError carrying the Retry-After seconds; an expired token is refreshed once and the call replayed', async () => {
    const client = clientFor(sim.simulator.issueRefreshToken());
    await client.listProfiles();
    sim.simulator.injectFault({ route: 'profiles', status: 429, times: 1, retryAfter: 7 });
    const throttled = await client.listProfiles().catch((err: unknown) => err);
    expect(throttled).toBeInstanceOf(ThrottledError);
    expect((throttled as ThrottledError).retryAfterSeconds).toBe(7);

    sim.simulator.expireAccessTokens();
    const before = sim.simulator.requests.filter((r) => r.route === 'token').length;
    expect((await client.listProfiles()).length).toBe(2);
    expect(sim.simulator.requests.filter((r) => r.route === 'token').length).toBe(before + 1);
  });

  test('an identical report already in flight (425) is adopted, and the download link is fetched without the API headers', async () => {
    const client = clientFor(sim.simulator.issueRefreshToken());
    const first = await client.createReport('3180000000000001', 'spSearchTerm', '2026-11-01', '2026-11-02');
    const second = await client.createReport('3180000000000001', 'spSearchTerm', '2026-11-01', '2026-11-02');
    expect(second).toEqual({ reportId: first.reportId, duplicate: true });
    await new Promise((r) => setTimeout(r, 250));
    const report = await client.getReport('3180000000000001', first.reportId);
    expect(report.status).toBe('COMPLETED');
    const rows = [];
    for await (const row of client.downloadReport(report.url!)) rows.push(row);
    expect(rows).toEqual(sim.simulator.rowsOf(3180000000000001, 'spSearchTerm', '2026-11-01', '2026-11-02').map((row) => expect.objectContaining({ searchTerm: row.searchTerm, cost: row.cost })));
    expect(sim.simulator.requests.filter((r) => r.route === 'download').every((r) => !r.hasAuthorization && r.status === 200)).toBe(true);
  });

  test('a revoked refresh token is an InvalidGrantError', async () => {
    const refreshToken = sim.simulator.issueRefreshToken();
    sim.simulator.revoke(refreshToken);
    await expect(refreshAccessToken(lwa, refreshToken)).rejects.toBeInstanceOf(InvalidGrantError);
  });
});

describe('connecting and syncing over HTTP', () => {
  test('connect stores one credential per profile with encrypted tokens, answers no token, and the full sync pulls every entity', async () => {
    const tenant = await newTenant(stack.prisma);
    const refreshToken = sim.simulator.issueRefreshToken();
    const connected = await connect(tenant, { refreshToken });
    expect(connected.status).toBe(201);
    expect(connected.text).not.toMatch(/Atz[ar]\|/);
    const body = JSON.parse(connected.text) as Json;
    expect(body.integrations.map((i: Json) => i.externalAccountName)).toEqual(['Kitchen Co US (US)', 'Kitchen Co CA (CA)']); // the agency profile is left out
    expect(body.syncs).toHaveLength(2);

    const stored = await stack.prisma.integrationCredential.findMany({ where: { companyId: tenant.companyId } });
    for (const credential of stored) {
      expect(credential.encryptedRefreshToken).not.toContain(refreshToken);
      expect(credential.encryptedRefreshToken!.split(':')).toHaveLength(4);
    }
    const listed = await (await fetch(`${baseUrl}/integrations`, { headers: bearer(tenant.token) })).text();
    expect(listed).not.toMatch(/Atz[ar]\||encrypted/i);

    const us = body.integrations[0].id as string;
    const schedule = await stack.client.schedule.getHandle(amazonAdsScheduleId(us)).describe();
    expect(schedule.spec.intervals?.[0]?.every).toBe(6 * 3600 * 1000);
    expect(schedule.state.paused).toBe(false);
    expect(schedule.action).toMatchObject({ workflowType: 'amazonAdsSyncWorkflow', workflowId: amazonAdsSyncWorkflowId(us) });
    expect(schedule.typedSearchAttributes.get(CredentialIdKey)).toBe(us);
    const result = (await finished(us)) as Json;
    expect(result.entities).toMatchObject({ created: 3 + 12 + sim.simulator.adGroupsOf(3180000000000001).length, updated: 0 });
    expect(result.reports).toHaveLength(4); // 94 days in 4 windows of at most 31; no brand chosen for two profiles: no sales report
    expect(result.reports.every((r: Json) => r.status === 'loaded')).toBe(true);
    const counts = async () => ({
      portfolios: await stack.prisma.adPortfolio.count({ where: { credentialId: us } }),
      campaigns: await stack.prisma.adCampaign.count({ where: { credentialId: us } }),
      adGroups: await stack.prisma.adGroup.count({ where: { campaign: { credentialId: us } } }),
    });
    expect(await counts()).toEqual({ portfolios: 3, campaigns: 12, adGroups: sim.simulator.adGroupsOf(3180000000000001).length });
    const withPortfolio = sim.simulator.campaignsOf(3180000000000001).filter((c) => c.portfolioId).length;
    expect(await stack.prisma.adCampaign.count({ where: { credentialId: us, portfolioId: { not: null } } })).toBe(withPortfolio);
    const log = await stack.prisma.syncLog.findUniqueOrThrow({ where: { id: body.syncs[0].syncLogId } });
    expect(log).toMatchObject({ status: 'completed', syncType: 'amazon_ads_full', credentialId: us, recordsUpdated: 0 });

    // Again, on demand: nothing changes.
    const again = await fetch(`${baseUrl}/integrations/${us}/syncs`, { method: 'POST', headers: { ...bearer(tenant.token), 'content-type': 'application/json' }, body: JSON.stringify({ type: 'incremental' }) });
    expect(again.status).toBe(202);
    expect(await finished(us)).toMatchObject({ entities: { created: 0, updated: 0 } });
    expect(await counts()).toEqual({ portfolios: 3, campaigns: 12, adGroups: sim.simulator.adGroupsOf(3180000000000001).length });
    expect((await stack.prisma.integrationCredential.findUniqueOrThrow({ where: { id: us } })).lastUsedAt).not.toBeNull();

    // Reads, tenant-scoped and paged.
    const get = async (path: string, token = tenant.token) => (await (await fetch(`${baseUrl}${path}`, { headers: bearer(token) })).json()) as Json;
    const campaignIds: string[] = [];
    for (let cursor: string | null = null, pages = 0; pages === 0 || cursor; pages += 1) {
      const pageOf: Json = await get(`/campaigns?credentialId=${us}&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      campaignIds.push(...pageOf.items.map((c: Json) => c.externalId));
      cursor = pageOf.nextCursor;
    }
    expect(campaignIds.sort()).toEqual(sim.simulator.campaignsOf(3180000000000001).map((c) => c.campaignId).sort());
    const other = await newTenant(stack.prisma, 'Reader');
    expect((await get(`/campaigns?credentialId=${us}`, other.token)).items).toEqual([]);
    expect((await get('/keyword-metrics?limit=5', other.token)).items).toEqual([]);
    const exact = await get(`/keyword-metrics?matchType=exact&keyword=GARLIC&limit=50`);
    expect(exact.items.length).toBeGreaterThan(0);
    expect(exact.items.every((m: Json) => m.matchType === 'exact' && /garlic/.test(m.keyword) && m.source === 'api' && m.campaignId !== null)).toBe(true);
    const firstPage = await get('/keyword-metrics?from=2026-09-01&to=2026-11-30&limit=3');
    const secondPage = await get(`/keyword-metrics?from=2026-09-01&to=2026-11-30&limit=3&cursor=${firstPage.nextCursor}`);
    expect(new Set([...firstPage.items, ...secondPage.items].map((m: Json) => m.id)).size).toBe(6);
    expect(firstPage.items[0].date >= secondPage.items[0].date).toBe(true);
  });

  test('throttling during a sync is waited out with the server\'s Retry-After, not failed', async () => {
    const tenant = await newTenant(stack.prisma);
    const body = JSON.parse((await connect(tenant, { refreshToken: sim.simulator.issueRefreshToken(), profileIds: ['3180000000000002'] })).text) as Json;
    sim.simulator.injectFault({ route: 'adGroups', status: 429, times: 2, retryAfter: 1 });
    const result = await finished(body.integrations[0].id);
    expect(result).toMatchObject({ entities: { updated: 0 } });
    const log = await stack.prisma.syncLog.findUniqueOrThrow({ where: { id: body.syncs[0].syncLogId } });
    expect(log.status).toBe('completed');
    const throttled = sim.simulator.requests.filter((r) => r.route === 'adGroups' && r.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(2);
  });

  test('a revoked authorization fails the sync, revokes the credential and tells every user once', async () => {
    const tenant = await newTenant(stack.prisma);
    const refreshToken = sim.simulator.issueRefreshToken();
    const body = JSON.parse((await connect(tenant, { refreshToken, profileIds: ['3180000000000001'] })).text) as Json;
    const credentialId = body.integrations[0].id as string;
    await finished(credentialId);

    sim.simulator.revoke(refreshToken);
    sim.simulator.expireAccessTokens();
    await stack.prisma.integrationCredential.update({ where: { id: credentialId }, data: { expiresAt: new Date(0) } });
    const start = () => fetch(`${baseUrl}/integrations/${credentialId}/syncs`, { method: 'POST', headers: { ...bearer(tenant.token), 'content-type': 'application/json' }, body: JSON.stringify({ type: 'incremental' }) });
    const started = (await (await start()).json()) as Json;
    expect(await finished(credentialId)).toBeInstanceOf(Error);

    const credential = await stack.prisma.integrationCredential.findUniqueOrThrow({ where: { id: credentialId } });
    expect(credential).toMatchObject({ status: 'revoked', lastError: expect.stringMatching(/invalid grant/) });
    const log = await stack.prisma.syncLog.findUniqueOrThrow({ where: { id: started.syncLogId } });
    expect(log).toMatchObject({ status: 'failed', errorMessage: expect.stringMatching(/refused the grant/) });
    const notes = await stack.prisma.notification.findMany({ where: { userId: tenant.userId, type: 'credential_expired' } });
    expect(notes).toHaveLength(1);
    expect((await stack.client.schedule.getHandle(amazonAdsScheduleId(credentialId)).describe()).state).toMatchObject({ paused: true, note: expect.stringMatching(/revoked/) });
    expect((await start()).status).toBe(409);
  });

  test('a bad authorization code is a 400; another company\'s integration is a 404', async () => {
    const tenant = await newTenant(stack.prisma);
    const bad = await connect(tenant, { authorizationCode: 'not-a-code', redirectUri: 'https://app.example/callback' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).detail).toMatch(/Login with Amazon refused the authorization/);

    const other = await newTenant(stack.prisma, 'Other');
    const mine = JSON.parse((await connect(tenant, { authorizationCode: 'ANcode-1', redirectUri: 'https://app.example/callback', profileIds: ['3180000000000002'] })).text) as Json;
    const id = mine.integrations[0].id as string;
    await finished(id);
    expect((await fetch(`${baseUrl}/integrations/${id}`, { method: 'DELETE', headers: bearer(other.token) })).status).toBe(404);
    expect((await fetch(`${baseUrl}/integrations/${id}/syncs`, { method: 'POST', headers: { ...bearer(other.token), 'content-type': 'application/json' }, body: '{"type":"full"}' })).status).toBe(404);
    expect((await fetch(`${baseUrl}/integrations/${id}`, { method: 'DELETE', headers: bearer(tenant.token) })).status).toBe(204);
    expect((await stack.prisma.integrationCredential.findUniqueOrThrow({ where: { id } })).status).toBe('revoked');
    await expect(stack.client.schedule.getHandle(amazonAdsScheduleId(id)).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });
});

test('the refresh workflow walks the credential state machine: expired → active, refused → revoked, failing → error → active', async () => {
  const tenant = await newTenant(stack.prisma);
  const refused = sim.simulator.issueRefreshToken();
  const good = JSON.parse((await connect(tenant, { refreshToken: sim.simulator.issueRefreshToken(), profileIds: ['3180000000000001'] })).text).integrations[0].id as string;
  const bad = JSON.parse((await connect(tenant, { refreshToken: refused, profileIds: ['3180000000000002'] })).text).integrations[0].id as string;
  await Promise.all([finished(good), finished(bad)]);
  const expire = (id: string) => stack.prisma.integrationCredential.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000), lastUsedAt: null } });
  const run = () => stack.client.workflow.execute('credentialRefreshWorkflow', { taskQueue: stack.config.temporal.taskQueue, workflowId: `refresh-${Date.now()}`, args: [{ withinMinutes: 20 }] });
  const state = async (id: string) => stack.prisma.integrationCredential.findUniqueOrThrow({ where: { id } });

  await expire(good);
  await expire(bad);
  sim.simulator.revoke(refused);
  await run();
  const refreshed = await state(good);
  expect(refreshed).toMatchObject({ status: 'active', lastError: null });
  expect(refreshed.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
  expect(refreshed.lastUsedAt).not.toBeNull();
  expect(await state(bad)).toMatchObject({ status: 'revoked', lastError: expect.stringMatching(/invalid grant/) });
  expect(await stack.prisma.notification.count({ where: { userId: tenant.userId, type: 'credential_expired', relatedId: bad } })).toBe(1);
  expect((await stack.client.schedule.getHandle(amazonAdsScheduleId(bad)).describe()).state.paused).toBe(true);

  await expire(good);
  sim.simulator.injectFault({ route: 'token', status: 503, times: 1 });
  await run();
  expect(await state(good)).toMatchObject({ status: 'error', lastError: expect.stringMatching(/Refreshing the access token failed/) });
  await run();
  expect(await state(good)).toMatchObject({ status: 'active', lastError: null });
});

describe('reports', () => {
  async function apiTotals(companyId: string) {
    const [row] = await stack.prisma.$queryRaw<Json[]>`
      SELECT count(*)::int AS rows, coalesce(sum("spend"), 0)::text AS spend, coalesce(sum("sales"), 0)::text AS sales, count(DISTINCT "date")::int AS days
      FROM "KeywordMetric" WHERE "companyId" = ${companyId} AND "source" = 'api'`;
    return row;
  }
  function simulatorTotals(profileId: number, windows: Array<{ startDate: string; endDate: string }>) {
    let cents = { spend: 0, sales: 0, adSales: 0 };
    let rows = 0;
    for (const w of windows) {
      for (const row of sim.simulator.rowsOf(profileId, 'spSearchTerm', w.startDate, w.endDate)) {
        rows += 1;
        cents = { ...cents, spend: cents.spend + Math.round(Number(row.cost) * 100), sales: cents.sales + Math.round(Number(row.sales7d) * 100) };
      }
      for (const row of sim.simulator.rowsOf(profileId, 'spAdvertisedProduct', w.startDate, w.endDate)) cents.adSales += Math.round(Number(row.attributedSalesSameSku7d) * 100);
    }
    return { rows, spend: (cents.spend / 100).toFixed(2), sales: (cents.sales / 100).toFixed(2), adSales: (cents.adSales / 100).toFixed(2) };
  }
  const adSales = async (brandId: string) =>
    (await stack.prisma.$queryRaw<Json[]>`SELECT coalesce(sum("adAttributedSales"), 0)::text AS s FROM "SalesDaily" WHERE "brandId" = ${brandId} AND "asin" IS NOT NULL`)[0].s;

  test('a full sync stores the reports of every day Amazon keeps, equal to the cent; an incremental one after restatement updates in place', async () => {
    const tenant = await newTenant(stack.prisma);
    const body = JSON.parse((await connect(tenant, { refreshToken: sim.simulator.issueRefreshToken(), profileIds: ['3180000000000002'] })).text) as Json;
    const credentialId = body.integrations[0].id as string;
    expect(body.integrations[0].brandId).toBe(tenant.brandId); // the company's only brand
    const current = async () => (await (await fetch(`${baseUrl}/integrations/${credentialId}/syncs/current`, { headers: bearer(tenant.token) })).json()) as Json;
    let seen: Json;
    for (let i = 0; i < 200 && !(seen = await current()).progress?.reportsTotal; i += 1) await new Promise((r) => setTimeout(r, 25));
    expect(seen).toMatchObject({ running: true, progress: { phase: 'reports', reportsTotal: 8 }, syncLog: { status: 'started' } });
    const full = (await finished(credentialId)) as Json;
    expect(await current()).toMatchObject({ running: false, progress: null, syncLog: { status: 'completed' } });
    const windows = planReportWindows({ today: dayIn('America/Toronto', Date.now()), full: true, loadedThrough: null, lookbackDays: 14 });
    expect(full.reports.map((r: Json) => [r.startDate, r.endDate])).toEqual(expect.arrayContaining(windows.map((w) => [w.startDate, w.endDate])));
    const expected = simulatorTotals(3180000000000002, windows);
    expect(await apiTotals(tenant.companyId)).toEqual({ rows: expected.rows, spend: expected.spend, sales: expected.sales, days: 94 });
    expect(await adSales(tenant.brandId!)).toBe(expected.adSales);
    const log = await stack.prisma.syncLog.findUniqueOrThrow({ where: { id: body.syncs[0].syncLogId } });
    expect(log.errorDetails).toMatchObject({ reportsThrough: windows.at(-1)!.endDate, timezone: 'America/Toronto' });

    // Attribution restates the last 14 days; the incremental sync reads them again and updates rows in place.
    sim.simulator.restate();
    const started = await fetch(`${baseUrl}/integrations/${credentialId}/syncs`, { method: 'POST', headers: { ...bearer(tenant.token), 'content-type': 'application/json' }, body: '{"type":"incremental"}' });
    const { syncLogId } = (await started.json()) as Json;
    const incremental = (await finished(credentialId)) as Json;
    expect(incremental.reports[0].startDate).toBe(new Date(Date.parse(`${windows.at(-1)!.endDate}T00:00:00Z`) - 13 * 86_400_000).toISOString().slice(0, 10));
    const after = simulatorTotals(3180000000000002, windows);
    expect(after.sales).not.toBe(expected.sales);
    expect(await apiTotals(tenant.companyId)).toEqual({ rows: after.rows, spend: after.spend, sales: after.sales, days: 94 });
    expect(await adSales(tenant.brandId!)).toBe(after.adSales);
    const incrementalLog = await stack.prisma.syncLog.findUniqueOrThrow({ where: { id: syncLogId } });
    expect(incrementalLog).toMatchObject({ status: 'completed', syncType: 'amazon_ads_incremental' });
    expect(incrementalLog.recordsUpdated).toBeGreaterThan(0);
  });

  test('a sustained 429 storm (with and without Retry-After) is waited out: the sync completes with exactly the simulator\'s totals', async () => {
    const tenant = await newTenant(stack.prisma);
    const since = sim.simulator.requests.length;
    // Many consecutive throttles on every kind of call a sync makes; report creation sends no Retry-After (backoff).
    sim.simulator.injectFault({ route: 'campaigns', status: 429, times: 6, retryAfter: 1 });
    sim.simulator.injectFault({ route: 'adGroups', status: 429, times: 3, retryAfter: 2 });
    sim.simulator.injectFault({ route: 'reports.get', status: 429, times: 5, retryAfter: 1 });
    sim.simulator.injectFault({ route: 'reports.create', status: 429, times: 2 });
    const body = JSON.parse((await connect(tenant, { refreshToken: sim.simulator.issueRefreshToken(), profileIds: ['3180000000000002'] })).text) as Json;
    const result = (await finished(body.integrations[0].id)) as Json;
    expect(result.reports.every((r: Json) => r.status === 'loaded')).toBe(true);
    const windows = planReportWindows({ today: dayIn('America/Toronto', Date.now()), full: true, loadedThrough: null, lookbackDays: 14 });
    const expected = simulatorTotals(3180000000000002, windows);
    expect(await apiTotals(tenant.companyId)).toEqual({ rows: expected.rows, spend: expected.spend, sales: expected.sales, days: 94 });
    expect(await adSales(tenant.brandId!)).toBe(expected.adSales);
    const log = await stack.prisma.syncLog.findUniqueOrThrow({ where: { id: body.syncs[0].syncLogId } });
    expect(log).toMatchObject({ status: 'completed', recordsFailed: 0 });

    // Every throttle was answered, and the next call of that route came no sooner than the server asked.
    const requests = sim.simulator.requests.slice(since);
    const waits = (route: string) => {
      const calls = requests.filter((r) => r.route === route);
      const gaps: number[] = [];
      calls.forEach((call, i) => {
        if (call.status === 429 && calls[i + 1]) gaps.push(Date.parse(calls[i + 1]!.at) - Date.parse(call.at));
      });
      return { throttled: calls.filter((r) => r.status === 429).length, gaps };
    };
    const campaigns = waits('campaigns');
    expect(campaigns.throttled).toBe(6);
    expect(Math.min(...campaigns.gaps)).toBeGreaterThanOrEqual(1000 - 50);
    expect(Math.max(...campaigns.gaps)).toBeLessThan(4000); // the server's delay, not the 5 s backoff
    const adGroups = waits('adGroups');
    expect(adGroups.throttled).toBe(3);
    expect(Math.min(...adGroups.gaps)).toBeGreaterThanOrEqual(2000 - 50);
    const reportsGet = waits('reports.get');
    expect(reportsGet.throttled).toBe(5);
    expect(Math.min(...reportsGet.gaps)).toBeGreaterThanOrEqual(1000 - 50);
    const create = waits('reports.create');
    expect(create.throttled).toBe(2);
    expect(Math.min(...create.gaps)).toBeGreaterThanOrEqual(5000 - 50); // no Retry-After: the activity's backoff
  });

  test('one sync per credential: a scheduled run during a manual one ends as skipped; a manual start during a scheduled one answers 409', async () => {
    const tenant = await newTenant(stack.prisma);
    // Holds the connect's full sync for a while: report creation is throttled without Retry-After (5 s backoff).
    sim.simulator.injectFault({ route: 'reports.create', status: 429, times: 1 });
    const body = JSON.parse((await connect(tenant, { refreshToken: sim.simulator.issueRefreshToken(), profileIds: ['3180000000000002'] })).text) as Json;
    const credentialId = body.integrations[0].id as string;
    const schedule = stack.client.schedule.getHandle(amazonAdsScheduleId(credentialId));
    const lastScheduledRun = async () => {
      for (let i = 0; i < 200; i += 1) {
        const actions = (await schedule.describe()).info.recentActions;
        const last = actions.at(-1)?.action;
        if (last) return last.workflow.workflowId;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the schedule started nothing');
    };

    await schedule.trigger();
    const skippedId = await lastScheduledRun();
    expect(skippedId).not.toBe(amazonAdsSyncWorkflowId(credentialId));
    expect(await stack.client.workflow.getHandle(skippedId).result()).toMatchObject({ skipped: amazonAdsSyncWorkflowId(credentialId), reports: [] });
    const skippedLog = await stack.prisma.syncLog.findFirstOrThrow({ where: { workflowId: skippedId } });
    expect(skippedLog).toMatchObject({ status: 'completed', recordsProcessed: 0, errorDetails: { skipped: amazonAdsSyncWorkflowId(credentialId) } });
    const manualRunId = (await stack.client.workflow.getHandle(amazonAdsSyncWorkflowId(credentialId)).describe()).runId;
    const manual = (await finished(credentialId)) as Json;
    expect(manual.reports.every((r: Json) => r.status === 'loaded')).toBe(true);
    const rowsAfterFull = await apiTotals(tenant.companyId);

    // Now the schedule's run holds the credential (its sync runs as a child under the credential's id).
    sim.simulator.injectFault({ route: 'reports.create', status: 429, times: 1 });
    await schedule.trigger();
    await new Promise((r) => setTimeout(r, 50));
    const scheduledId = await (async () => {
      for (let i = 0; i < 200; i += 1) {
        const id = (await schedule.describe()).info.recentActions.at(-1)!.action.workflow.workflowId;
        if (id !== skippedId) return id;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the schedule started nothing');
    })();
    const canonical = stack.client.workflow.getHandle(amazonAdsSyncWorkflowId(credentialId));
    for (let i = 0; i < 200; i += 1) {
      const running = await canonical.describe().then((d) => d.status.name === 'RUNNING' && d.runId !== manualRunId, () => false);
      if (running) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const res = await fetch(`${baseUrl}/integrations/${credentialId}/syncs`, { method: 'POST', headers: { ...bearer(tenant.token), 'content-type': 'application/json' }, body: '{"type":"incremental"}' });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain(amazonAdsSyncWorkflowId(credentialId));
    const scheduled = (await stack.client.workflow.getHandle(scheduledId).result()) as Json;
    expect(scheduled.skipped).toBeUndefined();
    expect(scheduled.reports.length).toBeGreaterThan(0);
    // Nothing done twice: the rows are those of the full sync (the incremental one updates in place).
    expect(await apiTotals(tenant.companyId)).toEqual(rowsAfterFull);
    const logs = await stack.prisma.syncLog.findMany({ where: { credentialId }, orderBy: { startedAt: 'asc' } });
    expect(logs.map((l) => [l.syncType, l.status, (l.errorDetails as Json)?.skipped ?? null])).toEqual([
      ['amazon_ads_full', 'completed', null],
      ['amazon_ads_incremental', 'completed', amazonAdsSyncWorkflowId(credentialId)],
      ['amazon_ads_incremental', 'completed', null],
    ]);
  });

  test('a report Amazon fails to generate makes the run partial, and the cursor stops before it', async () => {
    const tenant = await newTenant(stack.prisma);
    sim.simulator.injectFault({ route: 'reports.create', status: 400, times: 1 });
    const body = JSON.parse((await connect(tenant, { refreshToken: sim.simulator.issueRefreshToken(), profileIds: ['3180000000000002'] })).text) as Json;
    const result = (await finished(body.integrations[0].id)) as Json;
    expect(result.reports.filter((r: Json) => r.status === 'failed')).toHaveLength(1);
    const log = await stack.prisma.syncLog.findUniqueOrThrow({ where: { id: body.syncs[0].syncLogId } });
    expect(log).toMatchObject({ status: 'partial', recordsFailed: 1, errorMessage: expect.stringMatching(/1 of 8 reports failed/) });
    expect((log.errorDetails as Json).reportsThrough).toBeNull(); // the first window failed: nothing is certain yet
  });
});

// Last: it stops this file's worker.
test('a worker stopped mid-sync: the sync finishes on another worker with exactly the rows of an undisturbed run', async () => {
  const tenant = await newTenant(stack.prisma);
  const body = JSON.parse((await connect(tenant, { refreshToken: sim.simulator.issueRefreshToken(), profileIds: ['3180000000000002'] })).text) as Json;
  const credentialId = body.integrations[0].id as string;
  // Stop once report rows are being stored.
  for (let i = 0; i < 600; i += 1) {
    if ((await stack.prisma.keywordMetric.count({ where: { companyId: tenant.companyId } })) > 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  stack.worker!.shutdown();
  for (let i = 0; i < 200 && stack.worker!.getState() !== 'STOPPED'; i += 1) await new Promise((r) => setTimeout(r, 50));
  const replacement = await startOtherWorker(stack);
  const running = replacement.run();
  try {
    const result = (await finished(credentialId)) as Json;
    expect(result.reports.every((r: Json) => r.status === 'loaded')).toBe(true);
  } finally {
    replacement.shutdown();
    await running;
  }
  const windows = planReportWindows({ today: dayIn('America/Toronto', Date.now()), full: true, loadedThrough: null, lookbackDays: 14 });
  let rows = 0;
  let cents = 0;
  for (const w of windows) {
    for (const row of sim.simulator.rowsOf(3180000000000002, 'spSearchTerm', w.startDate, w.endDate)) {
      rows += 1;
      cents += Math.round(Number(row.cost) * 100);
    }
  }
  const [stored] = await stack.prisma.$queryRaw<Json[]>`SELECT count(*)::int AS rows, sum("spend")::text AS spend FROM "KeywordMetric" WHERE "companyId" = ${tenant.companyId}`;
  expect(stored).toEqual({ rows, spend: (cents / 100).toFixed(2) });
});
