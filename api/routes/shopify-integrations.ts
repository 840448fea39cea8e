import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ShopifyAdminClient } from '../../integrations/shopify/admin-client';
import { ShopifyError, ShopifyNotFoundError, ShopifyUnauthorizedError } from '../../integrations/shopify/errors';
import { CredentialStore } from '../../lib/credentials/credential-store';
import { cipherFrom } from '../../lib/crypto/credential-cipher';
import { SyncAlreadyRunningError } from '../../lib/syncs/start-credential-sync';
import { startShopifyOrdersSync } from '../../lib/syncs/start-shopify-sync';
import { shopifySchedulesFor } from '../../lib/temporal/shopify-schedules';
import type { AppDependencies } from '../app';
import { HttpProblem, notFound, problemSchema } from '../plugins/problem-details';
import { authErrorResponses } from '../schemas';

// Connecting a Shopify shop. Listing, disconnecting and starting syncs are the /integrations routes shared with
// Amazon Ads. The Admin API token goes in encrypted and never comes out.

const connectBody = z.object({
  shopDomain: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, 'must be the shop\'s permanent domain, like acme.myshopify.com'),
  accessToken: z.string().min(10, 'must be the shop\'s Admin API access token (shpat_…)'),
  brandId: z.uuid().optional(),
});

const shopSchema = z
  .object({
    credentialId: z.string(),
    shopDomain: z.string(),
    shopName: z.string().nullable(),
    currencyCode: z.string(),
    ianaTimezone: z.string(),
    apiVersion: z.string(),
    brandId: z.string(),
    status: z.string(),
  })
  .meta({ id: 'ShopifyShop' });

const shopifyIntegrationRoutes: FastifyPluginAsyncZod<AppDependencies> = async (app, { prisma, temporal, config }) => {
  const store = new CredentialStore(prisma, cipherFrom(config.credentials));
  const schedules = shopifySchedulesFor(temporal, config);

  app.post(
    '/integrations/shopify',
    {
      schema: {
        summary: 'Connect a Shopify shop',
        description:
          'Checks the Admin API access token against the shop, reads its currency and IANA time zone (sales days are that zone\'s ' +
          'calendar days, amounts in that currency), stores the token encrypted, starts the first orders sync (a bulk export of ' +
          'every order the token can read) and schedules one every SHOPIFY_SYNC_INTERVAL_MINUTES (schedule ' +
          '`shopify-orders-<credentialId>`). Connecting the shop again replaces its token. `brandId` defaults to the company\'s ' +
          'only brand.',
        tags: ['integrations'],
        body: connectBody,
        response: {
          201: z.object({ shop: shopSchema, sync: z.object({ workflowId: z.string(), syncLogId: z.string() }).nullable() }),
          ...authErrorResponses,
          404: problemSchema,
          409: problemSchema,
          502: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const { companyId, userId } = request.principal;
      const { shopDomain, accessToken } = request.body;
      const brands = await prisma.brand.findMany({ where: { companyId, ...(request.body.brandId ? { id: request.body.brandId } : {}) }, select: { id: true }, take: 2 });
      if (request.body.brandId && brands.length === 0) throw notFound('Brand', request.body.brandId);
      if (brands.length !== 1) throw new HttpProblem(409, 'The company has several brands: say which one sells through this shop (brandId)');
      const brandId = brands[0]!.id;

      const client = new ShopifyAdminClient({ shopDomain, accessToken, apiVersion: config.shopify.apiVersion, shopUrlTemplate: config.shopify.shopUrlTemplate, maxThrottleWaits: 2 });
      let shop;
      try {
        shop = await client.shop();
      } catch (err) {
        if (err instanceof ShopifyUnauthorizedError) throw new HttpProblem(400, `Shopify refused the access token for ${shopDomain}: check the token and that the app has the read_orders scope`);
        if (err instanceof ShopifyNotFoundError) throw new HttpProblem(400, `There is no Shopify shop at ${shopDomain}`);
        if (err instanceof ShopifyError) throw new HttpProblem(502, `Shopify could not be reached to read the shop: ${err.message}`);
        throw err;
      }
      const credentialId = await store.save({
        companyId,
        brandId,
        integrationType: 'shopify',
        account: { externalAccountId: shopDomain, externalAccountName: shop.name.slice(0, 200) },
        tokens: { accessToken, refreshToken: null, expiresAt: null },
        scopes: ['read_orders'],
      });
      const details = { shopName: shop.name.slice(0, 200), currencyCode: shop.currencyCode, ianaTimezone: shop.ianaTimezone, apiVersion: config.shopify.apiVersion, brandId };
      const connection = await prisma.shopifyConnection.upsert({
        where: { credentialId },
        update: details,
        create: { companyId, credentialId, shopDomain, ...details },
      });
      await schedules.ensure({ companyId, credentialId });
      let sync = null;
      try {
        sync = await startShopifyOrdersSync({ prisma, temporal, taskQueue: config.temporal.taskQueue }, { companyId, credentialId, triggeredById: userId, bulkPollMs: config.shopify.bulkPollMs });
      } catch (err) {
        if (!(err instanceof SyncAlreadyRunningError)) throw err;
      }
      return reply.code(201).send({
        shop: { credentialId, shopDomain, shopName: connection.shopName, currencyCode: connection.currencyCode, ianaTimezone: connection.ianaTimezone, apiVersion: connection.apiVersion, brandId, status: 'active' },
        sync,
      });
    },
  );
};

export default shopifyIntegrationRoutes;
