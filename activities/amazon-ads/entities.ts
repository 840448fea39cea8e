import { ApplicationFailure, Context } from '@temporalio/activity';
import type { AdsAdGroup, AdsCampaign, AdsPortfolio } from '../../integrations/amazon-ads/ads-client';
import type { CredentialStore } from '../../lib/credentials/credential-store';
import type { PrismaClient } from '../../lib/db';
import { clientForCredential, type AmazonAdsSettings } from './credential-client';
import { asTemporalFailure } from './failures';

export interface EntityCounts {
  processed: number;
  created: number;
  updated: number;
}

export interface EntitySyncResult extends EntityCounts {
  /** The profile's IANA time zone: its report dates are calendar days there. */
  timezone: string;
  /** Sales per ASIN are recorded only for a credential with a brand. */
  hasBrand: boolean;
}

type Counted = { created: bigint; updated: bigint }[];

const lower = (state: string) => state.toLowerCase();

/**
 * Portfolios, campaigns and ad groups of one credential's profile, page by page, each page one upsert keyed by
 * (credential, external id): a re-run changes nothing, and counts say what was created and what changed.
 */
export function createAmazonAdsEntityActivities(deps: { prisma: PrismaClient; store: CredentialStore; amazonAds: AmazonAdsSettings }) {
  const { prisma, store } = deps;

  async function upsertPortfolios(credentialId: string, page: AdsPortfolio[]): Promise<Counted> {
    const rows = page.map((p) => ({ id: p.portfolioId, name: p.name, state: lower(p.state), amount: p.budget?.amount ?? null, currency: p.budget?.currencyCode ?? null, policy: p.budget?.policy ?? null }));
    return prisma.$queryRaw<Counted>`
      WITH upserted AS (
        INSERT INTO "AdPortfolio" AS t ("id", "credentialId", "externalId", "name", "state", "budgetAmount", "budgetCurrencyCode", "budgetPolicy", "updatedAt")
        SELECT gen_random_uuid(), ${credentialId}, r."id", left(r."name", 200), r."state", r."amount", r."currency", r."policy", now()
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r("id" text, "name" text, "state" text, "amount" numeric, "currency" text, "policy" text)
        ON CONFLICT ("credentialId", "externalId") DO UPDATE SET "name" = EXCLUDED."name", "state" = EXCLUDED."state",
          "budgetAmount" = EXCLUDED."budgetAmount", "budgetCurrencyCode" = EXCLUDED."budgetCurrencyCode", "budgetPolicy" = EXCLUDED."budgetPolicy", "updatedAt" = now()
        WHERE (t."name", t."state", t."budgetAmount", t."budgetCurrencyCode", t."budgetPolicy")
              IS DISTINCT FROM (EXCLUDED."name", EXCLUDED."state", EXCLUDED."budgetAmount", EXCLUDED."budgetCurrencyCode", EXCLUDED."budgetPolicy")
        RETURNING (xmax = 0) AS inserted
      )
      SELECT count(*) FILTER (WHERE inserted) AS created, count(*) FILTER (WHERE NOT inserted) AS updated FROM upserted`;
  }

  async function upsertCampaigns(credentialId: string, page: AdsCampaign[]): Promise<Counted> {
    const rows = page.map((c) => ({
      id: c.campaignId, portfolio: c.portfolioId ?? null, name: c.name, state: lower(c.state), targeting: c.targetingType ? lower(c.targetingType) : null,
      budget: c.budget?.budget ?? null, start: c.startDate ?? null, end: c.endDate ?? null,
    }));
    return prisma.$queryRaw<Counted>`
      WITH upserted AS (
        INSERT INTO "AdCampaign" AS t ("id", "credentialId", "portfolioId", "externalId", "name", "campaignType", "targetingType", "state", "dailyBudget", "startDate", "endDate", "updatedAt")
        SELECT gen_random_uuid(), ${credentialId}, p."id", r."id", left(r."name", 200), 'sponsoredProducts', r."targeting", r."state", r."budget", r."start", r."end", now()
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r("id" text, "portfolio" text, "name" text, "state" text, "targeting" text, "budget" numeric, "start" date, "end" date)
        LEFT JOIN "AdPortfolio" p ON p."credentialId" = ${credentialId} AND p."externalId" = r."portfolio"
        ON CONFLICT ("credentialId", "externalId") DO UPDATE SET "portfolioId" = EXCLUDED."portfolioId", "name" = EXCLUDED."name",
          "targetingType" = EXCLUDED."targetingType", "state" = EXCLUDED."state", "dailyBudget" = EXCLUDED."dailyBudget",
          "startDate" = EXCLUDED."startDate", "endDate" = EXCLUDED."endDate", "updatedAt" = now()
        WHERE (t."portfolioId", t."name", t."targetingType", t."state", t."dailyBudget", t."startDate", t."endDate")
              IS DISTINCT FROM (EXCLUDED."portfolioId", EXCLUDED."name", EXCLUDED."targetingType", EXCLUDED."state", EXCLUDED."dailyBudget", EXCLUDED."startDate", EXCLUDED."endDate")
        RETURNING (xmax = 0) AS inserted
      )
      SELECT count(*) FILTER (WHERE inserted) AS created, count(*) FILTER (WHERE NOT inserted) AS updated FROM upserted`;
  }

  async function upsertAdGroups(credentialId: string, page: AdsAdGroup[]): Promise<Counted> {
    const rows = page.map((g) => ({ id: g.adGroupId, campaign: g.campaignId, name: g.name, state: lower(g.state), bid: g.defaultBid ?? null }));
    return prisma.$queryRaw<Counted>`
      WITH upserted AS (
        INSERT INTO "AdGroup" AS t ("id", "campaignId", "externalId", "name", "state", "defaultBid", "updatedAt")
        SELECT gen_random_uuid(), c."id", r."id", left(r."name", 200), r."state", r."bid", now()
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r("id" text, "campaign" text, "name" text, "state" text, "bid" numeric)
        JOIN "AdCampaign" c ON c."credentialId" = ${credentialId} AND c."externalId" = r."campaign"
        ON CONFLICT ("campaignId", "externalId") DO UPDATE SET "name" = EXCLUDED."name", "state" = EXCLUDED."state", "defaultBid" = EXCLUDED."defaultBid", "updatedAt" = now()
        WHERE (t."name", t."state", t."defaultBid") IS DISTINCT FROM (EXCLUDED."name", EXCLUDED."state", EXCLUDED."defaultBid")
        RETURNING (xmax = 0) AS inserted
      )
      SELECT count(*) FILTER (WHERE inserted) AS created, count(*) FILTER (WHERE NOT inserted) AS updated FROM upserted`;
  }

  return {
    /** Pulls the credential's portfolios, then campaigns, then ad groups (each links to the one before). */
    async syncAmazonAdsEntities(input: { credentialId: string }): Promise<EntitySyncResult> {
      const context = Context.current();
      const { client, credential, profileId } = await clientForCredential(deps, input.credentialId);
      const counts: EntityCounts = { processed: 0, created: 0, updated: 0 };
      const add = ([result]: Counted, pageSize: number) => {
        counts.processed += pageSize;
        counts.created += Number(result?.created ?? 0);
        counts.updated += Number(result?.updated ?? 0);
        context.heartbeat(counts);
      };
      try {
        const profile = (await client.listProfiles()).find((p) => p.profileId === profileId);
        if (!profile) throw ApplicationFailure.nonRetryable(`Profile ${profileId} is no longer reachable with this authorization`, 'AmazonAdsNotFound');
        for await (const page of client.list('portfolios', profileId)) add(await upsertPortfolios(credential.id, page), page.length);
        for await (const page of client.list('campaigns', profileId)) add(await upsertCampaigns(credential.id, page), page.length);
        for await (const page of client.list('adGroups', profileId)) add(await upsertAdGroups(credential.id, page), page.length);
        await store.used(credential.id);
        return { ...counts, timezone: profile.timezone, hasBrand: credential.brandId !== null };
      } catch (err) {
        return asTemporalFailure(err);
      }
    },
  };
}
