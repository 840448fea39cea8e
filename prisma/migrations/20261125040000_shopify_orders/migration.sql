-- Shopify orders into SalesDaily. Written by hand.
--
-- Identity of a SalesDaily row per channel. Amazon reports sales per ASIN: one row per (brand, ASIN, day), the
-- brand-day row having no ASIN. Shopify sells the SKUs of the brand and knows nothing of ASINs: one row per (brand,
-- SKU, day), the ASIN following from the ASIN↔SKU mapping (and changing with it), the row without SKU holding
-- line items that carry no SKU code. One index over (brand, ASIN, day, channel) cannot say both.
DROP INDEX "SalesDaily_brandId_asin_date_channel_key";
CREATE UNIQUE INDEX "SalesDaily_amazon_identity_key" ON "SalesDaily"("brandId", "asin", "date", "channel") NULLS NOT DISTINCT
  WHERE "channel" = 'amazon';
CREATE UNIQUE INDEX "SalesDaily_shopify_identity_key" ON "SalesDaily"("brandId", "skuId", "date", "channel") NULLS NOT DISTINCT
  WHERE "channel" = 'shopify';

-- Refunds are booked on the day they happen (as the reports of Shopify do), so a Shopify SKU-day holding only a refund
-- is negative, while Amazon totals stay non-negative.
ALTER TABLE "SalesDaily" DROP CONSTRAINT "SalesDaily_totalSales_check";
ALTER TABLE "SalesDaily" DROP CONSTRAINT "SalesDaily_units_check";
ALTER TABLE "SalesDaily"
  ADD CONSTRAINT "SalesDaily_totalSales_check" CHECK ("totalSales" IS NULL OR "totalSales" >= 0 OR "channel" = 'shopify'),
  ADD CONSTRAINT "SalesDaily_units_check" CHECK (
    ("unitsTotal" IS NULL OR "unitsTotal" >= 0 OR "channel" = 'shopify') AND ("unitsAdAttributed" IS NULL OR "unitsAdAttributed" >= 0));

-- Every sale and refund line of the orders of a shop that counts (not cancelled, not a test), on its day in the time zone
-- of the shop: what Shopify SalesDaily rows are summed from. An order sync replaces the lines of its orders, then re-sums
-- only the (SKU, day) pairs those lines touched before or after, so an edited, refunded or cancelled order moves
-- the totals of its days without a full recount.
CREATE TABLE "ShopifyOrderLine" (
    "connectionId" TEXT NOT NULL,
    "orderId" VARCHAR(100) NOT NULL,
    "lineId" VARCHAR(100) NOT NULL,
    "kind" VARCHAR(10) NOT NULL,
    "skuCode" VARCHAR(100) NOT NULL, -- empty for a line item without SKU
    "day" DATE NOT NULL,
    "amount" DECIMAL(12,2) NOT NULL,
    "quantity" INTEGER NOT NULL,
    "orderUpdatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShopifyOrderLine_pkey" PRIMARY KEY ("connectionId", "orderId", "kind", "lineId"),
    CONSTRAINT "ShopifyOrderLine_kind_check" CHECK ("kind" IN ('sale', 'refund'))
);
CREATE INDEX "ShopifyOrderLine_connectionId_skuCode_day_idx" ON "ShopifyOrderLine"("connectionId", "skuCode", "day");
ALTER TABLE "ShopifyOrderLine" ADD CONSTRAINT "ShopifyOrderLine_connectionId_fkey"
  FOREIGN KEY ("connectionId") REFERENCES "ShopifyConnection"("id") ON DELETE CASCADE ON UPDATE CASCADE;
