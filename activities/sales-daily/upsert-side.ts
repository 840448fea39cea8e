import { Prisma } from '../../lib/db';
import type { SalesSide } from '../../integrations/file-formats/format';

type Tx = Prisma.TransactionClient;

export interface UpsertSideResult {
  created: number;
  updated: number;
  identities: number;
}

const COLUMNS: Record<SalesSide, { sales: Prisma.Sql; units: Prisma.Sql }> = {
  total: { sales: Prisma.raw('"totalSales"'), units: Prisma.raw('"unitsTotal"') },
  ad_attributed: { sales: Prisma.raw('"adAttributedSales"'), units: Prisma.raw('"unitsAdAttributed"') },
};

/**
 * Writes one side (total or ad-attributed) of a brand's Amazon SalesDaily rows from `source`, a query giving
 * (date, asin, sku, sales, units) rows, in one statement: rows of one (asin, day) add up, the SKU is linked
 * through the brand's ASIN↔SKU mapping or the SKU code, the other side is left as it is, and organic follows by
 * itself (a generated column). Then the brand-day rows (no ASIN, from a Business Report by date) take the sum
 * of the day's per-ASIN ad-attributed sales as their ad side. Counts rows created and rows whose values changed.
 */
export async function upsertSalesDailySide(tx: Tx, brandId: string, side: SalesSide, source: Prisma.Sql): Promise<UpsertSideResult> {
  const { sales, units } = COLUMNS[side];
  const [result] = await tx.$queryRaw<{ created: bigint; updated: bigint; identities: bigint }[]>`
    WITH aggregated AS (
      SELECT s."date", s."asin", max(s."sku") AS "sku", sum(s."sales") AS "sales",
             CASE WHEN count(s."units") > 0 THEN sum(s."units")::int END AS "units"
      FROM (${source}) s
      GROUP BY s."date", s."asin"
    ),
    linked AS (
      SELECT a.*, coalesce(m."skuId", k."id") AS "skuId"
      FROM aggregated a
      LEFT JOIN "AsinSkuMapping" m ON m."brandId" = ${brandId} AND m."asin" = a."asin"
      LEFT JOIN "SKU" k ON k."brandId" = ${brandId} AND k."code" = a."sku"
    ),
    upserted AS (
      INSERT INTO "SalesDaily" AS d ("id", "brandId", "asin", "skuId", "date", "channel", ${sales}, ${units}, "updatedAt")
      SELECT gen_random_uuid(), ${brandId}, l."asin", l."skuId", l."date", 'amazon', l."sales", l."units", now() FROM linked l
      ON CONFLICT ("brandId", "asin", "date", "channel") WHERE "channel" = 'amazon'
      DO UPDATE SET ${sales} = EXCLUDED.${sales}, ${units} = EXCLUDED.${units},
                    "skuId" = coalesce(EXCLUDED."skuId", d."skuId"), "updatedAt" = now()
      WHERE (d.${sales}, d.${units}, d."skuId") IS DISTINCT FROM (EXCLUDED.${sales}, EXCLUDED.${units}, coalesce(EXCLUDED."skuId", d."skuId"))
      RETURNING (xmax = 0) AS inserted
    )
    SELECT count(*) FILTER (WHERE inserted) AS created, count(*) FILTER (WHERE NOT inserted) AS updated,
           (SELECT count(*) FROM aggregated) AS identities
    FROM upserted`;
  await tx.$executeRaw`
    UPDATE "SalesDaily" b
    SET "adAttributedSales" = x."sales", "unitsAdAttributed" = x."units", "updatedAt" = now()
    FROM (
      SELECT d."date", sum(d."adAttributedSales") AS "sales", sum(d."unitsAdAttributed")::int AS "units"
      FROM "SalesDaily" d
      WHERE d."brandId" = ${brandId} AND d."channel" = 'amazon' AND d."asin" IS NOT NULL
        AND d."date" IN (SELECT DISTINCT s."date" FROM (${source}) s)
      GROUP BY d."date"
    ) x
    WHERE b."brandId" = ${brandId} AND b."channel" = 'amazon' AND b."asin" IS NULL AND b."date" = x."date"
      AND (b."adAttributedSales", b."unitsAdAttributed") IS DISTINCT FROM (x."sales", x."units")`;
  return { created: Number(result?.created ?? 0), updated: Number(result?.updated ?? 0), identities: Number(result?.identities ?? 0) };
}
