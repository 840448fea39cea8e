import { ApplicationFailure, Context } from '@temporalio/activity';
import { UnreadableFileError } from '../../integrations/file-formats/csv-reader';
import { FieldError, type FileFormat, type KeywordRow, type KeywordSource, type SalesRow, type SalesSide } from '../../integrations/file-formats/format';
import { FILE_FORMATS, UnknownFileFormatError } from '../../integrations/file-formats/registry';
import { openReport } from '../../integrations/file-formats/report-file';
import { checkRow } from '../../integrations/file-formats/row-schemas';
import type { Pool } from 'pg';
import { Prisma, type PrismaClient } from '../../lib/db';
import type { FileStore } from '../../lib/storage/file-store';
import { derivedMetricsSql } from '../keyword-metrics/derived-metrics';
import { upsertSalesDailySide } from '../sales-daily/upsert-side';
import { mergeKeywordMetricsByCopy } from './copy-merge';
import { createStagingWriter, type Rejection, type StagedRow } from './staging';

export interface ImportFileRef {
  syncLogId: string;
  fileKey: string;
  fileName: string;
}

export interface InspectInput extends ImportFileRef {
  /** The uploader's hint: only formats of this source are considered. */
  source: KeywordSource | null;
  reportDate: string | null;
}

export interface InspectedFile {
  formatId: string;
  formatLabel: string;
  source: KeywordSource;
  target: FileFormat['target'];
  /** For a sales file: which side of SalesDaily it reports. */
  side: SalesSide | null;
}

export interface StageInput extends ImportFileRef {
  formatId: string;
  /** The day keyword-research snapshots (rows without a date) are filed under. */
  snapshotDate: string;
  /** The day a dateless sales report covers, as the uploader said. */
  reportDate: string | null;
  batchSize: number;
}

export interface StageResult {
  staged: number;
  rejected: number;
}

export interface MergeInput {
  syncLogId: string;
  companyId: string;
  brandId: string;
  source: KeywordSource;
  fileName: string;
  /** Link rows to this credential's portfolios, campaigns and ad groups only (else to any of the company's). */
  credentialId: string | null;
}

export interface SalesMergeInput {
  syncLogId: string;
  brandId: string;
  side: SalesSide;
}

export interface MergeResult {
  created: number;
  updated: number;
  unchanged: number;
}

export interface StageCheckpoint {
  rowNumber: number;
  bytesRead: number;
}


class ReportDateRequiredError extends Error {
  override readonly name = 'ReportDateRequiredError';
}

/** A summary row (`Total`, `Grand total` in one of the first cells) is not data: skipped, not rejected. */
function isSummaryRow(cells: string[]): boolean {
  for (let i = 0; i < 3 && i < cells.length; i += 1) {
    const cell = cells[i]!;
    if (cell.length <= 14 && /^\s*(grand\s+)?totals?:?\s*$/i.test(cell)) return true;
  }
  return false;
}

function rowByHeader(headers: string[], cells: string[]): Array<[string, string]> {
  const width = Math.max(headers.length, cells.length);
  return Array.from({ length: width }, (_, i) => [headers[i]?.replace(/^\ufeff/, '').trim() || `column ${i + 1}`, cells[i] ?? '']);
}

/** A PostgreSQL error of this SQLSTATE, as Prisma reports a failed raw query (21000: ON CONFLICT DO UPDATE met a
 * row the same statement wrote; 23505: a unique key broken). */
function isPgError(err: unknown, code: string, message: RegExp): boolean {
  const e = err as { code?: string; meta?: { code?: string }; message?: string };
  return e?.meta?.code === code || e?.code === code || message.test(String(e?.message ?? ''));
}

function asFailure(err: unknown): never {
  if (err instanceof UnknownFileFormatError) throw ApplicationFailure.nonRetryable(err.message, 'UnknownFileFormat');
  if (err instanceof ReportDateRequiredError) throw ApplicationFailure.nonRetryable(err.message, 'ReportDateRequired');
  if (err instanceof UnreadableFileError) throw ApplicationFailure.nonRetryable(err.message, 'UnreadableFile');
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw ApplicationFailure.nonRetryable('The uploaded file is no longer in storage', 'FileMissing');
  throw err;
}

export function createFileImportActivities({ prisma, pool, copy, files }: { prisma: PrismaClient; pool: Pool; copy: boolean; files: FileStore }) {
  const { commitBatch } = createStagingWriter(pool, { copy });

  return {
    /** Detects the file's format from its header row and records it on the SyncLog. */
    async inspectImportFile(input: InspectInput): Promise<InspectedFile> {
      try {
        const formats = input.source ? FILE_FORMATS.filter((f) => f.source === input.source) : FILE_FORMATS;
        const { format } = (await openReport(files.pathOf(input.fileKey), input.fileName, formats)).bound;
        await prisma.syncLog.update({ where: { id: input.syncLogId }, data: { fileFormat: format.id } });
        if (format.target === 'sales_daily' && format.needsReportDate && !input.reportDate) {
          throw new ReportDateRequiredError(
            `${input.fileName} is a ${format.label}. The file has no date column: upload it again with reportDate=YYYY-MM-DD, ` +
              'the single day you selected when downloading it (download one day per file).',
          );
        }
        return {
          formatId: format.id,
          formatLabel: format.label,
          source: format.source,
          target: format.target,
          side: format.target === 'sales_daily' ? format.side : null,
        };
      } catch (err) {
        return asFailure(err);
      }
    },

    /**
     * Streams the file, validates and maps each row, and stages good rows and rejects batch by batch. A retried
     * attempt resumes after the last committed batch (the staged and rejected rows say which row that was).
     */
    async stageImportRows(input: StageInput): Promise<StageResult> {
      const context = Context.current();
      try {
        const report = await openReport(files.pathOf(input.fileKey), input.fileName, FILE_FORMATS.filter((f) => f.id === input.formatId));
        const { bound } = report;
        const [last] = await prisma.$queryRaw<{ row: number | null }[]>`
          SELECT greatest((SELECT max("rowNumber") FROM "ImportStagedKeywordMetric" WHERE "syncLogId" = ${input.syncLogId}),
                          (SELECT max("rowNumber") FROM "ImportStagedSalesDaily" WHERE "syncLogId" = ${input.syncLogId}),
                          (SELECT max("rowNumber") FROM "ImportRejectedRow" WHERE "syncLogId" = ${input.syncLogId})) AS row`;
        const resumeAfter = Math.max(last?.row ?? 0, bound.headerLine);
        const mapping = { snapshotDate: input.snapshotDate, reportDate: input.reportDate };

        let rows: StagedRow[] = [];
        let rejects: Rejection[] = [];
        let bytesRead = 0;
        let lastRow = resumeAfter;
        // One batch is written while the next is parsed (the database and the parser each get a core); the
        // heartbeat names a row only once its batch is committed.
        let writing: Promise<void> = Promise.resolve();
        const flush = async () => {
          if (rows.length + rejects.length === 0) return;
          const batch = { rows, rejects, checkpoint: { rowNumber: lastRow, bytesRead } satisfies StageCheckpoint };
          rows = [];
          rejects = [];
          await writing;
          writing = commitBatch(input.syncLogId, bound.format.target, batch.rows, batch.rejects).then(() => context.heartbeat(batch.checkpoint));
          writing.catch(() => undefined); // awaited at the next flush; not an unhandled rejection meanwhile
        };
        for await (const batch of report.batches()) {
          for (const { rowNumber, cells, bytesRead: read } of batch) {
            if (rowNumber <= resumeAfter) continue;
            if (context.cancellationSignal.aborted) throw context.cancellationSignal.reason;
            bytesRead = read;
            lastRow = rowNumber;
            if (isSummaryRow(cells)) continue;
            try {
              const row = bound.format.mapRow(bound.cells(cells), mapping) as StagedRow;
              const problem = checkRow(bound.format.target, row);
              if (problem) throw new FieldError(problem.field, bound.cells(cells).get(problem.field) ?? problem.value, problem.reason);
              row.rowNumber = rowNumber;
              rows.push(row);
            } catch (err) {
              if (!(err instanceof FieldError)) throw err;
              const column = bound.headerOf(err.field);
              rejects.push({
                rowNumber,
                column,
                value: err.value === undefined || err.value === null ? null : String(err.value),
                reason: `${column} ${err.message}`,
                row: rowByHeader(bound.headers, cells),
              });
            }
            if (rows.length + rejects.length >= input.batchSize) await flush();
          }
        }
        await flush();
        await writing;
        const [counts] = await prisma.$queryRaw<{ staged: bigint; rejected: bigint }[]>`
          SELECT (SELECT count(*) FROM "ImportStagedKeywordMetric" WHERE "syncLogId" = ${input.syncLogId})
                 + (SELECT count(*) FROM "ImportStagedSalesDaily" WHERE "syncLogId" = ${input.syncLogId}) AS staged,
                 (SELECT count(*) FROM "ImportRejectedRow" WHERE "syncLogId" = ${input.syncLogId}) AS rejected`;
        return { staged: Number(counts?.staged ?? 0), rejected: Number(counts?.rejected ?? 0) };
      } catch (err) {
        return asFailure(err);
      }
    },

    /**
     * Moves the staged rows into KeywordMetric in one transaction: aggregated by identity (a key that occurs
     * twice in a file adds up, never last-wins), linked to the tenant's portfolios, campaigns and ad groups by
     * name, rates derived, upserted in place. Counts rows created, updated (values changed) and unchanged.
     */
    async mergeImportedKeywordMetrics(input: MergeInput): Promise<MergeResult> {
      if (copy) {
        const created = await mergeKeywordMetricsByCopy(pool, input);
        if (created !== null) return { created, updated: 0, unchanged: 0 };
      }
      const derived = derivedMetricsSql('r');
      const credentialFilter = input.credentialId ? Prisma.sql`ic."id" = ${input.credentialId}` : Prisma.sql`true`;
      // The tenant's portfolios, campaigns and ad groups by name (the oldest wins a tie): few rows, joined by hash.
      const links = Prisma.sql`
            portfolios AS (
              SELECT DISTINCT ON (ap."name") ap."name", ap."id"
              FROM "AdPortfolio" ap JOIN "IntegrationCredential" ic ON ic."id" = ap."credentialId"
              WHERE ic."companyId" = ${input.companyId} AND ${credentialFilter}
              ORDER BY ap."name", ap."createdAt"
            ),
            campaigns AS (
              SELECT DISTINCT ON (ac."name") ac."name", ac."id"
              FROM "AdCampaign" ac JOIN "IntegrationCredential" ic ON ic."id" = ac."credentialId"
              WHERE ic."companyId" = ${input.companyId} AND ${credentialFilter}
              ORDER BY ac."name", ac."createdAt"
            ),
            ad_groups AS (
              SELECT DISTINCT ON (ag."campaignId", ag."name") ag."campaignId", ag."name", ag."id"
              FROM "AdGroup" ag WHERE ag."campaignId" IN (SELECT "id" FROM campaigns)
              ORDER BY ag."campaignId", ag."name", ag."createdAt"
            )`;
      const insert = (rows: Prisma.Sql) => Prisma.sql`
              INSERT INTO "KeywordMetric" AS k
                ("id", "companyId", "brandId", "portfolioId", "campaignId", "adGroupId", "campaignRef", "adGroupRef", "keyword",
                 "matchType", "searchTerm", "date", "impressions", "clicks", "ctr", "spend", "cpc", "orders", "sales", "roas",
                 "conversionRate", "acos", "source", "sourceFileName", "metadata", "updatedAt")
              SELECT gen_random_uuid(), ${input.companyId}, ${input.brandId}, r."portfolioId", r."campaignId", r."adGroupId",
                     r."campaignRef", r."adGroupRef", r."keyword", r."matchType", r."searchTerm", r."date", r."impressions", r."clicks",
                     ${derived.ctr}, r."spend", ${derived.cpc}, r."orders", r."sales", ${derived.roas}, ${derived.conversionRate},
                     ${derived.acos}, ${input.source}, ${input.fileName.slice(0, 255)}, r."metadata", now()
              FROM (
                SELECT a.*, p."id" AS "portfolioId", c."id" AS "campaignId", g."id" AS "adGroupId"
                FROM ${rows} a
                LEFT JOIN portfolios p ON p."name" = a."portfolioName"
                LEFT JOIN campaigns c ON c."name" = a."campaignRef"
                LEFT JOIN ad_groups g ON g."campaignId" = c."id" AND g."name" = a."adGroupRef"
              ) r`;
      const upsert = (rows: Prisma.Sql) => Prisma.sql`${insert(rows)}
              ON CONFLICT ("companyId", "brandId", "source", "date", "campaignRef", "adGroupRef", "keyword", "matchType", "searchTerm")
              DO UPDATE SET "portfolioId" = coalesce(EXCLUDED."portfolioId", k."portfolioId"),
                            "campaignId" = coalesce(EXCLUDED."campaignId", k."campaignId"),
                            "adGroupId" = coalesce(EXCLUDED."adGroupId", k."adGroupId"),
                            "impressions" = EXCLUDED."impressions", "clicks" = EXCLUDED."clicks", "ctr" = EXCLUDED."ctr",
                            "spend" = EXCLUDED."spend", "cpc" = EXCLUDED."cpc", "orders" = EXCLUDED."orders", "sales" = EXCLUDED."sales",
                            "roas" = EXCLUDED."roas", "conversionRate" = EXCLUDED."conversionRate", "acos" = EXCLUDED."acos",
                            "sourceFileName" = EXCLUDED."sourceFileName", "metadata" = EXCLUDED."metadata", "updatedAt" = now()
              WHERE (k."impressions", k."clicks", k."spend", k."orders", k."sales", k."metadata", k."portfolioId", k."campaignId", k."adGroupId")
                    IS DISTINCT FROM
                    (EXCLUDED."impressions", EXCLUDED."clicks", EXCLUDED."spend", EXCLUDED."orders", EXCLUDED."sales", EXCLUDED."metadata",
                     coalesce(EXCLUDED."portfolioId", k."portfolioId"), coalesce(EXCLUDED."campaignId", k."campaignId"),
                     coalesce(EXCLUDED."adGroupId", k."adGroupId"))
              RETURNING (xmax = 0) AS inserted`;
      return prisma.$transaction(
        async (tx) => {
          await tx.$executeRaw`SET LOCAL work_mem = '256MB'`;
          // Most files hold each identity once: then the staged rows go in as they are, read once, with no sort or
          // aggregate. When the tenant has no rows of this source in the file's dates yet (a first import), they are
          // plainly inserted: a repeated identity (or another import's rows committed meanwhile) breaks the unique
          // key, and the rows are added up by identity instead. Otherwise they are upserted: a repeated identity whose
          // first row was inserted or updated makes that INSERT fail ("cannot affect row a second time"); one whose
          // first row was left unchanged does not, so when rows were left unchanged the staged rows are checked for
          // repeats. Each failure goes back to the savepoint, and the rows are added up by identity.
          const staged = Prisma.sql`(SELECT * FROM "ImportStagedKeywordMetric" WHERE "syncLogId" = ${input.syncLogId})`;
          const [shape] = await tx.$queryRaw<{ rows: bigint; stored: boolean }[]>`
            WITH s AS (SELECT count(*) AS rows, min("date") AS first, max("date") AS last FROM ${staged} r)
            SELECT s.rows, EXISTS (
                     SELECT 1 FROM "KeywordMetric" k
                     WHERE k."companyId" = ${input.companyId} AND k."date" BETWEEN s.first AND s.last
                       AND k."source" = ${input.source} AND k."brandId" IS NOT DISTINCT FROM ${input.brandId}
                   ) AS stored
            FROM s`;
          const identities = shape?.rows ?? 0n;
          let result: { created: bigint; updated: bigint; identities: bigint } | undefined;
          let repeated = false;
          await tx.$executeRaw`SAVEPOINT "as_staged"`;
          if (!shape?.stored) {
            try {
              const inserted = await tx.$executeRaw`WITH ${links} ${insert(staged)}`;
              result = { created: BigInt(inserted), updated: 0n, identities };
            } catch (err) {
              if (!isPgError(err, '23505', /duplicate key value violates unique constraint/)) throw err;
              repeated = true;
            }
          } else {
            try {
              [result] = await tx.$queryRaw<{ created: bigint; updated: bigint; identities: bigint }[]>`
                WITH ${links}, upserted AS (${upsert(staged)})
                SELECT count(*) FILTER (WHERE inserted) AS created, count(*) FILTER (WHERE NOT inserted) AS updated,
                       ${identities}::bigint AS identities
                FROM upserted`;
              if (result && Number(result.identities) > Number(result.created) + Number(result.updated)) {
                const [check] = await tx.$queryRaw<{ repeated: boolean }[]>`
                  SELECT EXISTS (
                    SELECT 1 FROM "ImportStagedKeywordMetric" WHERE "syncLogId" = ${input.syncLogId}
                    GROUP BY "date", "campaignRef", "adGroupRef", "keyword", "matchType", "searchTerm" HAVING count(*) > 1
                  ) AS repeated`;
                repeated = check?.repeated === true;
              }
            } catch (err) {
              if (!isPgError(err, '21000', /cannot affect row a second time/)) throw err;
              repeated = true;
            }
          }
          if (repeated) {
            await tx.$executeRaw`ROLLBACK TO SAVEPOINT "as_staged"`;
            [result] = await tx.$queryRaw<{ created: bigint; updated: bigint; identities: bigint }[]>`
              WITH aggregated AS (
                -- Input sorted by row within each identity, so later rows' metadata keys win (the aggregate reads its
                -- input in this order); a plain sort is much cheaper than an ordered aggregate per group.
                SELECT "date", "campaignRef", "adGroupRef", "keyword", "matchType", "searchTerm",
                       max("portfolioName") AS "portfolioName",
                       sum("impressions")::int AS "impressions", sum("clicks")::int AS "clicks", sum("spend") AS "spend",
                       sum("orders")::int AS "orders", sum("sales") AS "sales", jsonb_merge_agg("metadata") AS "metadata"
                FROM (
                  SELECT * FROM "ImportStagedKeywordMetric" WHERE "syncLogId" = ${input.syncLogId}
                  ORDER BY "date", "campaignRef", "adGroupRef", "keyword", "matchType", "searchTerm", "rowNumber"
                ) staged
                GROUP BY "date", "campaignRef", "adGroupRef", "keyword", "matchType", "searchTerm"
              ),
              ${links},
              upserted AS (${upsert(Prisma.sql`aggregated`)})
              SELECT count(*) FILTER (WHERE inserted) AS created, count(*) FILTER (WHERE NOT inserted) AS updated,
                     (SELECT count(*) FROM aggregated) AS identities
              FROM upserted`;
          }
          await tx.$executeRaw`DELETE FROM "ImportStagedKeywordMetric" WHERE "syncLogId" = ${input.syncLogId}`;
          const created = Number(result?.created ?? 0);
          const updated = Number(result?.updated ?? 0);
          await tx.syncLog.update({ where: { id: input.syncLogId }, data: { recordsCreated: created, recordsUpdated: updated } });
          return { created, updated, unchanged: Number(result?.identities ?? 0) - created - updated };
        },
        { timeout: 30 * 60 * 1000, maxWait: 60 * 1000 },
      );
    },

    /**
     * Moves a sales file's staged rows into one side of SalesDaily in one transaction; organic follows in the
     * database. Counts (asin, day) rows created, updated (values changed) and unchanged.
     */
    async mergeImportedSalesDaily(input: SalesMergeInput): Promise<MergeResult> {
      return prisma.$transaction(
        async (tx) => {
          const staged = Prisma.sql`SELECT "date", "asin", "sku", "sales", "units" FROM "ImportStagedSalesDaily" WHERE "syncLogId" = ${input.syncLogId}`;
          const result = await upsertSalesDailySide(tx, input.brandId, input.side, staged);
          await tx.$executeRaw`DELETE FROM "ImportStagedSalesDaily" WHERE "syncLogId" = ${input.syncLogId}`;
          await tx.syncLog.update({ where: { id: input.syncLogId }, data: { recordsCreated: result.created, recordsUpdated: result.updated } });
          return { created: result.created, updated: result.updated, unchanged: result.identities - result.created - result.updated };
        },
        { timeout: 30 * 60 * 1000, maxWait: 60 * 1000 },
      );
    },

    /** Drops what a failed import staged, so nothing of it lingers. */
    async discardStagedRows(input: { syncLogId: string }): Promise<void> {
      await prisma.$executeRaw`DELETE FROM "ImportStagedKeywordMetric" WHERE "syncLogId" = ${input.syncLogId}`;
      await prisma.$executeRaw`DELETE FROM "ImportStagedSalesDaily" WHERE "syncLogId" = ${input.syncLogId}`;
    },

    /** The first rejected rows, for the SyncLog's errorDetails. */
    async firstRejections(input: { syncLogId: string; limit: number }) {
      const rows = await prisma.importRejectedRow.findMany({
        where: { syncLogId: input.syncLogId },
        orderBy: { rowNumber: 'asc' },
        take: input.limit,
        select: { rowNumber: true, column: true, value: true, reason: true },
      });
      return rows;
    },
  };
}

export type FileImportActivities = ReturnType<typeof createFileImportActivities>;
