import type { AmazonAdsSimulator } from '../simulators/amazon-ads/server';

// The demo's Amazon total sales: Seller Central has no API here, so `npm start` uploads a Business Report "by date"
// (the file a seller downloads) for the simulated account's last 94 days, through POST /imports like any file.
// Each day's total is its advertised-product sales plus an organic part, so the demo shows the split and TACoS.

const money = (cents: number) => `"$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}"`;

export function demoBusinessReport(simulator: AmazonAdsSimulator, profileId: number): string {
  const today = simulator.today(profileId);
  const end = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000);
  const start = new Date(end.getTime() - 93 * 86_400_000);
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  const perDay = new Map<string, { cents: number; units: number }>();
  for (const row of simulator.rowsOf(profileId, 'spAdvertisedProduct', iso(start), iso(end))) {
    const day = perDay.get(row.date as string) ?? { cents: 0, units: 0 };
    day.cents += Math.round(Number(row.attributedSalesSameSku7d) * 100);
    day.units += Number(row.unitsSoldSameSku7d);
    perDay.set(row.date as string, day);
  }
  const lines = ['Date,Ordered Product Sales,Units Ordered,Total Order Items'];
  for (const [date, ad] of [...perDay].sort(([a], [b]) => a.localeCompare(b))) {
    const organicShare = 0.6 + (Number(date.slice(8, 10)) % 7) / 10; // 60–120 % of the ad sales come on top
    const [y, m, d] = date.split('-');
    const units = ad.units + Math.round(ad.units * organicShare) + 3;
    lines.push(`${m}/${d}/${y!.slice(2)},${money(ad.cents + Math.round(ad.cents * organicShare) + 4_500)},${units},${units}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}
