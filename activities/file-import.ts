import { ApplicationFailure, Context } from '@temporalio/activity';
import { inspectCsv, readCsvRows, UnreadableFileError, type CsvShape } from '../integrations/file-formats/csv-reader';
import { FieldError, type KeywordRow, type KeywordSource } from '../integrations/file-formats/format';
import { normalizeHeader } from '../integrations/file-formats/headers';
import { detectFormat, FILE_FORMATS, UnknownFileFormatError, type BoundFormat } from '../integrations/file-formats/registry';
import { Prisma, type PrismaClient } from '../lib/db';
import type { FileStore } from '../lib/storage/file-store';
import { derivedMetricsSql } from './keyword-metrics/derived-metrics';

export interface ImportFileRef {
  syncLogId: string;
  fileKey: string;
  fileName: string;
}

export interface InspectedFile {
  formatId: string;
  source: KeywordSource;
  formatLabel: string;
}

export interface StageInput extends ImportFileRef {
  formatId: string;
  /** The day keyword-research snapshots (rows without a date) are filed under. */
  snapshotDate: string;
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

const HEADER_SCAN_ROWS = 10;

interface Rejection {
  rowNumber: number;
  column: string | null;
  value: string | null;
  reason: string;
  /** The row as it was: [header, cell] pairs in the file's order (a JSON object would lose the order in jsonb). */
  row: Array<[string, string]>;
}

async function openFormat(files: FileStore, ref: ImportFileRef, formatId?: string): Promise<{ shape: CsvShape; bound: BoundFormat }> {
  const path = files.pathOf(ref.fileKey);
  const shape = await inspectCsv(path, ref.fileName);
  const firstRows: string[][] = [];
  for await (const row of readCsvRows(path, shape)) {
    firstRows.push(row.cells);
    if (firstRows.length >= HEADER_SCAN_ROWS) break;
  }
  const formats = formatId ? FILE_FORMATS.filter((f) => f.id === formatId) : FILE_FORMATS;
  return { shape, bound: detectFormat(firstRows, ref.fileName, formats) };
}

/** A summary row (`Total`, `Grand total` in one of the first cells) is not data: skipped, not rejected. */
function isSummaryRow(cells: string[]): boolean {
  return cells.slice(0, 3).some((cell) => /^(grand )?totals?:?$/.test(normalizeHeader(cell)));
}

function rowByHeader(headers: string[], cells: string[]): Array<[string, string]> {
  const width = Math.max(headers.length, cells.length);
  return Array.from({ length: width }, (_, i) => [headers[i]?.replace(/^\ufeff/, '').trim() || `column ${i + 1}`, cells[i] ?? '']);
}

function asFailure(err: unknown): never {
  if (err instanceof UnknownFileFormatError) throw ApplicationFailure.nonRetryable(err.message, 'UnknownFileFormat');
  if (err instanceof UnreadableFileError) throw ApplicationFailure.nonRetryable(err.message, 'UnreadableFile');
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw ApplicationFailure.nonRetryable('The uploaded file is no longer in storage', 'FileMissing');
  throw err;
}

export function createFileImportActivities({ prisma, files }: { prisma: PrismaClient; files: FileStore }) {
  /** Writes one batch of staged rows and rejects, and moves the SyncLog counters, in one transaction. */
  async function commitBatch(syncLogId: string, rows: Array<KeywordRow & { rowNumber: number }>, rejects: Rejection[]): Promise<void> {
    const column = <T>(pick: (r: KeywordRow & { rowNumber: number }) => T) => rows.map(pick);
    await prisma.$transaction([
      prisma.$executeRaw`
        INSERT INTO "ImportStagedKeywordMetric"
          ("syncLogId", "rowNumber", "date", "portfolioName", "campaignRef", "adGroupRef", "keyword", "matchType", "searchTerm",
           "impressions", "clicks", "spend", "orders", "sales", "metadata")
        SELECT ${syncLogId}, r.* FROM unnest(
          ${column((r) => r.rowNumber)}::int[], ${column((r) => r.date)}::date[], ${column((r) => r.portfolioName)}::text[],
          ${column((r) => r.campaignName)}::text[], ${column((r) => r.adGroupName)}::text[], ${column((r) => r.keyword)}::text[],
          ${column((r) => r.matchType)}::text[], ${column((r) => r.searchTerm)}::text[], ${column((r) => r.impressions)}::bigint[],
          ${column((r) => r.clicks)}::bigint[], ${column((r) => r.spend)}::numeric[], ${column((r) => r.orders)}::bigint[],
          ${column((r) => r.sales)}::numeric[], ${column((r) => JSON.stringify(r.metadata))}::jsonb[]
        ) AS r
        ON CONFLICT DO NOTHING`,
      prisma.importRejectedRow.createMany({
        data: rejects.map((r) => ({ syncLogId, rowNumber: r.rowNumber, column: r.column, value: r.value, reason: r.reason, row: r.row })),
        skipDuplicates: true,
      }),
      prisma.$executeRaw`
        UPDATE "SyncLog" SET "recordsProcessed" = "recordsProcessed" + ${rows.length + rejects.length},
                             "recordsFailed" = "recordsFailed" + ${rejects.length}
        WHERE "id" = ${syncLogId}`,
    ]);
  }

  return {
    /** Detects the file's format from its header row and records it on the SyncLog. */
    async inspectImportFile(ref: ImportFileRef): Promise<InspectedFile> {
      try {
        const { bound } = await openFormat(files, ref);
        await prisma.syncLog.update({ where: { id: ref.syncLogId }, data: { fileFormat: bound.format.id } });
        return { formatId: bound.format.id, source: bound.format.source, formatLabel: bound.format.label };
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
        const { shape, bound } = await openFormat(files, input, input.formatId);
        const [last] = await prisma.$queryRaw<{ row: number | null }[]>`
          SELECT greatest((SELECT max("rowNumber") FROM "ImportStagedKeywordMetric" WHERE "syncLogId" = ${input.syncLogId}),
                          (SELECT max("rowNumber") FROM "ImportRejectedRow" WHERE "syncLogId" = ${input.syncLogId})) AS row`;
        const resumeAfter = Math.max(last?.row ?? 0, bound.headerLine);

        let rows: Array<KeywordRow & { rowNumber: number }> = [];
        let rejects: Rejection[] = [];
        let bytesRead = 0;
        let lastRow = resumeAfter;
        const flush = async () => {
          if (rows.length + rejects.length === 0) return;
          await commitBatch(input.syncLogId, rows, rejects);
          context.heartbeat({ rowNumber: lastRow, bytesRead } satisfies StageCheckpoint);
          rows = [];
          rejects = [];
        };
        for await (const { rowNumber, cells, bytesRead: read } of readCsvRows(files.pathOf(input.fileKey), shape)) {
          if (rowNumber <= resumeAfter) continue;
          if (context.cancellationSignal.aborted) throw context.cancellationSignal.reason;
          bytesRead = read;
          lastRow = rowNumber;
          if (isSummaryRow(cells)) continue;
          try {
            rows.push({ ...bound.format.mapRow(bound.cells(cells), { snapshotDate: input.snapshotDate }), rowNumber });
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
        await flush();
        const [counts] = await prisma.$queryRaw<{ staged: bigint; rejected: bigint }[]>`
          SELECT (SELECT count(*) FROM "ImportStagedKeywordMetric" WHERE "syncLogId" = ${input.syncLogId}) AS staged,
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
      const derived = derivedMetricsSql('r');
      return prisma.$transaction(
        async (tx) => {
          const [result] = await tx.$queryRaw<{ created: bigint; updated: bigint; identities: bigint }[]>`
            WITH aggregated AS (
              SELECT "date", "campaignRef", "adGroupRef", "keyword", "matchType", "searchTerm",
                     max("portfolioName") AS "portfolioName",
                     sum("impressions")::int AS "impressions", sum("clicks")::int AS "clicks", sum("spend") AS "spend",
                     sum("orders")::int AS "orders", sum("sales") AS "sales",
                     (array_agg("metadata" ORDER BY "rowNumber" DESC))[1] AS "metadata"
              FROM "ImportStagedKeywordMetric" WHERE "syncLogId" = ${input.syncLogId}
              GROUP BY "date", "campaignRef", "adGroupRef", "keyword", "matchType", "searchTerm"
            ),
            r AS (
              SELECT a.*, p."id" AS "portfolioId", c."id" AS "campaignId", g."id" AS "adGroupId"
              FROM aggregated a
              LEFT JOIN LATERAL (
                SELECT ap."id" FROM "AdPortfolio" ap JOIN "IntegrationCredential" ic ON ic."id" = ap."credentialId"
                WHERE ic."companyId" = ${input.companyId} AND ap."name" = a."portfolioName" ORDER BY ap."createdAt" LIMIT 1) p ON true
              LEFT JOIN LATERAL (
                SELECT ac."id" FROM "AdCampaign" ac JOIN "IntegrationCredential" ic ON ic."id" = ac."credentialId"
                WHERE ic."companyId" = ${input.companyId} AND ac."name" = a."campaignRef" ORDER BY ac."createdAt" LIMIT 1) c ON true
              LEFT JOIN LATERAL (
                SELECT ag."id" FROM "AdGroup" ag WHERE ag."campaignId" = c."id" AND ag."name" = a."adGroupRef" ORDER BY ag."createdAt" LIMIT 1) g ON true
            ),
            upserted AS (
              INSERT INTO "KeywordMetric" AS k
                ("id", "companyId", "brandId", "portfolioId", "campaignId", "adGroupId", "campaignRef", "adGroupRef", "keyword",
                 "matchType", "searchTerm", "date", "impressions", "clicks", "ctr", "spend", "cpc", "orders", "sales", "roas",
                 "conversionRate", "acos", "source", "sourceFileName", "metadata", "updatedAt")
              SELECT gen_random_uuid(), ${input.companyId}, ${input.brandId}, r."portfolioId", r."campaignId", r."adGroupId",
                     r."campaignRef", r."adGroupRef", r."keyword", r."matchType", r."searchTerm", r."date", r."impressions", r."clicks",
                     ${derived.ctr}, r."spend", ${derived.cpc}, r."orders", r."sales", ${derived.roas}, ${derived.conversionRate},
                     ${derived.acos}, ${input.source}, ${input.fileName.slice(0, 255)}, r."metadata", now()
              FROM r
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
              RETURNING (xmax = 0) AS inserted
            )
            SELECT count(*) FILTER (WHERE inserted) AS created, count(*) FILTER (WHERE NOT inserted) AS updated,
                   (SELECT count(*) FROM aggregated) AS identities
            FROM upserted`;
          await tx.$executeRaw`DELETE FROM "ImportStagedKeywordMetric" WHERE "syncLogId" = ${input.syncLogId}`;
          const created = Number(result?.created ?? 0);
          const updated = Number(result?.updated ?? 0);
          await tx.syncLog.update({ where: { id: input.syncLogId }, data: { recordsCreated: created, recordsUpdated: updated } });
          return { created, updated, unchanged: Number(result?.identities ?? 0) - created - updated };
        },
        { timeout: 30 * 60 * 1000, maxWait: 60 * 1000 },
      );
    },

    /** Drops what a failed import staged, so nothing of it lingers. */
    async discardStagedRows(input: { syncLogId: string }): Promise<void> {
      await prisma.$executeRaw`DELETE FROM "ImportStagedKeywordMetric" WHERE "syncLogId" = ${input.syncLogId}`;
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
