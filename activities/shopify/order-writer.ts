import type { PrismaClient } from '../../lib/db';
import { lockSalesDailyLinks } from '../../lib/sales/relink-sales-daily';
import type { OrderLineFact } from '../../lib/domain/shopify-order-lines';

export interface OrderBatchCounts {
  orders: number;
  created: number;
  updated: number;
  deleted: number;
}

/**
 * Writes a batch of orders, as they are now, in one transaction: their previous lines are replaced by `facts`
 * (none for a cancelled or test order; skuCode '' for a line without SKU), SKUs first seen are added to the brand,
 * and the Shopify SalesDaily rows of the (SKU, day)s the old and new lines touch move by the difference (lines
 * removed count negative, lines added positive: computed from the rows actually deleted and inserted, so a batch
 * written twice, even concurrently, moves nothing the second time). A row left without lines is deleted. The ASIN of
 * a row follows the brand's ASIN↔SKU mapping (the lowest ASIN mapped to the SKU). Differences rather than sums over
 * the table keep the cost of a batch independent of how many orders the shop already has.
 */
export async function writeOrderBatch(prisma: PrismaClient, connection: { id: string; brandId: string }, orderIds: string[], facts: OrderLineFact[]): Promise<OrderBatchCounts> {
  if (orderIds.length === 0) return { orders: 0, created: 0, updated: 0, deleted: 0 };
  const column = <K extends keyof OrderLineFact>(key: K) => facts.map((f) => f[key]);
  return prisma.$transaction(async (tx) => {
    // The ASIN of a row is read from the mapping below: a mapping write waits, or is waited for (see relinkSalesDaily).
    await lockSalesDailyLinks(tx, connection.brandId);
    await tx.$executeRaw`
      CREATE TEMP TABLE shopify_delta ("skuCode" text NOT NULL, "day" date NOT NULL, "amount" numeric NOT NULL, "quantity" int NOT NULL, "removed" boolean NOT NULL) ON COMMIT DROP`;
    await tx.$executeRaw`
      WITH removed AS (
        DELETE FROM "ShopifyOrderLine" WHERE "connectionId" = ${connection.id} AND "orderId" = ANY(${orderIds}::text[])
        RETURNING "skuCode", "day", "amount", "quantity"
      )
      INSERT INTO shopify_delta SELECT "skuCode", "day", -"amount", -"quantity", true FROM removed`;
    if (facts.length > 0) {
      await tx.$executeRaw`
        WITH added AS (
          INSERT INTO "ShopifyOrderLine" ("connectionId", "orderId", "lineId", "kind", "skuCode", "day", "amount", "quantity", "orderUpdatedAt")
          SELECT ${connection.id}, f.* FROM unnest(
            ${column('orderId')}::text[], ${column('lineId')}::text[], ${column('kind')}::text[], ${column('skuCode')}::text[],
            ${column('day')}::date[], ${column('amount')}::numeric[], ${column('quantity')}::int[], ${column('orderUpdatedAt')}::timestamptz[]
          ) AS f
          ON CONFLICT DO NOTHING
          RETURNING "skuCode", "day", "amount", "quantity"
        )
        INSERT INTO shopify_delta SELECT "skuCode", "day", "amount", "quantity", false FROM added`;
      await tx.$executeRaw`
        INSERT INTO "SKU" ("id", "brandId", "code", "name", "updatedAt")
        SELECT gen_random_uuid(), ${connection.brandId}, code, null, now()
        FROM (SELECT DISTINCT unnest(${column('skuCode')}::text[]) AS code) c WHERE code <> ''
        ON CONFLICT ("brandId", "code") DO NOTHING`;
    }
    const [moved] = await tx.$queryRaw<{ created: bigint; updated: bigint }[]>`
      WITH deltas AS (
        SELECT "skuCode", "day", sum("amount") AS "sales", sum("quantity")::int AS "units"
        FROM shopify_delta GROUP BY "skuCode", "day"
        HAVING sum("amount") <> 0 OR sum("quantity") <> 0 OR bool_and(NOT "removed")
      ),
      linked AS (
        SELECT x.*, k."id" AS "skuId",
               (SELECT min(m."asin") FROM "AsinSkuMapping" m WHERE m."brandId" = ${connection.brandId} AND m."skuId" = k."id") AS "asin"
        FROM deltas x LEFT JOIN "SKU" k ON k."brandId" = ${connection.brandId} AND k."code" = x."skuCode"
      ),
      upserted AS (
        INSERT INTO "SalesDaily" AS d ("id", "brandId", "skuId", "asin", "date", "channel", "totalSales", "unitsTotal", "updatedAt")
        SELECT gen_random_uuid(), ${connection.brandId}, l."skuId", l."asin", l."day", 'shopify', l."sales", l."units", now() FROM linked l
        ON CONFLICT ("brandId", "skuId", "date", "channel") WHERE "channel" = 'shopify'
        DO UPDATE SET "totalSales" = d."totalSales" + EXCLUDED."totalSales", "unitsTotal" = d."unitsTotal" + EXCLUDED."unitsTotal",
                      "asin" = EXCLUDED."asin", "updatedAt" = now()
        WHERE EXCLUDED."totalSales" <> 0 OR EXCLUDED."unitsTotal" <> 0 OR d."asin" IS DISTINCT FROM EXCLUDED."asin"
        RETURNING (xmax = 0) AS inserted
      )
      SELECT count(*) FILTER (WHERE inserted) AS created, count(*) FILTER (WHERE NOT inserted) AS updated FROM upserted`;
    // Only (SKU, day)s that lost lines can be left with none.
    const deleted = await tx.$executeRaw`
      DELETE FROM "SalesDaily" d
      USING (SELECT DISTINCT "skuCode", "day" FROM shopify_delta WHERE "removed") g
      LEFT JOIN "SKU" k ON k."brandId" = ${connection.brandId} AND k."code" = g."skuCode"
      WHERE d."brandId" = ${connection.brandId} AND d."channel" = 'shopify' AND d."date" = g."day" AND d."skuId" IS NOT DISTINCT FROM k."id"
        AND NOT EXISTS (
          SELECT 1 FROM "ShopifyOrderLine" l JOIN "ShopifyConnection" c ON c."id" = l."connectionId"
          WHERE c."brandId" = ${connection.brandId} AND l."skuCode" = g."skuCode" AND l."day" = g."day"
        )`;
    return { orders: orderIds.length, created: Number(moved?.created ?? 0), updated: Number(moved?.updated ?? 0), deleted };
  }, { timeout: 60_000 });
}

export function addCounts(a: OrderBatchCounts, b: OrderBatchCounts): OrderBatchCounts {
  return { orders: a.orders + b.orders, created: a.created + b.created, updated: a.updated + b.updated, deleted: a.deleted + b.deleted };
}

export const NO_COUNTS: OrderBatchCounts = { orders: 0, created: 0, updated: 0, deleted: 0 };
