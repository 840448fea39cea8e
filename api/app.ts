import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../lib/config';
import type { PrismaClient } from '../lib/db';
import type { Logger } from '../lib/logger';
import authentication from './plugins/authentication';
import problemDetails from './plugins/problem-details';
import adsDataRoutes from './routes/ads-data';
import asinSkuMappingRoutes from './routes/asin-sku-mappings';
import healthRoutes from './routes/health';
import importRoutes from './routes/imports';
import integrationRoutes from './routes/integrations';
import notificationRoutes from './routes/notifications';
import retentionRunRoutes from './routes/retention-runs';
import salesRoutes from './routes/sales';
import shopifyIntegrationRoutes from './routes/shopify-integrations';
import skuRoutes from './routes/skus';
import syncLogRoutes from './routes/sync-logs';

export interface AppDependencies {
  prisma: PrismaClient;
  temporal: Client;
  config: Config;
}

export async function buildApp(deps: AppDependencies & { logger: Logger }): Promise<FastifyInstance> {
  const { logger, ...dependencies } = deps;
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(problemDetails);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Amazon Ads ingestion engine API',
        version: '0.1.0',
        description: 'Starts ingestion workflows and serves their results. Every route but /health needs a bearer API token.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes, dependencies);
  await app.register(async (tenantScoped) => {
    await tenantScoped.register(authentication, { prisma: dependencies.prisma });
    await tenantScoped.register(retentionRunRoutes, dependencies);
    await tenantScoped.register(syncLogRoutes, dependencies);
    await tenantScoped.register(notificationRoutes, dependencies);
    await tenantScoped.register(importRoutes, dependencies);
    await tenantScoped.register(integrationRoutes, dependencies);
    await tenantScoped.register(shopifyIntegrationRoutes, dependencies);
    await tenantScoped.register(adsDataRoutes, dependencies);
    await tenantScoped.register(skuRoutes, dependencies);
    await tenantScoped.register(asinSkuMappingRoutes, dependencies);
    await tenantScoped.register(salesRoutes, dependencies);
  });
  return app;
}
