import { ApplicationFailure, Context } from '@temporalio/activity';
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
  /** Rows of the report file already committed: a retry skips them. */
  rowsDone: number;
}

const BATCH = 5000;

const MATCH_TYPES: Record<string, string> = {
  EXACT: 'exact', PHRASE: 'phrase', BROAD: 'broad', TARGETING_EXPRESSION_PREDEFINED: 'auto', TARGETING_EXPRESSION: 'product',
};

const text = (value: unknown) => (value === undefined || value === null || value === '' ? null : String(value));
const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** A spSearchTerm row as a KeywordMetric row (source `api`; the campaign and ad group by Amazon's ids). */
function keywordRow(row: Record<string, unknown>) {
  return {
    date: row.date,
    portfolio: text(row.portfolioId),
    campaign: text(row.campaignId),
    adGroup: text(row.adGroupId),
    keyword: text(row.keyword) ?? text(row.targeting) ?? '*',
    matchType: MATCH_TYPES[String(row.matchType)] ?? null,
    searchTerm: text(row.searchTerm),
    impressions: number(row.impressions),
    clicks: number(row.clicks),
    spend: number(row.cost),
    orders: number(row.purchases7d),
    sales: number(row.sales7d),
    metadata: { keyword_id: text(row.keywordId), campaign_name: text(row.campaignName), ad_group_name: text(row.adGroupName), units_7d: number(row.unitsSoldClicks7d) },
  };
}

/** An spAdvertisedProduct row as the ad-attributed side of SalesDaily: the advertised ASIN's own sales. */
function salesRow(row: Record<string, unknown>, rowNumber: number) {
  return {
    rowNumber,
    date: row.date,
    asin: text(row.advertisedAsin)?.toUpperCase() ?? null,
    sku: text(row.advertisedSku),
    sales: number(row.attributedSalesSameSku7d ?? row.sales7d),
    units: number(row.unitsSoldSameSku7d ?? row.unitsSoldClicks7d),
  };
}

export function createAmazonAdsReportActivities(deps: { prisma: PrismaClient; store: CredentialStore; amazonAds: AmazonAdsSettings }) {
  const { prisma, store } = deps;

  const clientFor = (credentialId: string) => clientForCredential(deps, credentialId);

  async function upsertKeywordBatch(credential: { id: string; companyId: string; brandId: string | null }, rows: Record<string, unknown>[]): Promise<ReportLoadCounts> {
    const derived = derivedMetricsSql('r');
    const [result] = await prisma.$queryRaw<{ created: bigint; updated: bigint }[]>`
      WITH batch AS (
        SELECT "date", "campaign", "adGroup", "keyword", "matchType", "searchTerm", max("portfolio") AS "portfolio",
               sum("impressions")::int AS "impressions", sum("clicks")::int AS "clicks", round(sum("spend"), 2) AS "spend",
               sum("orders")::int AS "orders", round(sum("sales"), 2) AS "sales", jsonb_merge_agg("metadata") AS "metadata"
        FROM jsonb_to_recordset(${JSON.stringify(rows.map(keywordRow))}::jsonb) AS x("date" date, "portfolio" text, "campaign" text, "adGroup" text,
          "keyword" text, "matchType" text, "searchTerm" text, "impressions" bigint, "clicks" bigint, "spend" numeric, "orders" bigint,
          "sales" numeric, "metadata" jsonb)
        GROUP BY "date", "campaign", "adGroup", "keyword", "matchType", "searchTerm"
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
               r."adGroup", left(r."keyword", 500), r."matchType", left(r."searchTerm", 500), r."date", r."impressions", r."clicks", ${derived.ctr},
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
    return { processed: rows.length, created: Number(result?.created ?? 0), updated: Number(result?.updated ?? 0) };
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
      const checkpoint: LoadCheckpoint = { rowsDone: 0, processed: 0, created: 0, updated: 0, ...(context.info.heartbeatDetails as LoadCheckpoint | undefined) };
      const stagingKey = `report:${input.reportId}`;
      try {
        const { client, credential, profileId } = await clientFor(input.credentialId);
        const brandId = credential.brandId;
        if (input.reportType === 'spAdvertisedProduct' && !brandId) {
          throw ApplicationFailure.nonRetryable('The credential has no brand: connect it with a brandId to record sales per ASIN', 'AmazonAdsBadRequest');
        }
        const report = await client.getReport(profileId, input.reportId);
        if (report.status !== 'COMPLETED' || !report.url) throw ApplicationFailure.nonRetryable(`Report ${input.reportId} is ${report.status}`, 'AmazonAdsBadRequest');

        let batch: Record<string, unknown>[] = [];
        let index = 0;
        const flush = async () => {
          if (batch.length === 0) return;
          if (input.reportType === 'spSearchTerm') {
            const counts = await upsertKeywordBatch(credential, batch);
            checkpoint.processed += counts.processed;
            checkpoint.created += counts.created;
            checkpoint.updated += counts.updated;
          } else {
            const rows = batch.map((row, i) => salesRow(row, checkpoint.rowsDone + i + 1));
            await prisma.$executeRaw`
              INSERT INTO "ImportStagedSalesDaily" ("syncLogId", "rowNumber", "date", "asin", "sku", "sales", "units")
              SELECT ${stagingKey}, r."rowNumber", r."date", r."asin", r."sku", r."sales", r."units"
              FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r("rowNumber" int, "date" date, "asin" text, "sku" text, "sales" numeric, "units" bigint)
              ON CONFLICT DO NOTHING`;
            checkpoint.processed += rows.length;
          }
          checkpoint.rowsDone += batch.length;
          batch = [];
          context.heartbeat(checkpoint);
        };
        for await (const row of client.downloadReport(report.url)) {
          index += 1;
          if (index <= checkpoint.rowsDone) continue;
          batch.push(row);
          if (batch.length >= BATCH) await flush();
        }
        await flush();
        if (input.reportType === 'spAdvertisedProduct') {
          // Per (ASIN, day) over the whole report at once: its rows are per ad group.
          const result = await prisma.$transaction(async (tx) => {
            const staged = Prisma.sql`SELECT "date", "asin", "sku", "sales", "units" FROM "ImportStagedSalesDaily" WHERE "syncLogId" = ${stagingKey} AND "asin" IS NOT NULL`;
            const counts = await upsertSalesDailySide(tx, brandId!, 'ad_attributed', staged);
            await tx.$executeRaw`DELETE FROM "ImportStagedSalesDaily" WHERE "syncLogId" = ${stagingKey}`;
            return counts;
          });
          checkpoint.created += result.created;
          checkpoint.updated += result.updated;
        }
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
