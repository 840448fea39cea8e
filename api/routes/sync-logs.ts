import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Prisma } from '../../lib/db';
import { SYNC_STATUSES, SYNC_TYPES } from '../../lib/domain/sync-log';
import type { AppDependencies } from '../app';
import { decodeCursor, page } from '../pagination';
import { notFound, problemSchema } from '../plugins/problem-details';
import { authErrorResponses, syncLogSchema, uuidParam } from '../schemas';

const listQuery = z.object({
  credentialId: z.uuid().optional(),
  type: z.enum(SYNC_TYPES).optional(),
  status: z.enum(SYNC_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional().describe('nextCursor of the previous page'),
});

const syncLogRoutes: FastifyPluginAsyncZod<AppDependencies> = async (app, { prisma }) => {
  app.get(
    '/sync-logs',
    {
      schema: {
        summary: "The company's sync, import and cleanup runs, newest first",
        tags: ['sync logs'],
        querystring: listQuery,
        response: { 200: z.object({ items: z.array(syncLogSchema), nextCursor: z.string().nullable() }), ...authErrorResponses },
      },
    },
    async (request) => {
      const { credentialId, type, status, limit, cursor } = request.query;
      const [afterIso, afterId] = cursor ? decodeCursor(cursor, 2) : [];
      const after = afterIso && afterId ? { startedAt: new Date(afterIso), id: afterId } : undefined;
      const where: Prisma.SyncLogWhereInput = {
        companyId: request.principal.companyId,
        ...(credentialId ? { credentialId } : {}),
        ...(type ? { syncType: type } : {}),
        ...(status ? { status } : {}),
        ...(after
          ? { OR: [{ startedAt: { lt: after.startedAt } }, { startedAt: after.startedAt, id: { lt: after.id } }] }
          : {}),
      };
      const rows = await prisma.syncLog.findMany({ where, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }], take: limit + 1 });
      return page(rows, limit, (r) => [r.startedAt.toISOString(), r.id]);
    },
  );

  app.get(
    '/sync-logs/:id',
    {
      schema: {
        summary: 'One run, with its counts and errors',
        tags: ['sync logs'],
        params: uuidParam,
        response: { 200: syncLogSchema, ...authErrorResponses, 404: problemSchema },
      },
    },
    async (request) => {
      const log = await prisma.syncLog.findFirst({ where: { id: request.params.id, companyId: request.principal.companyId } });
      if (!log) throw notFound('Sync log', request.params.id);
      return log;
    },
  );
};

export default syncLogRoutes;
