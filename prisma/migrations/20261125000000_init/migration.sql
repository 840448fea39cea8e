-- Generated with `prisma migrate diff --from-empty`, then edited by hand: NULLS NOT DISTINCT on the unique keys
-- whose columns may be null, and the CHECK constraints of the spec's validation rules (Prisma can express neither).

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Company" (
    "id" TEXT NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Company_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Brand" (
    "id" TEXT NOT NULL,
    "companyId" TEXT NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Brand_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SKU" (
    "id" TEXT NOT NULL,
    "brandId" TEXT NOT NULL,
    "code" VARCHAR(100) NOT NULL,
    "name" VARCHAR(500),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SKU_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "companyId" TEXT NOT NULL,
    "email" VARCHAR(320) NOT NULL,
    "name" VARCHAR(200),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "tokenHash" CHAR(64) NOT NULL,
    "prefix" VARCHAR(16) NOT NULL,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IntegrationCredential" (
    "id" TEXT NOT NULL,
    "companyId" TEXT NOT NULL,
    "brandId" TEXT,
    "integrationType" VARCHAR(50) NOT NULL,
    "encryptedAccessToken" TEXT NOT NULL,
    "encryptedRefreshToken" TEXT,
    "scopes" TEXT[],
    "expiresAt" TIMESTAMP(3),
    "status" VARCHAR(20) NOT NULL DEFAULT 'active',
    "lastUsedAt" TIMESTAMP(3),
    "lastErrorAt" TIMESTAMP(3),
    "lastError" TEXT,
    "externalAccountId" VARCHAR(100),
    "externalAccountName" VARCHAR(200),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IntegrationCredential_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShopifyConnection" (
    "id" TEXT NOT NULL,
    "companyId" TEXT NOT NULL,
    "brandId" TEXT NOT NULL,
    "credentialId" TEXT NOT NULL,
    "shopDomain" VARCHAR(255) NOT NULL,
    "shopName" VARCHAR(200),
    "currencyCode" VARCHAR(3) NOT NULL,
    "ianaTimezone" VARCHAR(64) NOT NULL,
    "apiVersion" VARCHAR(16) NOT NULL,
    "ordersUpdatedThrough" TIMESTAMP(3),
    "backfillCompletedAt" TIMESTAMP(3),
    "lastSyncedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopifyConnection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdPortfolio" (
    "id" TEXT NOT NULL,
    "credentialId" TEXT NOT NULL,
    "externalId" VARCHAR(100) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "state" VARCHAR(20) NOT NULL DEFAULT 'enabled',
    "budgetAmount" DECIMAL(10,2),
    "budgetCurrencyCode" VARCHAR(3),
    "budgetPolicy" VARCHAR(20),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AdPortfolio_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdCampaign" (
    "id" TEXT NOT NULL,
    "portfolioId" TEXT,
    "credentialId" TEXT NOT NULL,
    "externalId" VARCHAR(100) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "campaignType" VARCHAR(50) NOT NULL,
    "targetingType" VARCHAR(50),
    "state" VARCHAR(20) NOT NULL DEFAULT 'enabled',
    "dailyBudget" DECIMAL(10,2),
    "startDate" DATE,
    "endDate" DATE,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AdCampaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdGroup" (
    "id" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "externalId" VARCHAR(100) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "state" VARCHAR(20) NOT NULL DEFAULT 'enabled',
    "defaultBid" DECIMAL(10,2),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AdGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "KeywordMetric" (
    "id" TEXT NOT NULL,
    "companyId" TEXT NOT NULL,
    "brandId" TEXT,
    "portfolioId" TEXT,
    "campaignId" TEXT,
    "adGroupId" TEXT,
    "keyword" VARCHAR(500) NOT NULL,
    "matchType" VARCHAR(20),
    "searchTerm" VARCHAR(500),
    "date" DATE NOT NULL,
    "impressions" INTEGER NOT NULL DEFAULT 0,
    "clicks" INTEGER NOT NULL DEFAULT 0,
    "ctr" DECIMAL(8,4),
    "spend" DECIMAL(10,2) NOT NULL DEFAULT 0,
    "cpc" DECIMAL(10,2),
    "orders" INTEGER NOT NULL DEFAULT 0,
    "sales" DECIMAL(10,2) NOT NULL DEFAULT 0,
    "roas" DECIMAL(10,2),
    "conversionRate" DECIMAL(8,4),
    "acos" DECIMAL(8,4),
    "source" VARCHAR(50) NOT NULL,
    "sourceFileName" VARCHAR(255),
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "KeywordMetric_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SalesDaily" (
    "id" TEXT NOT NULL,
    "brandId" TEXT NOT NULL,
    "asin" VARCHAR(20),
    "skuId" TEXT,
    "date" DATE NOT NULL,
    "totalSales" DECIMAL(10,2) NOT NULL,
    "adAttributedSales" DECIMAL(10,2) NOT NULL,
    "organicSales" DECIMAL(10,2) NOT NULL,
    "channel" VARCHAR(50) NOT NULL,
    "unitsTotal" INTEGER,
    "unitsAdAttributed" INTEGER,
    "unitsOrganic" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SalesDaily_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AsinSkuMapping" (
    "id" TEXT NOT NULL,
    "brandId" TEXT NOT NULL,
    "asin" VARCHAR(20) NOT NULL,
    "skuId" TEXT NOT NULL,
    "productName" VARCHAR(500),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" TEXT NOT NULL,

    CONSTRAINT "AsinSkuMapping_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncLog" (
    "id" TEXT NOT NULL,
    "companyId" TEXT,
    "credentialId" TEXT,
    "syncType" VARCHAR(50) NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "workflowId" VARCHAR(255),
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),
    "recordsProcessed" INTEGER NOT NULL DEFAULT 0,
    "recordsCreated" INTEGER NOT NULL DEFAULT 0,
    "recordsUpdated" INTEGER NOT NULL DEFAULT 0,
    "recordsDeleted" INTEGER NOT NULL DEFAULT 0,
    "recordsFailed" INTEGER NOT NULL DEFAULT 0,
    "errorMessage" TEXT,
    "errorDetails" JSONB NOT NULL DEFAULT '{}',
    "fileName" VARCHAR(255),
    "fileSize" INTEGER,
    "triggeredById" TEXT,

    CONSTRAINT "SyncLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "type" VARCHAR(50) NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "message" TEXT NOT NULL,
    "relatedType" VARCHAR(50),
    "relatedId" TEXT,
    "read" BOOLEAN NOT NULL DEFAULT false,
    "readAt" TIMESTAMP(3),
    "dismissedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Brand_companyId_idx" ON "Brand"("companyId");

-- CreateIndex
CREATE UNIQUE INDEX "Brand_companyId_name_key" ON "Brand"("companyId", "name");

-- CreateIndex
CREATE INDEX "SKU_brandId_idx" ON "SKU"("brandId");

-- CreateIndex
CREATE UNIQUE INDEX "SKU_brandId_code_key" ON "SKU"("brandId", "code");

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "User_companyId_idx" ON "User"("companyId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ApiToken_userId_idx" ON "ApiToken"("userId");

-- CreateIndex
CREATE INDEX "IntegrationCredential_companyId_integrationType_idx" ON "IntegrationCredential"("companyId", "integrationType");

-- CreateIndex
CREATE INDEX "IntegrationCredential_status_idx" ON "IntegrationCredential"("status");

-- CreateIndex
CREATE UNIQUE INDEX "IntegrationCredential_companyId_integrationType_externalAcc_key" ON "IntegrationCredential"("companyId", "integrationType", "externalAccountId") NULLS NOT DISTINCT;

-- CreateIndex
CREATE UNIQUE INDEX "ShopifyConnection_credentialId_key" ON "ShopifyConnection"("credentialId");

-- CreateIndex
CREATE INDEX "ShopifyConnection_brandId_idx" ON "ShopifyConnection"("brandId");

-- CreateIndex
CREATE UNIQUE INDEX "ShopifyConnection_companyId_shopDomain_key" ON "ShopifyConnection"("companyId", "shopDomain");

-- CreateIndex
CREATE INDEX "AdPortfolio_credentialId_idx" ON "AdPortfolio"("credentialId");

-- CreateIndex
CREATE UNIQUE INDEX "AdPortfolio_credentialId_externalId_key" ON "AdPortfolio"("credentialId", "externalId");

-- CreateIndex
CREATE INDEX "AdCampaign_portfolioId_idx" ON "AdCampaign"("portfolioId");

-- CreateIndex
CREATE INDEX "AdCampaign_credentialId_idx" ON "AdCampaign"("credentialId");

-- CreateIndex
CREATE UNIQUE INDEX "AdCampaign_credentialId_externalId_key" ON "AdCampaign"("credentialId", "externalId");

-- CreateIndex
CREATE INDEX "AdGroup_campaignId_idx" ON "AdGroup"("campaignId");

-- CreateIndex
CREATE UNIQUE INDEX "AdGroup_campaignId_externalId_key" ON "AdGroup"("campaignId", "externalId");

-- CreateIndex
CREATE INDEX "KeywordMetric_companyId_date_idx" ON "KeywordMetric"("companyId", "date");

-- CreateIndex
CREATE INDEX "KeywordMetric_portfolioId_date_idx" ON "KeywordMetric"("portfolioId", "date");

-- CreateIndex
CREATE INDEX "KeywordMetric_campaignId_date_idx" ON "KeywordMetric"("campaignId", "date");

-- CreateIndex
CREATE INDEX "KeywordMetric_keyword_idx" ON "KeywordMetric"("keyword");

-- CreateIndex
CREATE INDEX "KeywordMetric_date_idx" ON "KeywordMetric"("date");

-- CreateIndex
CREATE UNIQUE INDEX "KeywordMetric_identity_key" ON "KeywordMetric"("companyId", "brandId", "portfolioId", "campaignId", "adGroupId", "keyword", "matchType", "searchTerm", "date", "source") NULLS NOT DISTINCT;

-- CreateIndex
CREATE INDEX "SalesDaily_brandId_date_idx" ON "SalesDaily"("brandId", "date");

-- CreateIndex
CREATE INDEX "SalesDaily_asin_idx" ON "SalesDaily"("asin");

-- CreateIndex
CREATE INDEX "SalesDaily_date_idx" ON "SalesDaily"("date");

-- CreateIndex
CREATE UNIQUE INDEX "SalesDaily_brandId_asin_date_channel_key" ON "SalesDaily"("brandId", "asin", "date", "channel") NULLS NOT DISTINCT;

-- CreateIndex
CREATE INDEX "AsinSkuMapping_brandId_idx" ON "AsinSkuMapping"("brandId");

-- CreateIndex
CREATE INDEX "AsinSkuMapping_skuId_idx" ON "AsinSkuMapping"("skuId");

-- CreateIndex
CREATE UNIQUE INDEX "AsinSkuMapping_brandId_asin_key" ON "AsinSkuMapping"("brandId", "asin");

-- CreateIndex
CREATE INDEX "SyncLog_credentialId_startedAt_idx" ON "SyncLog"("credentialId", "startedAt" DESC);

-- CreateIndex
CREATE INDEX "SyncLog_companyId_startedAt_idx" ON "SyncLog"("companyId", "startedAt" DESC);

-- CreateIndex
CREATE INDEX "SyncLog_syncType_status_idx" ON "SyncLog"("syncType", "status");

-- CreateIndex
CREATE INDEX "SyncLog_startedAt_idx" ON "SyncLog"("startedAt" DESC);

-- CreateIndex
CREATE INDEX "Notification_userId_read_idx" ON "Notification"("userId", "read");

-- CreateIndex
CREATE INDEX "Notification_userId_createdAt_idx" ON "Notification"("userId", "createdAt" DESC);

-- AddForeignKey
ALTER TABLE "Brand" ADD CONSTRAINT "Brand_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SKU" ADD CONSTRAINT "SKU_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "Brand"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntegrationCredential" ADD CONSTRAINT "IntegrationCredential_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntegrationCredential" ADD CONSTRAINT "IntegrationCredential_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "Brand"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShopifyConnection" ADD CONSTRAINT "ShopifyConnection_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShopifyConnection" ADD CONSTRAINT "ShopifyConnection_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "Brand"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShopifyConnection" ADD CONSTRAINT "ShopifyConnection_credentialId_fkey" FOREIGN KEY ("credentialId") REFERENCES "IntegrationCredential"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdPortfolio" ADD CONSTRAINT "AdPortfolio_credentialId_fkey" FOREIGN KEY ("credentialId") REFERENCES "IntegrationCredential"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdCampaign" ADD CONSTRAINT "AdCampaign_portfolioId_fkey" FOREIGN KEY ("portfolioId") REFERENCES "AdPortfolio"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdCampaign" ADD CONSTRAINT "AdCampaign_credentialId_fkey" FOREIGN KEY ("credentialId") REFERENCES "IntegrationCredential"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AdGroup" ADD CONSTRAINT "AdGroup_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "AdCampaign"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeywordMetric" ADD CONSTRAINT "KeywordMetric_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeywordMetric" ADD CONSTRAINT "KeywordMetric_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "Brand"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeywordMetric" ADD CONSTRAINT "KeywordMetric_portfolioId_fkey" FOREIGN KEY ("portfolioId") REFERENCES "AdPortfolio"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeywordMetric" ADD CONSTRAINT "KeywordMetric_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "AdCampaign"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeywordMetric" ADD CONSTRAINT "KeywordMetric_adGroupId_fkey" FOREIGN KEY ("adGroupId") REFERENCES "AdGroup"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SalesDaily" ADD CONSTRAINT "SalesDaily_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "Brand"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SalesDaily" ADD CONSTRAINT "SalesDaily_skuId_fkey" FOREIGN KEY ("skuId") REFERENCES "SKU"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AsinSkuMapping" ADD CONSTRAINT "AsinSkuMapping_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "Brand"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AsinSkuMapping" ADD CONSTRAINT "AsinSkuMapping_skuId_fkey" FOREIGN KEY ("skuId") REFERENCES "SKU"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AsinSkuMapping" ADD CONSTRAINT "AsinSkuMapping_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncLog" ADD CONSTRAINT "SyncLog_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncLog" ADD CONSTRAINT "SyncLog_credentialId_fkey" FOREIGN KEY ("credentialId") REFERENCES "IntegrationCredential"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncLog" ADD CONSTRAINT "SyncLog_triggeredById_fkey" FOREIGN KEY ("triggeredById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Unique keys over nullable columns: NULLS NOT DISTINCT (PostgreSQL 15+) so that a row without a portfolio,
-- campaign, ad group, brand, ASIN or external account still has exactly one identity. Applied above.

-- Validation rules of the spec as CHECK constraints (zod validates the same at the edges).
ALTER TABLE "IntegrationCredential"
  ADD CONSTRAINT "IntegrationCredential_integrationType_check" CHECK ("integrationType" IN ('amazon_ads', 'shopify')),
  ADD CONSTRAINT "IntegrationCredential_status_check" CHECK ("status" IN ('active', 'expired', 'revoked', 'error'));

ALTER TABLE "AdPortfolio"
  ADD CONSTRAINT "AdPortfolio_state_check" CHECK ("state" IN ('enabled', 'paused', 'archived')),
  ADD CONSTRAINT "AdPortfolio_budgetAmount_check" CHECK ("budgetAmount" IS NULL OR "budgetAmount" >= 0);

ALTER TABLE "AdCampaign"
  ADD CONSTRAINT "AdCampaign_campaignType_check" CHECK ("campaignType" IN ('sponsoredProducts', 'sponsoredBrands', 'sponsoredDisplay')),
  ADD CONSTRAINT "AdCampaign_targetingType_check" CHECK ("targetingType" IS NULL OR "targetingType" IN ('manual', 'auto')),
  ADD CONSTRAINT "AdCampaign_state_check" CHECK ("state" IN ('enabled', 'paused', 'archived')),
  ADD CONSTRAINT "AdCampaign_dailyBudget_check" CHECK ("dailyBudget" IS NULL OR "dailyBudget" >= 0);

ALTER TABLE "AdGroup"
  ADD CONSTRAINT "AdGroup_state_check" CHECK ("state" IN ('enabled', 'paused', 'archived')),
  ADD CONSTRAINT "AdGroup_defaultBid_check" CHECK ("defaultBid" IS NULL OR "defaultBid" >= 0);

ALTER TABLE "KeywordMetric"
  ADD CONSTRAINT "KeywordMetric_matchType_check" CHECK ("matchType" IS NULL OR "matchType" IN ('exact', 'phrase', 'broad', 'auto', 'product')),
  ADD CONSTRAINT "KeywordMetric_source_check" CHECK ("source" IN ('api', 'csv_amazon', 'csv_zonguru', 'csv_helium10')),
  ADD CONSTRAINT "KeywordMetric_counts_check" CHECK ("impressions" >= 0 AND "clicks" >= 0 AND "orders" >= 0),
  ADD CONSTRAINT "KeywordMetric_money_check" CHECK ("spend" >= 0 AND "sales" >= 0),
  ADD CONSTRAINT "KeywordMetric_rates_check" CHECK (
    ("ctr" IS NULL OR "ctr" >= 0) AND ("cpc" IS NULL OR "cpc" >= 0) AND ("roas" IS NULL OR "roas" >= 0)
    AND ("conversionRate" IS NULL OR "conversionRate" >= 0) AND ("acos" IS NULL OR "acos" >= 0)),
  ADD CONSTRAINT "KeywordMetric_keyword_check" CHECK (length("keyword") > 0);

ALTER TABLE "SalesDaily"
  ADD CONSTRAINT "SalesDaily_channel_check" CHECK ("channel" IN ('amazon', 'shopify')),
  ADD CONSTRAINT "SalesDaily_organicSales_check" CHECK ("organicSales" >= 0),
  ADD CONSTRAINT "SalesDaily_adAttributedSales_check" CHECK ("adAttributedSales" >= 0),
  ADD CONSTRAINT "SalesDaily_units_check" CHECK (
    ("unitsAdAttributed" IS NULL OR "unitsAdAttributed" >= 0) AND ("unitsOrganic" IS NULL OR "unitsOrganic" >= 0));

ALTER TABLE "SyncLog"
  ADD CONSTRAINT "SyncLog_syncType_check" CHECK ("syncType" IN ('amazon_ads_full', 'amazon_ads_incremental', 'shopify_orders', 'csv_upload', 'retention_cleanup')),
  ADD CONSTRAINT "SyncLog_status_check" CHECK ("status" IN ('started', 'completed', 'failed', 'partial')),
  ADD CONSTRAINT "SyncLog_counts_check" CHECK ("recordsProcessed" >= 0 AND "recordsCreated" >= 0 AND "recordsUpdated" >= 0
    AND "recordsDeleted" >= 0 AND "recordsFailed" >= 0),
  ADD CONSTRAINT "SyncLog_fileSize_check" CHECK ("fileSize" IS NULL OR "fileSize" >= 0);

ALTER TABLE "Notification"
  ADD CONSTRAINT "Notification_type_check" CHECK ("type" IN ('sync_failure', 'credential_expired', 'info')),
  ADD CONSTRAINT "Notification_relatedType_check" CHECK ("relatedType" IS NULL OR "relatedType" IN ('sync_log', 'credential'));
