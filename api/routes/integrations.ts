import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AmazonAdsClient } from '../../integrations/amazon-ads/ads-client';
import { AmazonAdsError, InvalidGrantError } from '../../integrations/amazon-ads/errors';
import { exchangeAuthorizationCode, refreshAccessToken, type LwaTokens } from '../../integrations/amazon-ads/login-with-amazon';
import { CredentialStore } from '../../lib/credentials/credential-store';
import { cipherFrom } from '../../lib/crypto/credential-cipher';
import { startAmazonAdsSync } from '../../lib/syncs/start-amazon-ads-sync';
import { SyncAlreadyRunningError } from '../../lib/syncs/start-credential-sync';
import { amazonAdsSchedulesFor } from '../../lib/temporal/amazon-ads-schedules';
import { startShopifyOrdersSync } from '../../lib/syncs/start-shopify-sync';
import { shopifySchedulesFor } from '../../lib/temporal/shopify-schedules';
import type { AppDependencies } from '../app';
import { HttpProblem, notFound, problemSchema } from '../plugins/problem-details';
import { authErrorResponses, syncLogSchema, uuidParam } from '../schemas';
import { amazonAdsSyncProgressQuery } from '../../workflows/amazon-ads-sync';
import { shopifyOrdersSyncProgressQuery } from '../../workflows/shopify-orders-sync';

// Connected accounts. Tokens go in encrypted and never come out: no route answers them.

const integrationSchema = z
  .object({
    id: z.string(),
    integrationType: z.string(),
    status: z.string(),
    brandId: z.string().nullable(),
    externalAccountId: z.string().nullable(),
    externalAccountName: z.string().nullable(),
    lastUsedAt: z.date().nullable(),
    lastError: z.string().nullable(),
    lastErrorAt: z.date().nullable(),
    createdAt: z.date(),
  })
  .meta({ id: 'Integration' });

const publicFields = {
  id: true, integrationType: true, status: true, brandId: true, externalAccountId: true, externalAccountName: true,
  lastUsedAt: true, lastError: true, lastErrorAt: true, createdAt: true,
} as const;

const connectBody = z
  .object({
    refreshToken: z.string().min(1).optional(),
    authorizationCode: z.string().min(1).optional(),
    redirectUri: z.url().optional(),
    profileIds: z.array(z.string().regex(/^\d+$/)).min(1).optional(),
    brandId: z.uuid().optional(),
  })
  .refine((b) => Boolean(b.refreshToken) !== Boolean(b.authorizationCode), { message: 'Send either refreshToken or authorizationCode' })
  .refine((b) => !b.authorizationCode || b.redirectUri, { message: 'An authorizationCode needs the redirectUri it was issued for', path: ['redirectUri'] });

const syncStartedSchema = z.object({ credentialId: z.string(), workflowId: z.string(), syncLogId: z.string() });

const integrationRoutes: FastifyPluginAsyncZod<AppDependencies> = async (app, { prisma, temporal, config }) => {
  const store = new CredentialStore(prisma, cipherFrom(config.credentials));
  const syncDeps = { prisma, temporal, taskQueue: config.temporal.taskQueue };
  const schedules = amazonAdsSchedulesFor(temporal, config);
  const shopifySchedules = shopifySchedulesFor(temporal, config);

  app.post(
    '/integrations/amazon-ads',
    {
      schema: {
        summary: 'Connect Amazon Ads advertiser profiles',
        description:
          'Takes a Login-with-Amazon authorization code (with its redirectUri) or a refresh token, lists the advertiser profiles it ' +
          'reaches, and stores one credential per chosen profile (`profileIds`; default: all seller and vendor profiles), its ' +
          'tokens encrypted. Starts a full sync of each and schedules an incremental one every AMAZON_ADS_SYNC_INTERVAL_HOURS ' +
          '(schedule `amazon-ads-incremental-<credentialId>`). Connecting a profile again updates its credential. With `brandId` (or ' +
          'when one profile is connected by a company with one brand) the advertised-product report fills that brand\'s ' +
          'ad-attributed sales per ASIN.',
        tags: ['integrations'],
        body: connectBody,
        response: { 201: z.object({ integrations: z.array(integrationSchema), syncs: z.array(syncStartedSchema) }), ...authErrorResponses, 404: problemSchema, 502: problemSchema, 503: problemSchema },
      },
    },
    async (request, reply) => {
      const amazonAds = config.amazonAds;
      if (!amazonAds) throw new HttpProblem(503, 'Amazon Ads is not configured on this server: set AMAZON_ADS_CLIENT_ID and AMAZON_ADS_CLIENT_SECRET');
      const { companyId, userId } = request.principal;
      const body = request.body;
      if (body.brandId && !(await prisma.brand.findFirst({ where: { id: body.brandId, companyId } }))) throw notFound('Brand', body.brandId);
      // Sales per ASIN are recorded for a credential with a brand. SalesDaily has no marketplace dimension, so
      // one profile of a company with one brand gets that brand by default; several profiles need one each.
      const brands = body.brandId || body.profileIds?.length !== 1 ? [] : await prisma.brand.findMany({ where: { companyId }, select: { id: true }, take: 2 });
      const brandId = body.brandId ?? (brands.length === 1 ? brands[0]!.id : null);

      let tokens: LwaTokens;
      let profiles;
      try {
        tokens = body.authorizationCode
          ? await exchangeAuthorizationCode(amazonAds, body.authorizationCode, body.redirectUri!)
          : await refreshAccessToken(amazonAds, body.refreshToken!);
        const client = new AmazonAdsClient(amazonAds, {
          current: async () => tokens.accessToken,
          refresh: async () => (tokens = await refreshAccessToken(amazonAds, tokens.refreshToken)).accessToken,
        });
        profiles = await client.listProfiles();
      } catch (err) {
        if (err instanceof InvalidGrantError) throw new HttpProblem(400, `Login with Amazon refused the authorization: ${err.message}`);
        if (err instanceof AmazonAdsError) throw new HttpProblem(502, `Amazon Ads could not be reached to list the profiles: ${err.message}`);
        throw err;
      }
      const wanted = body.profileIds ?? profiles.map((p) => p.profileId);
      const unknown = wanted.filter((id) => !profiles.some((p) => p.profileId === id));
      if (unknown.length > 0) {
        throw new HttpProblem(400, `Profiles ${unknown.join(', ')} are not reachable with this authorization; it reaches ${profiles.map((p) => `${p.profileId} (${p.accountInfo.name}, ${p.countryCode})`).join(', ') || 'none'}`);
      }
      const ids: string[] = [];
      for (const profile of profiles.filter((p) => wanted.includes(p.profileId))) {
        ids.push(
          await store.save({
            companyId,
            brandId,
            integrationType: 'amazon_ads',
            account: { externalAccountId: profile.profileId, externalAccountName: `${profile.accountInfo.name} (${profile.countryCode})`.slice(0, 200) },
            tokens,
            scopes: ['advertising::campaign_management'],
          }),
        );
      }
      const syncs = [];
      for (const credentialId of ids) {
        await schedules?.ensure({ companyId, credentialId });
        try {
          syncs.push({ credentialId, ...(await startAmazonAdsSync(syncDeps, { companyId, credentialId, syncType: 'amazon_ads_full', triggeredById: userId, lookbackDays: amazonAds.lookbackDays, reportPollMs: amazonAds.reportPollMs })) });
        } catch (err) {
          if (!(err instanceof SyncAlreadyRunningError)) throw err;
        }
      }
      const integrations = await prisma.integrationCredential.findMany({ where: { id: { in: ids } }, select: publicFields, orderBy: { createdAt: 'asc' } });
      return reply.code(201).send({ integrations, syncs });
    },
  );

  app.get(
    '/integrations',
    {
      schema: {
        summary: "The company's connected accounts: status, last use, last error (never a token)",
        tags: ['integrations'],
        response: { 200: z.object({ integrations: z.array(integrationSchema) }), ...authErrorResponses },
      },
    },
    async (request) => ({
      integrations: await prisma.integrationCredential.findMany({ where: { companyId: request.principal.companyId }, select: publicFields, orderBy: { createdAt: 'asc' } }),
    }),
  );

  app.delete(
    '/integrations/:id',
    {
      schema: {
        summary: 'Disconnect an account: its credential is marked revoked and its schedule deleted',
        tags: ['integrations'],
        params: uuidParam,
        response: { 204: z.null(), ...authErrorResponses, 404: problemSchema },
      },
    },
    async (request, reply) => {
      const credential = await prisma.integrationCredential.findFirst({ where: { id: request.params.id, companyId: request.principal.companyId } });
      if (!credential) throw notFound('Integration', request.params.id);
      await store.markStatus(credential.id, 'revoked', 'Disconnected by a user');
      if (credential.integrationType === 'shopify') await shopifySchedules.remove(credential.id);
      else await schedules?.remove(credential.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/integrations/:id/syncs/current',
    {
      schema: {
        summary: "The account's running sync with its progress (reports done of planned, rows), else its last run",
        tags: ['integrations'],
        params: uuidParam,
        response: {
          200: z.object({
            running: z.boolean(),
            progress: z
              .union([
                z.object({ phase: z.string(), reportsDone: z.number().int(), reportsTotal: z.number().int(), rows: z.number().int() }),
                z.object({ phase: z.string(), mode: z.enum(['backfill', 'incremental']).nullable() }),
              ])
              .nullable(),
            syncLog: syncLogSchema.nullable(),
          }),
          ...authErrorResponses,
          404: problemSchema,
        },
      },
    },
    async (request) => {
      const credential = await prisma.integrationCredential.findFirst({ where: { id: request.params.id, companyId: request.principal.companyId } });
      if (!credential) throw notFound('Integration', request.params.id);
      const syncLog = await prisma.syncLog.findFirst({ where: { credentialId: credential.id }, orderBy: { startedAt: 'desc' } });
      if (!syncLog || syncLog.status !== 'started' || !syncLog.workflowId) return { running: false, progress: null, syncLog };
      try {
        const handle = temporal.workflow.getHandle(syncLog.workflowId);
        const progress = credential.integrationType === 'shopify' ? await handle.query(shopifyOrdersSyncProgressQuery) : await handle.query(amazonAdsSyncProgressQuery);
        return { running: true, progress, syncLog };
      } catch (err) {
        request.log.warn({ err, workflowId: syncLog.workflowId }, 'could not read sync progress from Temporal');
        return { running: true, progress: null, syncLog };
      }
    },
  );

  app.post(
    '/integrations/:id/syncs',
    {
      schema: {
        summary: 'Start a sync of a connected account now (Amazon Ads: full or incremental; Shopify: full = export every order again)',
        tags: ['integrations'],
        params: uuidParam,
        body: z.object({ type: z.enum(['full', 'incremental']) }),
        response: { 202: syncStartedSchema, ...authErrorResponses, 404: problemSchema, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const { companyId, userId } = request.principal;
      const credential = await prisma.integrationCredential.findFirst({ where: { id: request.params.id, companyId } });
      if (!credential) throw notFound('Integration', request.params.id);
      if (credential.status === 'revoked') throw new HttpProblem(409, `Integration ${credential.id} is revoked: connect the account again first`);
      try {
        if (credential.integrationType === 'shopify') {
          // `full` exports every order again (a bulk operation); `incremental` pages through the orders updated since the last run.
          const started = await startShopifyOrdersSync(syncDeps, { companyId, credentialId: credential.id, triggeredById: userId, bulkPollMs: config.shopify.bulkPollMs, full: request.body.type === 'full' });
          return reply.code(202).send({ credentialId: credential.id, ...started });
        }
        const started = await startAmazonAdsSync(syncDeps, {
          companyId,
          credentialId: credential.id,
          syncType: request.body.type === 'full' ? 'amazon_ads_full' : 'amazon_ads_incremental',
          triggeredById: userId,
          lookbackDays: config.amazonAds?.lookbackDays ?? 14,
          reportPollMs: config.amazonAds?.reportPollMs ?? 5000,
        });
        return reply.code(202).send({ credentialId: credential.id, ...started });
      } catch (err) {
        if (err instanceof SyncAlreadyRunningError) throw new HttpProblem(409, err.message);
        throw err;
      }
    },
  );
};

export default integrationRoutes;
