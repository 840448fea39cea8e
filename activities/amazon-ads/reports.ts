import { once } from 'node:events';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { inPoolTransaction } from '../../lib/pg/pool-transaction';
import type { ReportTypeId } from '../../integrations/amazon-ads/ads-client';
import type { CredentialStore } from '../../lib/credentials/credential-store';
import { Prisma, type PrismaClient } from '../../lib/db';
import { derivedMetricsSql } from '../keyword-metrics/derived-metrics';
import { upsertSalesDailySide } from '../sales-daily/upsert-side';
import { clientForCredential, type AmazonAdsSettings } from './credential-client';
import { asTemporalFailure } from './failures';

export interface ReportRef {
  credentialId: string;
  reportId: string;
}

export interface ReportLoadCounts {
  processed: number;
  created: number;
  updated: number;
}

interface LoadCheckpoint extends ReportLoadCounts {
  /** Rows of the report file committed to staging. */
  rowsDone: number;
  /** The staged rows are merged (and dropped): a retry answers these counts. */
  merged?: boolean;
}

const MATCH_TYPES: Record<string, string> = {
  EXACT: 'exact', PHRASE: 'phrase', BROAD: 'broad', TARGETING_EXPRESSION_PREDEFINED: 'auto', TARGETING_EXPRESSION: 'product',
};

const text = (value: unknown) => (value === undefined || value === null || value === '' ? null : String(value));
const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** A CSV field for COPY: NULL unquoted and empty, everything else quoted (so '' stays an empty string). */
function field(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  return value.indexOf('"') === -1 ? `"${value}"` : `"${value.replace(/"/g, '""')}"`;
}

const day = (value: unknown) => {
  const d = text(value);
  if (!d || !/^\d{4}-\d{2}-\d{2}$/.test(d)) throw ApplicationFailure.nonRetryable(`A report row has no valid date: ${String(value)}`, 'AmazonAdsBadRequest');
  return d;
};
const cut = (value: string | null, length: number) => (value === null ? null : value.slice(0, length));

/**
 * Where a report's rows wait between the download and the merge: the UNLOGGED import staging tables, keyed by
 * `report:<reportId>` in their syncLogId column. A spSearchTerm row keeps Amazon's ids: portfolioName holds the
 * portfolio id, campaignRef / adGroupRef the campaign and ad group ids.
 */
interface ReportStaging {
  table: string;
  columns: string;
  line(key: string, rowNumber: number, row: Record<string, unknown>): string;
  /** For INSERT … SELECT FROM jsonb_to_recordset where COPY is not available (the embedded PGlite). */
  recordType: string;
  record(rowNumber: number, row: Record<string, unknown>): Record<string, unknown>;
}

const keywordRecord = (rowNumber: number, row: Record<string, unknown>) => ({
  rowNumber,
  date: day(row.date),
  portfolioName: cut(text(row.portfolioId), 255),
  campaignRef: cut(text(row.campaignId), 255),
  adGroupRef: cut(text(row.adGroupId), 255),
  keyword: (text(row.keyword) ?? text(row.targeting) ?? '*').slice(0, 500),
  matchType: MATCH_TYPES[String(row.matchType)] ?? null,
  searchTerm: cut(text(row.searchTerm), 500),
  impressions: number(row.impressions),
  clicks: number(row.clicks),
  spend: number(row.cost),
  orders: number(row.purchases7d),
  sales: number(row.sales7d),
  metadata: { keyword_id: text(row.keywordId), campaign_name: text(row.campaignName), ad_group_name: text(row.adGroupName), units_7d: number(row.unitsSoldClicks7d) },
});

/** An spAdvertisedProduct row as the ad-attributed side of SalesDaily: the advertised ASIN's own sales. */
const salesRecord = (rowNumber: number, row: Record<string, unknown>) => ({
  rowNumber,
  date: day(row.date),
  asin: cut(text(row.advertisedAsin)?.toUpperCase() ?? null, 20),
  sku: cut(text(row.advertisedSku), 100),
  sales: number(row.attributedSalesSameSku7d ?? row.sales7d),
  units: number(row.unitsSoldSameSku7d ?? row.unitsSoldClicks7d),
});

const STAGING: Record<ReportTypeId, ReportStaging> = {
  spSearchTerm: {
    table: 'ImportStagedKeywordMetric',
    columns:
      '"syncLogId", "rowNumber", "date", "portfolioName", "campaignRef", "adGroupRef", "keyword", "matchType", "searchTerm", ' +
      '"impressions", "clicks", "spend", "orders", "sales", "metadata"',
    line(key, rowNumber, row) {
      const r = keywordRecord(rowNumber, row);
      return [
        field(key), r.rowNumber, r.date, field(r.portfolioName), field(r.campaignRef), field(r.adGroupRef), field(r.keyword), field(r.matchType),
        field(r.searchTerm), r.impressions, r.clicks, r.spend, r.orders, r.sales, field(JSON.stringify(r.metadata)),
      ].join(',');
    },
    recordType:
      '"rowNumber" int, "date" date, "portfolioName" text, "campaignRef" text, "adGroupRef" text, "keyword" text, "matchType" text, ' +
      '"searchTerm" text, "impressions" bigint, "clicks" bigint, "spend" numeric, "orders" bigint, "sales" numeric, "metadata" jsonb',
    record: keywordRecord,
  },
  spAdvertisedProduct: {
    table: 'ImportStagedSalesDaily',
    columns: '"syncLogId", "rowNumber", "date", "asin", "sku", "sales", "units"',
    line(key, rowNumber, row) {
      const r = salesRecord(rowNumber, row);
      return [field(key), r.rowNumber, r.date, field(r.asin), field(r.sku), r.sales, r.units].join(',');
    },
    recordType: '"rowNumber" int, "date" date, "asin" text, "sku" text, "sales" numeric, "units" bigint',
    record: salesRecord,
  },
};

/** Rows staged per transaction: each commit is a checkpoint a retried attempt resumes after. */
const CHUNK_ROWS = 50_000;
/** Lines gathered into one CopyData write (a message per row would cost more than the rows). */
const WRITE_LINES = 500;

/**
 * Stages up to CHUNK_ROWS rows from the iterator in one transaction with COPY, writing as the download yields and
 * waiting for the socket to drain (so the download waits while PostgreSQL writes: memory stays flat). Answers the
 * rows staged and whether the iterator ended.
 */
async function stageChunk(
  pool: Pool,
  copy: boolean,
  staging: ReportStaging,
  key: string,
  rows: AsyncIterator<Record<string, unknown>>,
  firstRowNumber: number,
): Promise<{ staged: number; done: boolean }> {
  let staged = 0;
  let done = false;
  /** The next row of this chunk, or undefined when the chunk is full or the download has ended. */
  const nextRow = async (): Promise<Record<string, unknown> | undefined> => {
    if (staged >= CHUNK_ROWS) return undefined;
    const next = await rows.next();
    if (next.done) {
      done = true;
      return undefined;
    }
    staged += 1;
    return next.value;
  };
  return inPoolTransaction(pool, async (client) => {
    if (copy) {
      const stream = client.query(copyFrom(`COPY "${staging.table}" (${staging.columns}) FROM STDIN WITH (FORMAT csv)`));
      const finished = new Promise<void>((resolve, reject) => {
        stream.on('finish', resolve);
        stream.on('error', reject);
      });
      finished.catch(() => undefined);
      let lines: string[] = [];
      for (let row = await nextRow(); row; row = await nextRow()) {
        lines.push(staging.line(key, firstRowNumber + staged, row), '\n');
        if (lines.length >= WRITE_LINES * 2) {
          const ok = stream.write(lines.join(''));
          lines = [];
          if (!ok) await Promise.race([once(stream, 'drain'), finished]);
        }
      }
      if (lines.length > 0) stream.write(lines.join(''));
      stream.end();
      await finished;
    } else {
      let records: Record<string, unknown>[] = [];
      const columns = staging.columns.split(', ').slice(1).join(', ');
      const flush = async () => {
        if (records.length === 0) return;
        await client.query(
          `INSERT INTO "${staging.table}" (${staging.columns}) SELECT $1, ${columns} FROM jsonb_to_recordset($2::jsonb) AS r(${staging.recordType})`,
          [key, JSON.stringify(records)],
        );
        records = [];
      };
      for (let row = await nextRow(); row; row = await nextRow()) {
        records.push(staging.record(firstRowNumber + staged, row));
        if (records.length >= 2000) await flush();
      }
      await flush();
    }
    return { staged, done };
  });
}

export function createAmazonAdsReportActivities(deps: { prisma: PrismaClient; pool: Pool; copy: boolean; store: CredentialStore; amazonAds: AmazonAdsSettings }) {
  const { prisma, store, pool } = deps;

  const clientFor = (credentialId: string) => clientForCredential(deps, credentialId);

  /** Merges a report's staged search-term rows into KeywordMetric and drops them, in one transaction. */
  async function mergeKeywords(credential: { id: string; companyId: string; brandId: string | null }, key: string): Promise<{ created: number; updated: number }> {
    const derived = derivedMetricsSql('r');
    return prisma.$transaction(async (tx) => {
      const [result] = await tx.$queryRaw<{ created: bigint; updated: bigint }[]>`
      WITH batch AS (
        SELECT "date", "campaignRef" AS "campaign", "adGroupRef" AS "adGroup", "keyword", "matchType", "searchTerm", max("portfolioName") AS "portfolio",
               sum("impressions")::int AS "impressions", sum("clicks")::int AS "clicks", round(sum("spend"), 2) AS "spend",
               sum("orders")::int AS "orders", round(sum("sales"), 2) AS "sales", jsonb_merge_agg("metadata") AS "metadata"
        FROM "ImportStagedKeywordMetric" WHERE "syncLogId" = ${key}
        GROUP BY "date", "campaignRef", "adGroupRef", "keyword", "matchType", "searchTerm"
      ),
      r AS (
        SELECT b.*, p."id" AS "portfolioId", c."id" AS "campaignId", g."id" AS "adGroupId"
        FROM batch b
        LEFT JOIN "AdPortfolio" p ON p."credentialId" = ${credential.id} AND p."externalId" = b."portfolio"
        LEFT JOIN "AdCampaign" c ON c."credentialId" = ${credential.id} AND c."externalId" = b."campaign"
        LEFT JOIN "AdGroup" g ON g."campaignId" = c."id" AND g."externalId" = b."adGroup"
      ),
      upserted AS (
        INSERT INTO "KeywordMetric" AS k
          ("id", "companyId", "brandId", "portfolioId", "campaignId", "adGroupId", "campaignRef", "adGroupRef", "keyword", "matchType",
           "searchTerm", "date", "impressions", "clicks", "ctr", "spend", "cpc", "orders", "sales", "roas", "conversionRate", "acos",
           "source", "metadata", "updatedAt")
        SELECT gen_random_uuid(), ${credential.companyId}, ${credential.brandId}, r."portfolioId", r."campaignId", r."adGroupId", r."campaign",
               r."adGroup", r."keyword", r."matchType", r."searchTerm", r."date", r."impressions", r."clicks", ${derived.ctr},
               r."spend", ${derived.cpc}, r."orders", r."sales", ${derived.roas}, ${derived.conversionRate}, ${derived.acos}, 'api', r."metadata", now()
        FROM r
        ON CONFLICT ("companyId", "brandId", "source", "date", "campaignRef", "adGroupRef", "keyword", "matchType", "searchTerm")
        DO UPDATE SET "portfolioId" = EXCLUDED."portfolioId", "campaignId" = EXCLUDED."campaignId", "adGroupId" = EXCLUDED."adGroupId",
                      "impressions" = EXCLUDED."impressions", "clicks" = EXCLUDED."clicks", "ctr" = EXCLUDED."ctr", "spend" = EXCLUDED."spend",
                      "cpc" = EXCLUDED."cpc", "orders" = EXCLUDED."orders", "sales" = EXCLUDED."sales", "roas" = EXCLUDED."roas",
                      "conversionRate" = EXCLUDED."conversionRate", "acos" = EXCLUDED."acos", "metadata" = EXCLUDED."metadata", "updatedAt" = now()
        WHERE (k."impressions", k."clicks", k."spend", k."orders", k."sales", k."metadata", k."portfolioId", k."campaignId", k."adGroupId")
              IS DISTINCT FROM (EXCLUDED."impressions", EXCLUDED."clicks", EXCLUDED."spend", EXCLUDED."orders", EXCLUDED."sales",
                                EXCLUDED."metadata", EXCLUDED."portfolioId", EXCLUDED."campaignId", EXCLUDED."adGroupId")
        RETURNING (xmax = 0) AS inserted
      )
      SELECT count(*) FILTER (WHERE inserted) AS created, count(*) FILTER (WHERE NOT inserted) AS updated FROM upserted`;
      await tx.$executeRaw`DELETE FROM "ImportStagedKeywordMetric" WHERE "syncLogId" = ${key}`;
      return { created: Number(result?.created ?? 0), updated: Number(result?.updated ?? 0) };
    }, { timeout: 30 * 60_000, maxWait: 60_000 });
  }

  return {
    /** Asks Amazon for a report; an identical one in flight (425) is adopted rather than failed. Answers its id. */
    async requestAmazonAdsReport(input: { credentialId: string; reportType: ReportTypeId; startDate: string; endDate: string }): Promise<{ reportId: string }> {
      try {
        const { client, profileId } = await clientFor(input.credentialId);
        const { reportId } = await client.createReport(profileId, input.reportType, input.startDate, input.endDate);
        return { reportId };
      } catch (err) {
        return asTemporalFailure(err);
      }
    },

    /** The report's status (the download link stays out of the answer: it is fetched again when loading). */
    async checkAmazonAdsReport(input: ReportRef): Promise<{ status: string; failureReason: string | null }> {
      try {
        const { client, profileId } = await clientFor(input.credentialId);
        const report = await client.getReport(profileId, input.reportId);
        return { status: report.status, failureReason: report.failureReason };
      } catch (err) {
        return asTemporalFailure(err);
      }
    },

    /**
     * Streams a completed report from its download link into the database in batches: search terms into
     * KeywordMetric (upserted by natural key, so restated days are updated in place), advertised products into
     * the ad-attributed side of SalesDaily. Heartbeats the rows done; a retry skips them.
     */
    async loadAmazonAdsReport(input: ReportRef & { reportType: ReportTypeId }): Promise<ReportLoadCounts> {
      const context = Context.current();
      const previous = context.info.heartbeatDetails as LoadCheckpoint | undefined;
      // The merge committed but the attempt did not finish: its counts stand (a second merge would count nothing).
      if (previous?.merged) return { processed: previous.processed, created: previous.created, updated: previous.updated };
      const key = `report:${input.reportId}`;
      const staging = STAGING[input.reportType];
      try {
        const { client, credential, profileId } = await clientFor(input.credentialId);
        const brandId = credential.brandId;
        if (input.reportType === 'spAdvertisedProduct' && !brandId) {
          throw ApplicationFailure.nonRetryable('The credential has no brand: connect it with a brandId to record sales per ASIN', 'AmazonAdsBadRequest');
        }
        const report = await client.getReport(profileId, input.reportId);
        if (report.status !== 'COMPLETED' || !report.url) throw ApplicationFailure.nonRetryable(`Report ${input.reportId} is ${report.status}`, 'AmazonAdsBadRequest');

        // Resume after the rows an earlier attempt committed (the staging table is the truth, not the heartbeat).
        const [stagedBefore] = await prisma.$queryRawUnsafe<{ n: number | null }[]>(
          `SELECT max("rowNumber") AS n FROM "${staging.table}" WHERE "syncLogId" = $1`, key);
        const checkpoint: LoadCheckpoint = { rowsDone: Number(stagedBefore?.n ?? 0), processed: 0, created: 0, updated: 0 };
        context.heartbeat(checkpoint);

        const download = client.downloadReport(report.url);
        try {
          let skipped = 0;
          const resumeAfter = checkpoint.rowsDone;
          const rows: AsyncIterator<Record<string, unknown>> = {
            async next() {
              for (;;) {
                const next = await download.next();
                if (next.done || skipped >= resumeAfter) return next;
                skipped += 1;
              }
            },
          };
          for (;;) {
            const { staged, done } = await stageChunk(pool, deps.copy, staging, key, rows, checkpoint.rowsDone);
            checkpoint.rowsDone += staged;
            context.heartbeat(checkpoint);
            if (done) break;
          }
        } finally {
          await download.return(undefined);
        }

        checkpoint.processed = checkpoint.rowsDone;
        // One statement merges the whole report (minutes for a large account): keep heartbeating meanwhile.
        const beat = setInterval(() => context.heartbeat(checkpoint), 10_000);
        try {
          if (input.reportType === 'spSearchTerm') {
            Object.assign(checkpoint, await mergeKeywords(credential, key));
          } else {
            // Per (ASIN, day) over the whole report at once: its rows are per ad group.
            Object.assign(checkpoint, await prisma.$transaction(async (tx) => {
              const staged = Prisma.sql`SELECT "date", "asin", "sku", "sales", "units" FROM "ImportStagedSalesDaily" WHERE "syncLogId" = ${key} AND "asin" IS NOT NULL`;
              const counts = await upsertSalesDailySide(tx, brandId!, 'ad_attributed', staged);
              await tx.$executeRaw`DELETE FROM "ImportStagedSalesDaily" WHERE "syncLogId" = ${key}`;
              return { created: counts.created, updated: counts.updated };
            }, { timeout: 30 * 60_000, maxWait: 60_000 }));
          }
        } finally {
          clearInterval(beat);
        }
        context.heartbeat({ ...checkpoint, merged: true });
        await store.used(credential.id);
        return { processed: checkpoint.processed, created: checkpoint.created, updated: checkpoint.updated };
      } catch (err) {
        return asTemporalFailure(err);
      }
    },

    /** The last day a completed sync of this credential loaded reports through (its cursor), if any. */
    async reportsLoadedThrough(input: { credentialId: string }): Promise<string | null> {
      const [row] = await prisma.$queryRaw<{ through: string | null }[]>`
        SELECT max("errorDetails"->>'reportsThrough') AS through FROM "SyncLog"
        WHERE "credentialId" = ${input.credentialId} AND "status" IN ('completed', 'partial') AND "syncType" IN ('amazon_ads_full', 'amazon_ads_incremental')`;
      return row?.through ?? null;
    },
  };
}
