-- Sales from files (Business Reports, advertised product reports). Written by hand.
--
-- SalesDaily gets its two sides from different reports that arrive in any order: the total (Business Report,
-- Shopify) and the ad-attributed part (advertised product report, Ads API). Until a total is reported it is
-- NULL, not 0, and so is organic (hence the CASE: greatest() ignores NULLs). Organic is a generated column, so the split holds after every write of
-- either side, in bulk, without anyone having to remember to recompute it.

ALTER TABLE "SalesDaily" DROP CONSTRAINT "SalesDaily_organicSales_check";
ALTER TABLE "SalesDaily" DROP CONSTRAINT "SalesDaily_units_check";
ALTER TABLE "SalesDaily" DROP COLUMN "organicSales";
ALTER TABLE "SalesDaily" DROP COLUMN "unitsOrganic";

ALTER TABLE "SalesDaily" ALTER COLUMN "totalSales" DROP NOT NULL;
ALTER TABLE "SalesDaily" ALTER COLUMN "adAttributedSales" SET DEFAULT 0;

ALTER TABLE "SalesDaily" ADD COLUMN "organicSales" DECIMAL(10,2)
  GENERATED ALWAYS AS (CASE WHEN "totalSales" IS NOT NULL THEN greatest("totalSales" - "adAttributedSales", 0) END) STORED;
ALTER TABLE "SalesDaily" ADD COLUMN "unitsOrganic" INTEGER
  GENERATED ALWAYS AS (CASE WHEN "unitsTotal" IS NOT NULL THEN greatest("unitsTotal" - coalesce("unitsAdAttributed", 0), 0) END) STORED;

ALTER TABLE "SalesDaily"
  ADD CONSTRAINT "SalesDaily_totalSales_check" CHECK ("totalSales" IS NULL OR "totalSales" >= 0),
  ADD CONSTRAINT "SalesDaily_units_check" CHECK (
    ("unitsTotal" IS NULL OR "unitsTotal" >= 0) AND ("unitsAdAttributed" IS NULL OR "unitsAdAttributed" >= 0));

-- Scratch space between parsing and merging a sales file: UNLOGGED, no WAL.
CREATE UNLOGGED TABLE "ImportStagedSalesDaily" (
    "syncLogId" TEXT NOT NULL,
    "rowNumber" INTEGER NOT NULL,
    "date" DATE NOT NULL,
    "asin" VARCHAR(20),
    "sku" VARCHAR(100),
    "sales" DECIMAL(14,2) NOT NULL,
    "units" BIGINT,

    CONSTRAINT "ImportStagedSalesDaily_pkey" PRIMARY KEY ("syncLogId","rowNumber")
);

-- Merges jsonb objects, later keys winning: rows of one keyword in a file (Keyword Tracker: one row per
-- tracked ASIN) keep every row's metadata (organic_rank_<ASIN>...) instead of the last row's only.
CREATE AGGREGATE jsonb_merge_agg(jsonb) (SFUNC = jsonb_concat, STYPE = jsonb, INITCOND = '{}');
