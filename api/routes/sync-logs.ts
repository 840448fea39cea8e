import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Prisma } from '../../lib/db';
import { SYNC_STATUSES, SYNC_TYPES } from '../../lib/domain/sync-log';
import type { AppDependencies } from '../app';
import { HttpProblem, notFound, problemSchema } from '../plugins/problem-details';
import { authErrorResponses, syncLogSchema, uuidParam } from '../schemas';

const listQuery = z.object({
  credentialId: z.uuid().optional(),
  type: z.enum(SYNC_TYPES).optional(),
  status: z.enum(SYNC_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional().describe('nextCursor of the previous page'),
});

/** Opaque keyset cursor over (startedAt DESC, id DESC). */
function encodeCursor(row: { startedAt: Date; id: string }): string {
  return Buffer.from(`${row.startedAt.toISOString()}|${row.id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { startedAt: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const startedAt = new Date(iso ?? '');
  if (!id || Number.isNaN(startedAt.getTime())) {
    throw new HttpProblem(400, 'cursor is not valid: pass the nextCursor value of a previous page unchanged', {
      errors: [{ location: 'querystring.cursor', message: 'not a cursor issued by this API' }],
    });
  }
  return { startedAt, id };
}

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
      const after = cursor ? decodeCursor(cursor) : undefined;
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
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
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
