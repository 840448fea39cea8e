import { Prisma } from '../../lib/db';

/**
 * The one rule for rates, from base metrics, for every source (files, API): a rate whose denominator is zero is
 * null, and a rate too large for its column (ACOS of 10 000 %) is null rather than an overflow.
 * `t` is the SQL alias of a row with impressions, clicks, spend, orders and sales.
 */
export function derivedMetricsSql(t: string) {
  const c = (column: string) => Prisma.raw(`${t}."${column}"`);
  return {
    ctr: Prisma.sql`CASE WHEN ${c('impressions')} > 0 THEN round(${c('clicks')}::numeric / ${c('impressions')}, 4) END`,
    cpc: Prisma.sql`CASE WHEN ${c('clicks')} > 0 AND ${c('spend')} / ${c('clicks')} < 1e8 THEN round(${c('spend')} / ${c('clicks')}, 2) END`,
    acos: Prisma.sql`CASE WHEN ${c('sales')} > 0 AND ${c('spend')} / ${c('sales')} < 1e4 THEN round(${c('spend')} / ${c('sales')}, 4) END`,
    roas: Prisma.sql`CASE WHEN ${c('spend')} > 0 AND ${c('sales')} / ${c('spend')} < 1e8 THEN round(${c('sales')} / ${c('spend')}, 2) END`,
    conversionRate: Prisma.sql`CASE WHEN ${c('clicks')} > 0 AND ${c('orders')}::numeric / ${c('clicks')} < 1e4 THEN round(${c('orders')}::numeric / ${c('clicks')}, 4) END`,
  };
}
