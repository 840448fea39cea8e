import path from 'node:path';
import { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import { defaultPayloadConverter } from '@temporalio/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { startFileImport } from '../../lib/imports/start-file-import';
import { FileStore, FileTooLargeError, type StoredFile } from '../../lib/storage/file-store';
import { fileImportProgressQuery } from '../../workflows/file-import';
import type { AppDependencies } from '../app';
import { HttpProblem, notFound, problemSchema } from '../plugins/problem-details';
import { authErrorResponses, syncLogSchema, uuidParam } from '../schemas';

const ACCEPTED_EXTENSIONS = ['.csv', '.tsv', '.txt', '.xlsx'];

const startedSchema = z.object({ importId: z.uuid(), workflowId: z.string() });
const importSchema = z.object({
  importId: z.string(),
  status: z.string(),
  phase: z.string().nullable(),
  format: z.string().nullable(),
  percent: z.number().nullable(),
  rowsProcessed: z.number().int(),
  rowsOk: z.number().int(),
  rowsRejected: z.number().int(),
  syncLog: syncLogSchema,
});

const uploadFieldsSchema = z.object({
  brandId: z.uuid(),
  source: z.enum(['csv_amazon', 'csv_helium10', 'csv_zonguru']).optional(),
  snapshotDate: z.iso.date().optional(),
  reportDate: z.iso.date().optional(),
  credentialId: z.uuid().optional(),
});

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const importRoutes: FastifyPluginAsyncZod<AppDependencies> = async (app, { prisma, temporal, config }) => {
  const files = new FileStore(config.uploads.dir);
  await app.register(multipart, { limits: { fileSize: config.uploads.maxBytes, files: 1, fields: 10 } });

  app.post(
    '/imports',
    {
      schema: {
        summary: 'Upload a report file to import (multipart/form-data)',
        description:
          'Fields: `file` (CSV or XLSX: Amazon Ads console Sponsored Products search term, targeting and advertised product ' +
          'reports; Amazon Business Reports by child item and by date; Helium 10 Cerebro, Magnet and Keyword Tracker; ZonGuru ' +
          'Keywords on Fire), `brandId`; optional `source` (csv_amazon, csv_helium10 or csv_zonguru: only that source\'s formats ' +
          'are considered; default: detected from the header row), `reportDate` (YYYY-MM-DD, required for a Business Report by ' +
          'child item, which has no date column: the single day it covers), `snapshotDate` (YYYY-MM-DD, the day a ' +
          'keyword-research export is filed under; default: a date in the file name, else today), `credentialId` (link rows ' +
          'only to that Amazon Ads account\'s campaigns). Answers at once; follow GET /imports/{importId}.',
        tags: ['imports'],
        consumes: ['multipart/form-data'],
        response: { 202: startedSchema, ...authErrorResponses, 404: problemSchema, 413: problemSchema, 415: problemSchema },
      },
    },
    async (request, reply) => {
      const { companyId, userId } = request.principal;
      if (!request.isMultipart()) throw new HttpProblem(415, 'Send the file as multipart/form-data with the field "file"');
      const fields: Record<string, string> = {};
      let stored: (StoredFile & { fileName: string }) | undefined;
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          fields[part.fieldname] = String(part.value);
          continue;
        }
        const fileName = path.basename(part.filename || 'upload.csv');
        if (!ACCEPTED_EXTENSIONS.includes(path.extname(fileName).toLowerCase())) {
          part.file.resume();
          throw new HttpProblem(415, `${fileName}: only ${ACCEPTED_EXTENSIONS.join(', ')} files can be imported`);
        }
        try {
          stored = { ...(await files.save(part.file, config.uploads.maxBytes)), fileName };
        } catch (err) {
          if (err instanceof FileTooLargeError) throw new HttpProblem(413, `${fileName}: ${err.message}`);
          throw err;
        }
      }
      if (!stored) throw new HttpProblem(400, 'No file: send it in the multipart field "file"');
      if (stored.size === 0) throw new HttpProblem(400, `${stored.fileName} is empty`);

      const parsed = uploadFieldsSchema.safeParse(fields);
      if (!parsed.success) {
        const errors = parsed.error.issues.map((i) => ({ location: `body.${i.path.join('.')}`, message: i.message }));
        throw new HttpProblem(400, `Invalid request: ${errors.map((e) => `${e.location}: ${e.message}`).join('; ')}`, { errors });
      }
      const { brandId, credentialId, ...options } = parsed.data;
      const brand = await prisma.brand.findFirst({ where: { id: brandId, companyId } });
      if (!brand) throw notFound('Brand', brandId);
      if (credentialId && !(await prisma.integrationCredential.findFirst({ where: { id: credentialId, companyId } }))) {
        throw notFound('Credential', credentialId);
      }
      const { importId, workflowId } = await startFileImport(
        { prisma, temporal, taskQueue: config.temporal.taskQueue },
        { companyId, brandId, triggeredById: userId, file: stored, credentialId, ...options },
      );
      return reply.code(202).send({ importId, workflowId });
    },
  );

  app.get(
    '/imports/:id',
    {
      schema: {
        summary: 'An import with its progress: phase, percent of the file read, rows ok and rejected',
        tags: ['imports'],
        params: uuidParam,
        response: { 200: importSchema, ...authErrorResponses, 404: problemSchema },
      },
    },
    async (request) => {
      const log = await prisma.syncLog.findFirst({ where: { id: request.params.id, companyId: request.principal.companyId, syncType: 'csv_upload' } });
      if (!log) throw notFound('Import', request.params.id);
      let phase: string | null = log.status;
      let percent: number | null = log.status === 'started' ? 0 : 100;
      if (log.status === 'started' && log.workflowId) {
        try {
          const handle = temporal.workflow.getHandle(log.workflowId);
          phase = (await handle.query(fileImportProgressQuery)).phase;
          const pending = (await handle.describe()).raw.pendingActivities ?? [];
          const payload = pending.find((a) => a.activityType?.name === 'stageImportRows')?.heartbeatDetails?.payloads?.[0];
          const checkpoint = payload ? defaultPayloadConverter.fromPayload<{ bytesRead: number }>(payload) : undefined;
          if (phase === 'merging') percent = 100;
          // An XLSX workbook is unpacked before its rows come: its bytes are all read early, so parsing shows at most 99.
          else if (checkpoint && log.fileSize) percent = Math.min(99, Math.round((checkpoint.bytesRead / log.fileSize) * 1000) / 10);
        } catch (err) {
          request.log.warn({ err, workflowId: log.workflowId }, 'could not read import progress from Temporal');
        }
      }
      return {
        importId: log.id,
        status: log.status,
        phase,
        format: log.fileFormat,
        percent,
        rowsProcessed: log.recordsProcessed,
        rowsOk: log.recordsProcessed - log.recordsFailed,
        rowsRejected: log.recordsFailed,
        syncLog: log,
      };
    },
  );

  app.get(
    '/imports/:id/rejects',
    {
      schema: {
        summary: 'Every rejected row of an import, as CSV: the row as it was, with its row number, column and reason',
        tags: ['imports'],
        params: uuidParam,
        produces: ['text/csv'],
        response: { 200: z.string().describe('CSV'), ...authErrorResponses, 404: problemSchema },
      },
    },
    async (request, reply) => {
      const log = await prisma.syncLog.findFirst({ where: { id: request.params.id, companyId: request.principal.companyId, syncType: 'csv_upload' } });
      if (!log) throw notFound('Import', request.params.id);
      const first = await prisma.importRejectedRow.findFirst({ where: { syncLogId: log.id }, orderBy: { rowNumber: 'asc' } });
      const columns = first ? (first.row as Array<[string, string]>).map(([header]) => header) : [];
      async function* lines() {
        yield `${['row', 'column', 'reason', ...columns].map(csvCell).join(',')}\r\n`;
        let after = 0;
        for (;;) {
          const page = await prisma.importRejectedRow.findMany({
            where: { syncLogId: log!.id, rowNumber: { gt: after } },
            orderBy: { rowNumber: 'asc' },
            take: 1000,
          });
          for (const reject of page) {
            const cells = (reject.row as Array<[string, string]>).map(([, cell]) => cell);
            yield `${[reject.rowNumber, reject.column, reject.reason, ...cells].map(csvCell).join(',')}\r\n`;
          }
          if (page.length < 1000) return;
          after = page.at(-1)!.rowNumber;
        }
      }
      const base = (log.fileName ?? 'import').replace(/\.[^.]+$/, '');
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${base.replace(/[^\w.-]+/g, '_')}-rejected-rows.csv"`)
        // A stream is sent as is (Fastify does not serialize streams); the schema above documents it as text.
        .send(Readable.from(lines()) as unknown as string);
    },
  );
};

export default importRoutes;
