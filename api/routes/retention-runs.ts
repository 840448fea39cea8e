import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { retentionPolicyFrom } from '../../lib/config';
import { retentionWorkflowId } from '../../lib/domain/workflow-ids';
import { CompanyIdKey, SyncTypeKey } from '../../lib/temporal/search-attributes';
import type { retentionCleanupWorkflow } from '../../workflows/retention-cleanup';
import type { AppDependencies } from '../app';
import { HttpProblem, problemSchema } from '../plugins/problem-details';
import { authErrorResponses } from '../schemas';

const startedSchema = z.object({ workflowId: z.string(), runId: z.string(), syncLogId: z.uuid() });

const retentionRunRoutes: FastifyPluginAsyncZod<AppDependencies> = async (app, { prisma, temporal, config }) => {
  app.post(
    '/retention-runs',
    {
      schema: {
        summary: "Start a retention cleanup of the caller's company now",
        description:
          'Deletes keyword metrics, sync logs and read or dismissed notifications older than the configured retention windows, ' +
          'for the caller’s company only. Answers at once; follow the run with GET /sync-logs/{syncLogId}.',
        tags: ['retention'],
        response: { 202: startedSchema, ...authErrorResponses, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const { companyId, userId } = request.principal;
      const syncLogId = randomUUID();
      const workflowId = retentionWorkflowId(companyId);
      let handle;
      try {
        handle = await temporal.workflow.start<typeof retentionCleanupWorkflow>('retentionCleanupWorkflow', {
          taskQueue: config.temporal.taskQueue,
          workflowId,
          workflowIdConflictPolicy: 'FAIL',
          args: [{ syncLogId, companyId, triggeredById: userId, policy: retentionPolicyFrom(config) }],
          typedSearchAttributes: [
            { key: CompanyIdKey, value: companyId },
            { key: SyncTypeKey, value: 'retention_cleanup' },
          ],
        });
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) {
          throw new HttpProblem(409, `A retention cleanup is already running for this company (workflow ${workflowId})`);
        }
        throw err;
      }
      // The workflow creates the same row if it gets there first; creating it here makes the id readable at once.
      await prisma.syncLog.upsert({
        where: { id: syncLogId },
        update: {},
        create: { id: syncLogId, companyId, syncType: 'retention_cleanup', status: 'started', workflowId, triggeredById: userId },
      });
      return reply.code(202).send({ workflowId, runId: handle.firstExecutionRunId, syncLogId });
    },
  );
};

export default retentionRunRoutes;
