-- File imports. Generated with `prisma migrate diff` from the previous schema, then edited by hand:
-- NULLS NOT DISTINCT on the new KeywordMetric identity, and the CHECKs below.
-- The identity no longer holds the portfolio/campaign/ad group links (which a later sync may fill in) but
-- the campaign and ad group as the source names them (campaignRef, adGroupRef).

-- DropIndex
DROP INDEX "KeywordMetric_identity_key";

-- AlterTable
ALTER TABLE "KeywordMetric" ADD COLUMN     "adGroupRef" VARCHAR(255),
ADD COLUMN     "campaignRef" VARCHAR(255);

-- AlterTable
ALTER TABLE "SyncLog" ADD COLUMN     "brandId" TEXT,
ADD COLUMN     "fileFormat" VARCHAR(50),
ADD COLUMN     "fileKey" CHAR(64);

-- CreateTable
CREATE TABLE "ImportRejectedRow" (
    "id" TEXT NOT NULL,
    "syncLogId" TEXT NOT NULL,
    "rowNumber" INTEGER NOT NULL,
    "column" VARCHAR(200),
    "value" TEXT,
    "reason" TEXT NOT NULL,
    "row" JSONB NOT NULL,

    CONSTRAINT "ImportRejectedRow_pkey" PRIMARY KEY ("id")
);

-- CreateTable (scratch space between parsing and merging: UNLOGGED, no WAL)
CREATE UNLOGGED TABLE "ImportStagedKeywordMetric" (
    "syncLogId" TEXT NOT NULL,
    "rowNumber" INTEGER NOT NULL,
    "date" DATE NOT NULL,
    "portfolioName" VARCHAR(255),
    "campaignRef" VARCHAR(255),
    "adGroupRef" VARCHAR(255),
    "keyword" VARCHAR(500) NOT NULL,
    "matchType" VARCHAR(20),
    "searchTerm" VARCHAR(500),
    "impressions" BIGINT NOT NULL DEFAULT 0,
    "clicks" BIGINT NOT NULL DEFAULT 0,
    "spend" DECIMAL(14,2) NOT NULL DEFAULT 0,
    "orders" BIGINT NOT NULL DEFAULT 0,
    "sales" DECIMAL(14,2) NOT NULL DEFAULT 0,
    "metadata" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "ImportStagedKeywordMetric_pkey" PRIMARY KEY ("syncLogId","rowNumber")
);

-- CreateIndex
CREATE UNIQUE INDEX "ImportRejectedRow_syncLogId_rowNumber_key" ON "ImportRejectedRow"("syncLogId", "rowNumber");

-- CreateIndex
CREATE UNIQUE INDEX "KeywordMetric_identity_key" ON "KeywordMetric"("companyId", "brandId", "source", "date", "campaignRef", "adGroupRef", "keyword", "matchType", "searchTerm") NULLS NOT DISTINCT;

-- AddForeignKey
ALTER TABLE "SyncLog" ADD CONSTRAINT "SyncLog_brandId_fkey" FOREIGN KEY ("brandId") REFERENCES "Brand"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ImportRejectedRow" ADD CONSTRAINT "ImportRejectedRow_syncLogId_fkey" FOREIGN KEY ("syncLogId") REFERENCES "SyncLog"("id") ON DELETE CASCADE ON UPDATE CASCADE;


ALTER TABLE "ImportRejectedRow" ADD CONSTRAINT "ImportRejectedRow_rowNumber_check" CHECK ("rowNumber" > 0);
ALTER TABLE "SyncLog" ADD CONSTRAINT "SyncLog_fileKey_check" CHECK ("fileKey" IS NULL OR "fileKey" ~ '^[0-9a-f]{64}$');
