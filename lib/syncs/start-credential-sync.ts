import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { PrismaClient } from '../db';
import type { SyncType } from '../domain/sync-log';
import { CompanyIdKey, CredentialIdKey, SyncTypeKey } from '../temporal/search-attributes';

export class SyncAlreadyRunningError extends Error {
  override readonly name = 'SyncAlreadyRunningError';
  constructor(
    readonly workflowId: string,
    what: string,
  ) {
    super(`${what} is already running (workflow ${workflowId})`);
  }
}

export interface CredentialSyncStart {
  companyId: string;
  credentialId: string;
  syncType: SyncType;
  triggeredById: string | null;
  workflowType: string;
  /** The credential's one workflow id: a second start while it runs is refused. */
  workflowId: string;
  /** What runs, for the refusal's message ("An orders sync of this shop"). */
  what: string;
  /** The workflow's input; the SyncLog id is added to it. */
  input: Record<string, unknown>;
}

/**
 * Starts a connected account's sync under its one workflow id (with the CompanyId, CredentialId and SyncType search
 * attributes) and records its SyncLog, so the API can answer both ids at once; SyncAlreadyRunningError when a sync
 * of the account runs.
 */
export async function startCredentialSync(deps: { prisma: PrismaClient; temporal: Client; taskQueue: string }, start: CredentialSyncStart): Promise<{ workflowId: string; syncLogId: string }> {
  const syncLogId = randomUUID();
  const { companyId, credentialId, syncType, triggeredById, workflowId } = start;
  try {
    await deps.temporal.workflow.start(start.workflowType, {
      taskQueue: deps.taskQueue,
      workflowId,
      workflowIdConflictPolicy: 'FAIL',
      args: [{ ...start.input, syncLogId }],
      typedSearchAttributes: [
        { key: CompanyIdKey, value: companyId },
        { key: CredentialIdKey, value: credentialId },
        { key: SyncTypeKey, value: syncType },
      ],
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw new SyncAlreadyRunningError(workflowId, start.what);
    throw err;
  }
  // The workflow opens the same SyncLog (idempotently): whichever comes first creates it.
  await deps.prisma.syncLog.upsert({
    where: { id: syncLogId },
    update: {},
    create: { id: syncLogId, companyId, credentialId, syncType, status: 'started', workflowId, triggeredById },
  });
  return { workflowId, syncLogId };
}
