import type { PrismaClient } from '../../lib/db';
import type { OrderLineFact } from '../../lib/domain/shopify-order-lines';

export interface OrderBatchCounts {
  orders: number;
  created: number;
  updated: number;
  deleted: number;
}

/**
 * Writes a batch of orders, as they are now, in one transaction: their previous lines are replaced by `facts`
 * (none for a cancelled or test order; skuCode '' for a line without SKU), SKUs first seen are added to the brand, and the Shopify SalesDaily rows
 * of every (SKU, day) the old or new lines touch are summed again over all the brand's shops — created, updated
 * in place or deleted when nothing is left. The ASIN of a row follows the brand's ASIN↔SKU mapping (the lowest
 * ASIN mapped to the SKU). Idempotent: the same batch again changes nothing.
 */
export async function writeOrderBatch(prisma: PrismaClient, connection: { id: string; brandId: string }, orderIds: string[], facts: OrderLineFact[]): Promise<OrderBatchCounts> {
  if (orderIds.length === 0) return { orders: 0, created: 0, updated: 0, deleted: 0 };
  const column = <K extends keyof OrderLineFact>(key: K) => facts.map((f) => f[key]);
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`
      CREATE TEMP TABLE IF NOT EXISTS shopify_touched ("skuCode" text, "day" date) ON COMMIT DROP`;
    await tx.$executeRaw`
      WITH removed AS (
        DELETE FROM "ShopifyOrderLine" WHERE "connectionId" = ${connection.id} AND "orderId" = ANY(${orderIds}::text[])
        RETURNING "skuCode", "day"
      )
      INSERT INTO shopify_touched SELECT DISTINCT "skuCode", "day" FROM removed`;
    if (facts.length > 0) {
      await tx.$executeRaw`
        INSERT INTO "ShopifyOrderLine" ("connectionId", "orderId", "lineId", "kind", "skuCode", "day", "amount", "quantity", "orderUpdatedAt")
        SELECT ${connection.id}, f.* FROM unnest(
          ${column('orderId')}::text[], ${column('lineId')}::text[], ${column('kind')}::text[], ${column('skuCode')}::text[],
          ${column('day')}::date[], ${column('amount')}::numeric[], ${column('quantity')}::int[], ${column('orderUpdatedAt')}::timestamptz[]
        ) AS f
        ON CONFLICT DO NOTHING`;
      await tx.$executeRaw`
        INSERT INTO shopify_touched SELECT DISTINCT s, d FROM unnest(${column('skuCode')}::text[], ${column('day')}::date[]) AS t(s, d)`;
      await tx.$executeRaw`
        INSERT INTO "SKU" ("id", "brandId", "code", "name", "updatedAt")
        SELECT gen_random_uuid(), ${connection.brandId}, code, null, now()
        FROM (SELECT DISTINCT unnest(${column('skuCode')}::text[]) AS code) c WHERE code <> ''
        ON CONFLICT ("brandId", "code") DO NOTHING`;
    }
    const [counts] = await tx.$queryRaw<{ created: bigint; updated: bigint; deleted: bigint }[]>`
      WITH pairs AS (SELECT DISTINCT "skuCode", "day" FROM shopify_touched),
      sums AS (
        SELECT p."skuCode", p."day", sum(l."amount") AS "sales", sum(l."quantity")::int AS "units"
        FROM pairs p
        JOIN "ShopifyConnection" c ON c."brandId" = ${connection.brandId}
        JOIN "ShopifyOrderLine" l ON l."connectionId" = c."id" AND l."skuCode" = p."skuCode" AND l."day" = p."day"
        GROUP BY p."skuCode", p."day"
      ),
      linked AS (
        SELECT s.*, k."id" AS "skuId",
               (SELECT min(m."asin") FROM "AsinSkuMapping" m WHERE m."brandId" = ${connection.brandId} AND m."skuId" = k."id") AS "asin"
        FROM sums s LEFT JOIN "SKU" k ON k."brandId" = ${connection.brandId} AND k."code" = s."skuCode"
      ),
      upserted AS (
        INSERT INTO "SalesDaily" AS d ("id", "brandId", "skuId", "asin", "date", "channel", "totalSales", "unitsTotal", "updatedAt")
        SELECT gen_random_uuid(), ${connection.brandId}, l."skuId", l."asin", l."day", 'shopify', l."sales", l."units", now() FROM linked l
        ON CONFLICT ("brandId", "skuId", "date", "channel") WHERE "channel" = 'shopify'
        DO UPDATE SET "totalSales" = EXCLUDED."totalSales", "unitsTotal" = EXCLUDED."unitsTotal", "asin" = EXCLUDED."asin", "updatedAt" = now()
        WHERE (d."totalSales", d."unitsTotal", d."asin") IS DISTINCT FROM (EXCLUDED."totalSales", EXCLUDED."unitsTotal", EXCLUDED."asin")
        RETURNING (xmax = 0) AS inserted
      ),
      emptied AS (
        DELETE FROM "SalesDaily" d
        USING pairs p LEFT JOIN "SKU" k ON k."brandId" = ${connection.brandId} AND k."code" = p."skuCode"
        WHERE d."brandId" = ${connection.brandId} AND d."channel" = 'shopify' AND d."date" = p."day"
          AND d."skuId" IS NOT DISTINCT FROM k."id"
          AND NOT EXISTS (SELECT 1 FROM sums s WHERE s."skuCode" = p."skuCode" AND s."day" = p."day")
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM upserted WHERE inserted) AS created, (SELECT count(*) FROM upserted WHERE NOT inserted) AS updated,
             (SELECT count(*) FROM emptied) AS deleted`;
    return { orders: orderIds.length, created: Number(counts?.created ?? 0), updated: Number(counts?.updated ?? 0), deleted: Number(counts?.deleted ?? 0) };
  }, { timeout: 60_000 });
}

export function addCounts(a: OrderBatchCounts, b: OrderBatchCounts): OrderBatchCounts {
  return { orders: a.orders + b.orders, created: a.created + b.created, updated: a.updated + b.updated, deleted: a.deleted + b.deleted };
}

export const NO_COUNTS: OrderBatchCounts = { orders: 0, created: 0, updated: 0, deleted: 0 };
