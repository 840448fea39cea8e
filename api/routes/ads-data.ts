import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Prisma } from '../../lib/db';
import type { AppDependencies } from '../app';
import { decodeCursor, page, pageQuery } from '../pagination';
import { authErrorResponses } from '../schemas';

// Tenant-scoped reads of what the syncs and imports stored: portfolios, campaigns, ad groups, keyword metrics.

const decimal = z.string().describe('decimal, exact');
const optionalDecimal = decimal.nullable();
const str = (value: { toString(): string } | null) => (value === null ? null : value.toString());
const day = (date: Date | null) => (date === null ? null : date.toISOString().slice(0, 10));

const portfolioSchema = z.object({ id: z.string(), credentialId: z.string(), externalId: z.string(), name: z.string(), state: z.string(), budgetAmount: optionalDecimal, budgetCurrencyCode: z.string().nullable(), budgetPolicy: z.string().nullable() });
const campaignSchema = z.object({
  id: z.string(), credentialId: z.string(), portfolioId: z.string().nullable(), externalId: z.string(), name: z.string(), campaignType: z.string(),
  targetingType: z.string().nullable(), state: z.string(), dailyBudget: optionalDecimal, startDate: z.string().nullable(), endDate: z.string().nullable(),
});
const adGroupSchema = z.object({ id: z.string(), campaignId: z.string(), externalId: z.string(), name: z.string(), state: z.string(), defaultBid: optionalDecimal });
const metricSchema = z.object({
  id: z.string(), date: z.string(), source: z.string(), brandId: z.string().nullable(), portfolioId: z.string().nullable(), campaignId: z.string().nullable(),
  adGroupId: z.string().nullable(), campaignRef: z.string().nullable(), adGroupRef: z.string().nullable(), keyword: z.string(), matchType: z.string().nullable(),
  searchTerm: z.string().nullable(), impressions: z.number().int(), clicks: z.number().int(), spend: decimal, orders: z.number().int(), sales: decimal,
  ctr: optionalDecimal, cpc: optionalDecimal, acos: optionalDecimal, roas: optionalDecimal, conversionRate: optionalDecimal, metadata: z.unknown(),
});

const listOf = <T extends z.ZodTypeAny>(item: T) => ({ 200: z.object({ items: z.array(item), nextCursor: z.string().nullable() }), ...authErrorResponses });
const afterId = (cursor: string | undefined) => (cursor ? { id: { gt: decodeCursor(cursor, 1)[0]! } } : {});

const adsDataRoutes: FastifyPluginAsyncZod<AppDependencies> = async (app, { prisma }) => {
  app.get(
    '/portfolios',
    { schema: { summary: 'Portfolios of the company’s Amazon Ads accounts', tags: ['ads data'], querystring: z.object({ credentialId: z.uuid().optional(), ...pageQuery }), response: listOf(portfolioSchema) } },
    async (request) => {
      const { credentialId, limit, cursor } = request.query;
      const rows = await prisma.adPortfolio.findMany({
        where: { credential: { companyId: request.principal.companyId }, ...(credentialId ? { credentialId } : {}), ...afterId(cursor) },
        orderBy: { id: 'asc' },
        take: limit + 1,
      });
      const result = page(rows, limit, (r) => [r.id]);
      return { ...result, items: result.items.map((r) => ({ ...r, budgetAmount: str(r.budgetAmount) })) };
    },
  );

  app.get(
    '/campaigns',
    {
      schema: {
        summary: 'Campaigns of the company’s Amazon Ads accounts',
        tags: ['ads data'],
        querystring: z.object({ credentialId: z.uuid().optional(), portfolioId: z.uuid().optional(), state: z.enum(['enabled', 'paused', 'archived']).optional(), ...pageQuery }),
        response: listOf(campaignSchema),
      },
    },
    async (request) => {
      const { credentialId, portfolioId, state, limit, cursor } = request.query;
      const rows = await prisma.adCampaign.findMany({
        where: { credential: { companyId: request.principal.companyId }, ...(credentialId ? { credentialId } : {}), ...(portfolioId ? { portfolioId } : {}), ...(state ? { state } : {}), ...afterId(cursor) },
        orderBy: { id: 'asc' },
        take: limit + 1,
      });
      const result = page(rows, limit, (r) => [r.id]);
      return { ...result, items: result.items.map((r) => ({ ...r, dailyBudget: str(r.dailyBudget), startDate: day(r.startDate), endDate: day(r.endDate) })) };
    },
  );

  app.get(
    '/ad-groups',
    { schema: { summary: 'Ad groups of the company’s campaigns', tags: ['ads data'], querystring: z.object({ campaignId: z.uuid().optional(), ...pageQuery }), response: listOf(adGroupSchema) } },
    async (request) => {
      const { campaignId, limit, cursor } = request.query;
      const rows = await prisma.adGroup.findMany({
        where: { campaign: { credential: { companyId: request.principal.companyId } }, ...(campaignId ? { campaignId } : {}), ...afterId(cursor) },
        orderBy: { id: 'asc' },
        take: limit + 1,
      });
      const result = page(rows, limit, (r) => [r.id]);
      return { ...result, items: result.items.map((r) => ({ ...r, defaultBid: str(r.defaultBid) })) };
    },
  );

  app.get(
    '/keyword-metrics',
    {
      schema: {
        summary: 'Daily keyword and search-term metrics, newest day first',
        tags: ['ads data'],
        querystring: z.object({
          from: z.iso.date().optional(),
          to: z.iso.date().optional(),
          brandId: z.uuid().optional(),
          portfolioId: z.uuid().optional(),
          campaignId: z.uuid().optional(),
          keyword: z.string().min(1).max(500).optional().describe('part of the targeting keyword, any case'),
          matchType: z.enum(['exact', 'phrase', 'broad', 'auto', 'product']).optional(),
          source: z.enum(['api', 'csv_amazon', 'csv_helium10', 'csv_zonguru']).optional(),
          ...pageQuery,
        }),
        response: listOf(metricSchema),
      },
    },
    async (request) => {
      const { from, to, brandId, portfolioId, campaignId, keyword, matchType, source, limit, cursor } = request.query;
      const after = cursor ? decodeCursor(cursor, 2) : undefined;
      const where: Prisma.KeywordMetricWhereInput = {
        companyId: request.principal.companyId,
        ...(from || to ? { date: { ...(from ? { gte: new Date(from) } : {}), ...(to ? { lte: new Date(to) } : {}) } } : {}),
        ...(brandId ? { brandId } : {}),
        ...(portfolioId ? { portfolioId } : {}),
        ...(campaignId ? { campaignId } : {}),
        ...(keyword ? { keyword: { contains: keyword, mode: 'insensitive' } } : {}),
        ...(matchType ? { matchType } : {}),
        ...(source ? { source } : {}),
        ...(after ? { AND: [{ OR: [{ date: { lt: new Date(after[0]!) } }, { date: new Date(after[0]!), id: { lt: after[1]! } }] }] } : {}),
      };
      const rows = await prisma.keywordMetric.findMany({ where, orderBy: [{ date: 'desc' }, { id: 'desc' }], take: limit + 1 });
      const result = page(rows, limit, (r) => [day(r.date)!, r.id]);
      return {
        ...result,
        items: result.items.map((r) => ({
          ...r, date: day(r.date)!, spend: r.spend.toString(), sales: r.sales.toString(), ctr: str(r.ctr), cpc: str(r.cpc), acos: str(r.acos),
          roas: str(r.roas), conversionRate: str(r.conversionRate),
        })),
      };
    },
  );
};

export default adsDataRoutes;
