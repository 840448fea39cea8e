import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Prisma } from '../../lib/db';
import type { AppDependencies } from '../app';
import { decodeCursor, page, pageQuery } from '../pagination';
import { HttpProblem, notFound, problemSchema } from '../plugins/problem-details';
import { authErrorResponses } from '../schemas';

// The brand's own SKUs (what Shopify line items carry as `sku`). The Shopify orders sync creates the codes it sees;
// these routes list them and add codes by hand (e.g. to map ASINs before the first Shopify sync).

export const skuSchema = z
  .object({ id: z.string(), brandId: z.string(), code: z.string(), name: z.string().nullable(), createdAt: z.date(), updatedAt: z.date() })
  .meta({ id: 'SKU' });

const skuCode = z.string().trim().min(1).max(100).describe('the brand’s SKU code, as Shopify line items carry it');

const skuRoutes: FastifyPluginAsyncZod<AppDependencies> = async (app, { prisma }) => {
  app.get(
    '/skus',
    {
      schema: {
        summary: 'SKUs of the company’s brands, by code',
        tags: ['products'],
        querystring: z.object({ brandId: z.uuid().optional(), code: z.string().min(1).max(100).optional().describe('part of the code, any case'), ...pageQuery }),
        response: { 200: z.object({ items: z.array(skuSchema), nextCursor: z.string().nullable() }), ...authErrorResponses, 404: problemSchema },
      },
    },
    async (request) => {
      const { brandId, code, limit, cursor } = request.query;
      if (brandId && !(await prisma.brand.findFirst({ where: { id: brandId, companyId: request.principal.companyId }, select: { id: true } }))) {
        throw notFound('Brand', brandId);
      }
      const after = cursor ? decodeCursor(cursor, 2) : undefined;
      const rows = await prisma.sKU.findMany({
        where: {
          brand: { companyId: request.principal.companyId },
          ...(brandId ? { brandId } : {}),
          ...(code ? { code: { contains: code, mode: 'insensitive' } } : {}),
          ...(after ? { OR: [{ code: { gt: after[0]! } }, { code: after[0]!, id: { gt: after[1]! } }] } : {}),
        },
        orderBy: [{ code: 'asc' }, { id: 'asc' }],
        take: limit + 1,
      });
      return page(rows, limit, (r) => [r.code, r.id]);
    },
  );

  app.post(
    '/skus',
    {
      schema: {
        summary: 'Add a SKU to a brand',
        description: 'A code is unique per brand: a code the brand already has answers 409.',
        tags: ['products'],
        body: z.object({ brandId: z.uuid(), code: skuCode, name: z.string().trim().min(1).max(500).optional() }),
        response: { 201: skuSchema, ...authErrorResponses, 404: problemSchema, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const { brandId, code, name } = request.body;
      const brand = await prisma.brand.findFirst({ where: { id: brandId, companyId: request.principal.companyId }, select: { id: true } });
      if (!brand) throw notFound('Brand', brandId);
      try {
        const sku = await prisma.sKU.create({ data: { brandId, code, name: name ?? null } });
        return reply.code(201).send(sku);
      } catch (err) {
        if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
          throw new HttpProblem(409, `SKU code "${code}" already exists for brand ${brandId}`);
        }
        throw err;
      }
    },
  );
};

export default skuRoutes;
