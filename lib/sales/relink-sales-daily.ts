import type { Prisma } from '../db';

type Tx = Prisma.TransactionClient;

export interface RelinkScope {
  /** ASINs whose mapping was created, changed or deleted (old and new ASIN of an edited mapping). */
  asins: readonly string[];
  /** SKUs on either side of the change (old and new SKU of an edited or deleted mapping). */
  skuIds: readonly string[];
}

export interface RelinkResult {
  /** Amazon rows whose skuId changed. */
  amazonRows: number;
  /** Shopify rows whose asin changed. */
  shopifyRows: number;
}

/**
 * Serializes the writers of a brand's SalesDaily links for the rest of the transaction: mapping writes (which
 * relink) and writers that read the mapping to link new rows (the Shopify orders sync's `min(asin)`, Amazon
 * imports' SKU). Taken before reading the mapping, it makes a concurrent mapping change visible to the writer, or
 * the writer's new rows visible to the relink, so no row keeps a stale link.
 */
export async function lockSalesDailyLinks(tx: Tx, brandId: string): Promise<void> {
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`sales-daily-links:${brandId}`}, 0))::text`;
}

/**
 * Makes a brand's SalesDaily rows follow its ASIN↔SKU mapping after mapping writes, in the caller's transaction,
 * with three set-based statements (never row by row):
 *
 * - Amazon rows of a mapped ASIN get the mapped SKU.
 * - Amazon rows of an ASIN that no longer has a mapping lose the SKU of the change (`skuId` NULL) — a link to
 *   another SKU (made by the SKU code of a report) is kept. SalesDaily does not keep the code a report carried,
 *   so the next import or sync of that ASIN links it by code again (activities/sales-daily/upsert-side.ts).
 * - Shopify rows of a SKU get the lowest ASIN mapped to it (`min(asin)`), NULL when none is: the same rule the
 *   Shopify orders sync writes new rows with.
 *
 * Amazon rows are identified by (brand, asin, date) and Shopify rows by (brand, skuId, date), so no identity
 * changes and no unique key can collide. organicSales does not depend on the links.
 */
export async function relinkSalesDaily(tx: Tx, brandId: string, scope: RelinkScope): Promise<RelinkResult> {
  await lockSalesDailyLinks(tx, brandId);
  const asins = [...new Set(scope.asins)];
  const skuIds = [...new Set(scope.skuIds)];
  let amazonRows = 0;
  let shopifyRows = 0;
  if (asins.length > 0) {
    amazonRows += await tx.$executeRaw`
      UPDATE "SalesDaily" d SET "skuId" = m."skuId", "updatedAt" = now()
      FROM "AsinSkuMapping" m
      WHERE d."brandId" = ${brandId} AND d."channel" = 'amazon' AND d."asin" = ANY(${asins}::text[])
        AND m."brandId" = ${brandId} AND m."asin" = d."asin" AND d."skuId" IS DISTINCT FROM m."skuId"`;
    if (skuIds.length > 0) {
      amazonRows += await tx.$executeRaw`
        UPDATE "SalesDaily" d SET "skuId" = NULL, "updatedAt" = now()
        WHERE d."brandId" = ${brandId} AND d."channel" = 'amazon' AND d."asin" = ANY(${asins}::text[])
          AND d."skuId" = ANY(${skuIds}::text[])
          AND NOT EXISTS (SELECT 1 FROM "AsinSkuMapping" m WHERE m."brandId" = ${brandId} AND m."asin" = d."asin")`;
    }
  }
  if (skuIds.length > 0) {
    shopifyRows = await tx.$executeRaw`
      UPDATE "SalesDaily" d SET "asin" = x."asin", "updatedAt" = now()
      FROM (
        SELECT k."id" AS "skuId", (SELECT min(m."asin") FROM "AsinSkuMapping" m WHERE m."brandId" = ${brandId} AND m."skuId" = k."id") AS "asin"
        FROM "SKU" k WHERE k."brandId" = ${brandId} AND k."id" = ANY(${skuIds}::text[])
      ) x
      WHERE d."brandId" = ${brandId} AND d."channel" = 'shopify' AND d."skuId" = x."skuId" AND d."asin" IS DISTINCT FROM x."asin"`;
  }
  return { amazonRows, shopifyRows };
}
