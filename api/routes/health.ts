import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDependencies } from '../app';

const componentStatus = z.object({ status: z.enum(['ok', 'unavailable']), detail: z.string().optional() });
const healthSchema = z.object({ status: z.enum(['ok', 'degraded']), database: componentStatus, temporal: componentStatus });

async function probe(check: () => Promise<unknown>): Promise<z.infer<typeof componentStatus>> {
  try {
    await check();
    return { status: 'ok' };
  } catch (err) {
    return { status: 'unavailable', detail: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
}

const healthRoutes: FastifyPluginAsyncZod<AppDependencies> = async (app, { prisma, temporal }) => {
  app.get(
    '/health',
    {
      schema: {
        summary: 'Whether the database and the Temporal server are reachable',
        tags: ['operations'],
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (_request, reply) => {
      const [database, temporalStatus] = await Promise.all([
        probe(() => prisma.$queryRaw`SELECT 1`),
        probe(() => temporal.connection.withDeadline(Date.now() + 3000, () => temporal.workflowService.getSystemInfo({}))),
      ]);
      const healthy = database.status === 'ok' && temporalStatus.status === 'ok';
      return reply.code(healthy ? 200 : 503).send({ status: healthy ? 'ok' : 'degraded', database, temporal: temporalStatus });
    },
  );
};

export default healthRoutes;
