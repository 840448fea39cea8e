import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { KeywordSource } from '../../integrations/file-formats/format';
import type { PrismaClient } from '../db';
import { fileImportWorkflowId } from '../domain/workflow-ids';
import type { StoredFile } from '../storage/file-store';
import { CompanyIdKey, CredentialIdKey, SyncTypeKey } from '../temporal/search-attributes';
import type { fileImportWorkflow } from '../../workflows/file-import';

export interface FileImportRequest {
  companyId: string;
  brandId: string;
  triggeredById: string | null;
  file: StoredFile & { fileName: string };
  source?: KeywordSource | null;
  snapshotDate?: string | null;
  reportDate?: string | null;
  credentialId?: string | null;
}

/** `US_AMAZON_cerebro_B01J26DNWE_2025-11-10.csv` → 2025-11-10: the only place a research export keeps its date. */
export function dateInFileName(fileName: string): string | undefined {
  return /(\d{4}-\d{2}-\d{2})(?!.*\d{4}-\d{2}-\d{2})/.exec(fileName)?.[1];
}

/**
 * Records an import (its SyncLog, which is the import's id) and starts its workflow. The caller has checked
 * that the brand and the credential belong to the company. Used by POST /imports and the import command.
 */
export async function startFileImport(
  deps: { prisma: PrismaClient; temporal: Client; taskQueue: string },
  request: FileImportRequest,
): Promise<{ importId: string; workflowId: string }> {
  const importId = randomUUID();
  const workflowId = fileImportWorkflowId(importId);
  const { file } = request;
  await deps.prisma.syncLog.create({
    data: {
      id: importId,
      companyId: request.companyId,
      brandId: request.brandId,
      credentialId: request.credentialId ?? null,
      syncType: 'csv_upload',
      status: 'started',
      workflowId,
      triggeredById: request.triggeredById,
      fileName: file.fileName.slice(0, 255),
      fileSize: file.size,
      fileKey: file.key,
    },
  });
  await deps.temporal.workflow.start<typeof fileImportWorkflow>('fileImportWorkflow', {
    taskQueue: deps.taskQueue,
    workflowId,
    args: [
      {
        syncLogId: importId,
        companyId: request.companyId,
        brandId: request.brandId,
        triggeredById: request.triggeredById,
        fileKey: file.key,
        fileName: file.fileName,
        fileSize: file.size,
        snapshotDate: request.snapshotDate ?? dateInFileName(file.fileName) ?? new Date().toISOString().slice(0, 10),
        reportDate: request.reportDate ?? null,
        source: request.source ?? null,
        credentialId: request.credentialId ?? null,
      },
    ],
    typedSearchAttributes: [
      { key: CompanyIdKey, value: request.companyId },
      { key: SyncTypeKey, value: 'csv_upload' },
      ...(request.credentialId ? [{ key: CredentialIdKey, value: request.credentialId }] : []),
    ],
  });
  return { importId, workflowId };
}
