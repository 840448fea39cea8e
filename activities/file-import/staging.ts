import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { inPoolTransaction } from '../../lib/pg/pool-transaction';
import type { FileFormat, KeywordRow, SalesRow } from '../../integrations/file-formats/format';

// Staging writes: each batch of parsed rows goes to its UNLOGGED staging table with COPY, in one transaction with
// the batch's rejected rows and the SyncLog's counters, so a batch is either wholly committed or not at all and a
// retried activity can resume after the last committed row.

export type StagedRow = (KeywordRow | SalesRow) & { rowNumber: number };

export interface Rejection {
  rowNumber: number;
  column: string | null;
  value: string | null;
  reason: string;
  /** The row as it was: [header, cell] pairs in the file's order (a JSON object would lose the order in jsonb). */
  row: Array<[string, string]>;
}

/** A CSV field for COPY: NULL unquoted and empty, everything else quoted (so '' stays an empty string). */
function field(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  return value.indexOf('"') === -1 ? `"${value}"` : `"${value.replace(/"/g, '""')}"`;
}

interface StagingTable {
  table: string;
  columns: string;
  /** The row as a CSV line for COPY. */
  line(syncLogId: string, row: StagedRow): string;
  /** The column types, for INSERT … SELECT FROM jsonb_to_recordset where COPY is not available. */
  recordType: string;
  record(row: StagedRow): Record<string, unknown>;
}

const STAGING: Record<FileFormat['target'], StagingTable> = {
  keyword_metrics: {
    table: 'ImportStagedKeywordMetric',
    columns:
      '"syncLogId", "rowNumber", "date", "portfolioName", "campaignRef", "adGroupRef", "keyword", "matchType", "searchTerm", ' +
      '"impressions", "clicks", "spend", "orders", "sales", "metadata"',
    line(syncLogId, staged) {
      const r = staged as KeywordRow & { rowNumber: number };
      return [
        field(syncLogId), r.rowNumber, r.date, field(r.portfolioName), field(r.campaignName), field(r.adGroupName), field(r.keyword),
        field(r.matchType), field(r.searchTerm), r.impressions, r.clicks, r.spend, r.orders, r.sales, field(JSON.stringify(r.metadata)),
      ].join(',');
    },
    recordType:
      '"rowNumber" int, "date" date, "portfolioName" text, "campaignRef" text, "adGroupRef" text, "keyword" text, "matchType" text, ' +
      '"searchTerm" text, "impressions" bigint, "clicks" bigint, "spend" numeric, "orders" bigint, "sales" numeric, "metadata" jsonb',
    record(staged) {
      const r = staged as KeywordRow & { rowNumber: number };
      return { ...r, campaignRef: r.campaignName, adGroupRef: r.adGroupName };
    },
  },
  sales_daily: {
    table: 'ImportStagedSalesDaily',
    columns: '"syncLogId", "rowNumber", "date", "asin", "sku", "sales", "units"',
    line(syncLogId, staged) {
      const r = staged as SalesRow & { rowNumber: number };
      return [field(syncLogId), r.rowNumber, r.date, field(r.asin), field(r.sku), r.sales, field(r.units)].join(',');
    },
    recordType: '"rowNumber" int, "date" date, "asin" text, "sku" text, "sales" numeric, "units" bigint',
    record: (staged) => staged as unknown as Record<string, unknown>,
  },
};

async function stageRows(client: PoolClient, staging: StagingTable, syncLogId: string, rows: StagedRow[], copy: boolean): Promise<void> {
  if (copy) {
    const stream = client.query(copyFrom(`COPY "${staging.table}" (${staging.columns}) FROM STDIN WITH (FORMAT csv)`));
    // One chunk per batch: a CopyData message per row would cost more than the rows.
    await pipeline(Readable.from([rows.map((row) => `${staging.line(syncLogId, row)}\n`).join('')]), stream);
    return;
  }
  const columns = staging.columns.split(', ').slice(1).join(', ');
  await client.query(
    `INSERT INTO "${staging.table}" (${staging.columns}) SELECT $1, ${columns} FROM jsonb_to_recordset($2::jsonb) AS r(${staging.recordType})`,
    [syncLogId, JSON.stringify(rows.map((row) => staging.record(row)))],
  );
}

/** `copy`: use COPY FROM STDIN (much faster; not available on the embedded PGlite's socket server). */
export function createStagingWriter(pool: Pool, options: { copy: boolean }) {
  return {
    async commitBatch(syncLogId: string, target: FileFormat['target'], rows: StagedRow[], rejects: Rejection[]): Promise<void> {
      const staging = STAGING[target];
      await inPoolTransaction(pool, async (client) => {
        if (rows.length > 0) await stageRows(client, staging, syncLogId, rows, options.copy);
        if (rejects.length > 0) {
          await client.query(
            `INSERT INTO "ImportRejectedRow" ("id", "syncLogId", "rowNumber", "column", "value", "reason", "row")
             SELECT gen_random_uuid(), $1, r."rowNumber", r."column", r."value", r."reason", r."row"
             FROM jsonb_to_recordset($2::jsonb) AS r("rowNumber" int, "column" text, "value" text, "reason" text, "row" jsonb)
             ON CONFLICT DO NOTHING`,
            [syncLogId, JSON.stringify(rejects)],
          );
        }
        await client.query(
          `UPDATE "SyncLog" SET "recordsProcessed" = "recordsProcessed" + $2, "recordsFailed" = "recordsFailed" + $3 WHERE "id" = $1`,
          [syncLogId, rows.length + rejects.length, rejects.length],
        );
      });
    },
  };
}
