import type { Pool } from 'pg';
import type { Config } from '../lib/config';
import type { CredentialStore } from '../lib/credentials/credential-store';
import type { PrismaClient } from '../lib/db';
import type { FileStore } from '../lib/storage/file-store';
import type { AmazonAdsSchedules } from '../lib/temporal/amazon-ads-schedules';
import type { ShopifySchedules } from '../lib/temporal/shopify-schedules';
import { createCredentialRefreshActivities } from './amazon-ads/credential-refresh';
import { createCredentialStatusActivities } from './amazon-ads/credential-status';
import { createAmazonAdsEntityActivities } from './amazon-ads/entities';
import { createAmazonAdsReportActivities } from './amazon-ads/reports';
import { createFileImportActivities } from './file-import';
import { createRetentionActivities } from './retention';
import { createShopifyAccessActivities } from './shopify/access';
import { createShopifyOrderActivities } from './shopify/orders';
import { createSyncLogActivities } from './sync-logs';

export interface ActivityDependencies {
  prisma: PrismaClient;
  /** The pool under Prisma, for bulk COPY. */
  pool: Pool;
  /** May bulk writes use COPY FROM STDIN? */
  copy: boolean;
  files: FileStore;
  store: CredentialStore;
  /** The deployment's Login-with-Amazon app and Ads API base URL; null when not configured. */
  amazonAds: Config['amazonAds'];
  /** Per-credential sync schedules (paused when a credential is revoked); null when Amazon Ads is off. */
  schedules: AmazonAdsSchedules | null;
  /** How the engine talks to Shopify (API version, shop URL, overlap). */
  shopify: Config['shopify'];
  /** Per-shop orders sync schedules (paused when a shop refuses its token); null in tools without a Temporal client. */
  shopifySchedules: ShopifySchedules | null;
}

/** Every activity the worker serves, built from real dependencies (the samples' createActivities pattern). */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createSyncLogActivities(deps),
    ...createRetentionActivities(deps),
    ...createFileImportActivities(deps),
    ...createAmazonAdsEntityActivities(deps),
    ...createAmazonAdsReportActivities(deps),
    ...createCredentialStatusActivities(deps),
    ...createCredentialRefreshActivities(deps),
    ...createShopifyOrderActivities(deps),
    ...createShopifyAccessActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
