import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Prisma } from '../../lib/db';
import { checkAsin } from '../../lib/sales/asin';
import type { AppDependencies } from '../app';
import { HttpProblem, notFound, problemSchema } from '../plugins/problem-details';
import { authErrorResponses } from '../schemas';

// Daily sales per channel with the organic split and TACoS, read from SalesDaily (and the ad spend from
// KeywordMetric) in one SQL statement on the SalesDaily(brandId, date) index. Every sum is done by PostgreSQL
// on numeric columns and answered as a decimal string: money never passes through a float.

export const MAX_RANGE_DAYS = 366;

const decimal = z.string().describe('decimal, exact');
const figures = {
  channel: z.enum(['amazon', 'shopify']),
  currencyCode: z.string().nullable().describe('Shopify: the shop’s currency; Amazon: not recorded (the marketplace’s)'),
  totalSales: decimal.nullable().describe('null while no total is known'),
  adAttributedSales: decimal.nullable(),
  organicSales: decimal.nullable().describe('sum of the rows’ organic sales (each max(total − ad-attributed, 0))'),
  unitsTotal: z.number().int().nullable(),
  unitsAdAttributed: z.number().int().nullable(),
  unitsOrganic: z.number().int().nullable(),
  adSpend: decimal.nullable().describe('Amazon ad spend of the brand; null on Shopify, with an asin/sku filter, or when none is known'),
  tacos: decimal.nullable().describe('adSpend / Amazon totalSales, a ratio with 4 decimals (0.1500 = 15 %); null when either is unknown or the total is 0'),
};
const dayRowSchema = z
  .object({
    date: z.string(),
    ...figures,
    basis: z
      .enum(['brand_day', 'asin_rows', 'sku_rows', 'spend_only'])
      .describe('what the day’s figures sum: Amazon’s brand-day row, Amazon’s ASIN rows, Shopify’s rows, or only ad spend (no sales rows)'),
  })
  .meta({ id: 'SalesDay' });
const totalSchema = z.object({ ...figures, days: z.number().int() }).meta({ id: 'SalesTotal' });

const DESCRIPTION = `Per (date, channel): total, ad-attributed and organic sales and units, Amazon ad spend and TACoS, and per-channel totals.

Rules:
- **Amazon, per day**: the brand-day row (asin NULL, from a Business Report by date) when the day has one, else the sum of the day's ASIN rows — never both, they would count the same sales twice. With an \`asin\` or \`sku\` filter only ASIN rows count.
- **Shopify, per day**: the sum of all the day's rows, including the row of line items without a SKU. Refund-only days may be negative.
- **Filters**: \`asin\` = rows with that ASIN (Shopify rows carry the ASIN mapped to their SKU); \`sku\` (a SKU code of the brand) = rows with that SKU, or whose ASIN is mapped to it.
- **adSpend** = the brand's Amazon Ads spend of the day from keyword metrics: API rows when the brand has any that day, else console search-term report rows, else console targeting report rows (the three overlap, so only one counts). Amazon channel only, and only without an asin/sku filter (spend per product is not known); otherwise null.
- **tacos** = adSpend / Amazon totalSales, rounded to 4 decimals; null when either is unknown or the total is 0. A total row's TACoS divides the summed spend by the summed sales over the days where both are known — never an average of daily ratios.
- **Totals** are per channel: channels are never summed together (their currencies may differ).
- Range: \`from\` ≤ \`to\`, at most ${MAX_RANGE_DAYS} days.`;

const salesRoutes: FastifyPluginAsyncZod<AppDependencies> = async (app, { prisma }) => {
  app.get(
    '/sales/daily',
    {
      schema: {
        summary: 'Daily sales per channel with the organic split and TACoS',
        description: DESCRIPTION,
        tags: ['sales'],
        querystring: z.object({
          brandId: z.uuid(),
          from: z.iso.date(),
          to: z.iso.date(),
          channel: z.enum(['amazon', 'shopify']).optional(),
          asin: z.string().min(1).max(40).optional(),
          sku: z.string().min(1).max(100).optional().describe('a SKU code of the brand'),
        }),
        response: {
          200: z.object({
            brandId: z.string(),
            from: z.string(),
            to: z.string(),
            days: z.array(dayRowSchema).describe('one row per (date, channel) with data, by date then channel'),
            totals: z.array(totalSchema).describe('one per channel with data'),
          }),
          ...authErrorResponses,
          404: problemSchema,
        },
      },
    },
    async (request) => {
      const { companyId } = request.principal;
      const { brandId, from, to, channel } = request.query;
      const span = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
      if (span < 1) throw new HttpProblem(400, `Invalid request: querystring.from (${from}) is after querystring.to (${to})`, { errors: [{ location: 'querystring.from', message: 'must not be after to' }] });
      if (span > MAX_RANGE_DAYS) {
        throw new HttpProblem(400, `Invalid request: the range covers ${span} days; ask for at most ${MAX_RANGE_DAYS}`, { errors: [{ location: 'querystring.to', message: `at most ${MAX_RANGE_DAYS} days after from` }] });
      }
      let asin: string | undefined;
      if (request.query.asin !== undefined) {
        const check = checkAsin(request.query.asin);
        if ('reason' in check) throw new HttpProblem(400, `Invalid request: querystring.asin: ${check.reason}`, { errors: [{ location: 'querystring.asin', message: check.reason }] });
        asin = check.asin;
      }
      const brand = await prisma.brand.findFirst({ where: { id: brandId, companyId }, select: { id: true } });
      if (!brand) throw notFound('Brand', brandId);
      let skuId: string | undefined;
      if (request.query.sku !== undefined) {
        const sku = await prisma.sKU.findFirst({ where: { brandId, code: request.query.sku }, select: { id: true } });
        if (!sku) throw new HttpProblem(404, `SKU code "${request.query.sku}" is not a SKU of brand ${brandId}`);
        skuId = sku.id;
      }
      const productFilter = asin !== undefined || skuId !== undefined;
      const wantSpend = !productFilter && channel !== 'shopify';
      const shops = await prisma.shopifyConnection.findMany({ where: { brandId, companyId }, distinct: ['currencyCode'], select: { currencyCode: true } });
      // Several shops in different currencies: their rows are summed by the sync, so no single currency can be named.
      const shopifyCurrency = shops.length === 1 ? shops[0]!.currencyCode : null;

      const filters = Prisma.join(
        [
          Prisma.sql`d."brandId" = ${brandId} AND d."date" BETWEEN ${from}::date AND ${to}::date`,
          ...(channel ? [Prisma.sql`d."channel" = ${channel}`] : []),
          ...(productFilter ? [Prisma.sql`(d."channel" = 'shopify' OR d."asin" IS NOT NULL)`] : []),
          ...(asin !== undefined ? [Prisma.sql`d."asin" = ${asin}`] : []),
          ...(skuId !== undefined
            ? [Prisma.sql`(d."skuId" = ${skuId} OR d."asin" IN (SELECT m."asin" FROM "AsinSkuMapping" m WHERE m."brandId" = ${brandId} AND m."skuId" = ${skuId}))`]
            : []),
        ],
        ' AND ',
      );
      const spend = wantSpend
        ? Prisma.sql`
          SELECT k."date",
                 CASE WHEN bool_or(k."source" = 'api') THEN sum(k."spend") FILTER (WHERE k."source" = 'api')
                      WHEN bool_or(k."source" = 'csv_amazon' AND k."searchTerm" IS NOT NULL)
                        THEN sum(k."spend") FILTER (WHERE k."source" = 'csv_amazon' AND k."searchTerm" IS NOT NULL)
                      ELSE sum(k."spend") FILTER (WHERE k."source" = 'csv_amazon') END AS "adSpend"
          FROM "KeywordMetric" k
          WHERE k."companyId" = ${companyId} AND k."brandId" = ${brandId} AND k."date" BETWEEN ${from}::date AND ${to}::date
            AND k."source" IN ('api', 'csv_amazon')
          GROUP BY k."date"`
        : Prisma.sql`SELECT NULL::date AS "date", NULL::numeric AS "adSpend" WHERE false`;

      const rows = await prisma.$queryRaw<ResultRow[]>`
        WITH sales AS (
          SELECT d."date", d."channel", d."asin", d."totalSales", d."adAttributedSales", d."organicSales",
                 d."unitsTotal", d."unitsAdAttributed", d."unitsOrganic",
                 bool_or(d."asin" IS NULL) OVER (PARTITION BY d."date", d."channel") AS "hasBrandDay"
          FROM "SalesDaily" d
          WHERE ${filters}
        ),
        daily AS (
          SELECT s."date", s."channel",
                 sum(s."totalSales") AS "totalSales", sum(s."adAttributedSales") AS "adAttributedSales", sum(s."organicSales") AS "organicSales",
                 sum(s."unitsTotal") AS "unitsTotal", sum(s."unitsAdAttributed") AS "unitsAdAttributed", sum(s."unitsOrganic") AS "unitsOrganic",
                 CASE WHEN s."channel" = 'shopify' THEN 'sku_rows' WHEN bool_or(s."asin" IS NULL) THEN 'brand_day' ELSE 'asin_rows' END AS "basis"
          FROM sales s
          -- Amazon: the brand-day row when the day has one, else the ASIN rows; never both.
          WHERE s."channel" = 'shopify' OR s."hasBrandDay" = (s."asin" IS NULL)
          GROUP BY s."date", s."channel"
        ),
        spend AS (${spend}),
        amazon AS (
          SELECT coalesce(a."date", p."date") AS "date", 'amazon' AS "channel", a."totalSales", a."adAttributedSales", a."organicSales",
                 a."unitsTotal", a."unitsAdAttributed", a."unitsOrganic", coalesce(a."basis", 'spend_only') AS "basis", p."adSpend"
          FROM (SELECT * FROM daily WHERE "channel" = 'amazon') a
          FULL JOIN spend p ON p."date" = a."date"
        ),
        days AS (
          SELECT * FROM amazon
          UNION ALL
          SELECT "date", "channel", "totalSales", "adAttributedSales", "organicSales", "unitsTotal", "unitsAdAttributed", "unitsOrganic", "basis", NULL::numeric
          FROM daily WHERE "channel" = 'shopify'
        )
        SELECT false AS "isTotal", to_char(x."date", 'YYYY-MM-DD') AS "date", x."channel", x."basis",
               x."totalSales"::text AS "totalSales", x."adAttributedSales"::text AS "adAttributedSales", x."organicSales"::text AS "organicSales",
               x."unitsTotal"::int8 AS "unitsTotal", x."unitsAdAttributed"::int8 AS "unitsAdAttributed", x."unitsOrganic"::int8 AS "unitsOrganic",
               x."adSpend"::text AS "adSpend",
               CASE WHEN x."adSpend" IS NOT NULL AND x."totalSales" <> 0 THEN round(x."adSpend" / x."totalSales", 4)::text END AS "tacos",
               1::int8 AS "days"
        FROM days x
        UNION ALL
        SELECT true, NULL, x."channel", NULL,
               sum(x."totalSales")::text, sum(x."adAttributedSales")::text, sum(x."organicSales")::text,
               sum(x."unitsTotal")::int8, sum(x."unitsAdAttributed")::int8, sum(x."unitsOrganic")::int8,
               sum(x."adSpend")::text,
               -- summed bases over the days where both are known, never an average of daily ratios
               round(sum(x."adSpend") FILTER (WHERE x."totalSales" IS NOT NULL)
                     / nullif(sum(x."totalSales") FILTER (WHERE x."adSpend" IS NOT NULL), 0), 4)::text,
               count(*)::int8
        FROM days x
        GROUP BY x."channel"
        ORDER BY 1, 2, 3`;

      const currencyOf = (c: string) => (c === 'shopify' ? shopifyCurrency : null);
      const num = (v: bigint | number | null) => (v === null ? null : Number(v));
      const common = (r: ResultRow) => ({
        channel: r.channel,
        currencyCode: currencyOf(r.channel),
        totalSales: r.totalSales,
        adAttributedSales: r.adAttributedSales,
        organicSales: r.organicSales,
        unitsTotal: num(r.unitsTotal),
        unitsAdAttributed: num(r.unitsAdAttributed),
        unitsOrganic: num(r.unitsOrganic),
        adSpend: r.adSpend,
        tacos: r.tacos,
      });
      return {
        brandId,
        from,
        to,
        days: rows.filter((r) => !r.isTotal).map((r) => ({ date: r.date!, ...common(r), basis: r.basis! })),
        totals: rows.filter((r) => r.isTotal).map((r) => ({ ...common(r), days: Number(r.days) })),
      };
    },
  );
};

interface ResultRow {
  isTotal: boolean;
  date: string | null;
  channel: 'amazon' | 'shopify';
  basis: 'brand_day' | 'asin_rows' | 'sku_rows' | 'spend_only' | null;
  totalSales: string | null;
  adAttributedSales: string | null;
  organicSales: string | null;
  unitsTotal: bigint | null;
  unitsAdAttributed: bigint | null;
  unitsOrganic: bigint | null;
  adSpend: string | null;
  tacos: string | null;
  days: bigint;
}

export default salesRoutes;
