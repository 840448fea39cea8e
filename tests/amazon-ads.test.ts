import type { AddressInfo } from 'node:net';
import { startAmazonAdsSimulator, type AmazonAdsSimulator } from '../dev/simulators/amazon-ads/server';
import { AmazonAdsClient } from '../integrations/amazon-ads/ads-client';
import { InvalidGrantError, ThrottledError } from '../integrations/amazon-ads/errors';
import { refreshAccessToken } from '../integrations/amazon-ads/login-with-amazon';
import { amazonAdsSyncWorkflowId } from '../lib/domain/workflow-ids';
import type { CreatedTenant } from '../lib/tenants';
import { bearer, newTenant, startStack, type TestStack } from './support/stack';

// Amazon Ads, connected through the product's own client to the simulator (by base URL), on a real PostgreSQL
// and a real Temporal server: connect, tokens at rest, entity sync, throttling, token expiry, revocation.

const CLIENT = { clientId: 'amzn1.application-oa2-client.test', clientSecret: 'test-secret' };
let sim: { simulator: AmazonAdsSimulator; url: string; close(): Promise<void> };
let stack: TestStack;
let baseUrl: string;
let lwa: { tokenUrl: string; clientId: string; clientSecret: string };

beforeAll(async () => {
  sim = await startAmazonAdsSimulator({ ...CLIENT, seed: 7, campaignsPerProfile: 130 });
  lwa = { tokenUrl: `${sim.url}/auth/o2/token`, ...CLIENT };
  stack = await startStack({
    worker: true,
    api: true,
    configure: (config) => ({ ...config, amazonAds: { ...CLIENT, apiUrl: sim.url, tokenUrl: lwa.tokenUrl } }),
  });
  await stack.app!.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(stack.app!.server.address() as AddressInfo).port}`;
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
    for await (const page of client.list('campaigns', profile!.profileId)) campaigns.push(...page);
    expect(campaigns.map((c) => c.campaignId)).toEqual(sim.simulator.campaignsOf(3180000000000001).map((c) => c.campaignId));
    const calls = sim.simulator.requests.filter((r) => r.route === 'campaigns' && r.scope === profile!.profileId);
    expect(calls.length).toBe(2); // 130 campaigns, 100 a page
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
    expect(await finished(us)).toMatchObject({ entities: { created: 3 + 130 + sim.simulator.adGroupsOf(3180000000000001).length, updated: 0 } });
    const counts = async () => ({
      portfolios: await stack.prisma.adPortfolio.count({ where: { credentialId: us } }),
      campaigns: await stack.prisma.adCampaign.count({ where: { credentialId: us } }),
      adGroups: await stack.prisma.adGroup.count({ where: { campaign: { credentialId: us } } }),
    });
    expect(await counts()).toEqual({ portfolios: 3, campaigns: 130, adGroups: sim.simulator.adGroupsOf(3180000000000001).length });
    const withPortfolio = sim.simulator.campaignsOf(3180000000000001).filter((c) => c.portfolioId).length;
    expect(await stack.prisma.adCampaign.count({ where: { credentialId: us, portfolioId: { not: null } } })).toBe(withPortfolio);
    const log = await stack.prisma.syncLog.findUniqueOrThrow({ where: { id: body.syncs[0].syncLogId } });
    expect(log).toMatchObject({ status: 'completed', syncType: 'amazon_ads_full', credentialId: us, recordsUpdated: 0 });

    // Again, on demand: nothing changes.
    const again = await fetch(`${baseUrl}/integrations/${us}/syncs`, { method: 'POST', headers: { ...bearer(tenant.token), 'content-type': 'application/json' }, body: JSON.stringify({ type: 'incremental' }) });
    expect(again.status).toBe(202);
    expect(await finished(us)).toMatchObject({ entities: { created: 0, updated: 0 } });
    expect(await counts()).toEqual({ portfolios: 3, campaigns: 130, adGroups: sim.simulator.adGroupsOf(3180000000000001).length });
    expect((await stack.prisma.integrationCredential.findUniqueOrThrow({ where: { id: us } })).lastUsedAt).not.toBeNull();
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
  });
});
