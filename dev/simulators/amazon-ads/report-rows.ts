import { createHash } from 'node:crypto';
import type { SimAccount, SimAdGroup, SimCampaign } from './account';

// Report rows of the simulated account, as Reporting v3 writes them (ids as JSON numbers, money as numbers in
// the profile's currency). Deterministic per (profile, entity, date, restatement version): a report asked for
// twice gives the same rows, until the admin "restates" recent days, as attribution does.

export type SimReportType = 'spSearchTerm' | 'spAdvertisedProduct';

const CATALOG = ['B0SIMGRLC1', 'B0SIMPEEL2', 'B0SIMSLIC3', 'B0SIMHERB4', 'B0SIMSPIN5', 'B0SIMKNIF6'];
const AUTO_TARGETS = ['close-match', 'loose-match', 'substitutes', 'complements'];
const WORDS = ['garlic', 'press', 'mincer', 'crusher', 'stainless', 'kitchen', 'tool', 'peeler', 'slicer', 'heavy duty'];

/** A number in [0, 1) from the key: the same key always gives the same number. */
function unit(key: string): number {
  return createHash('sha1').update(key).digest().readUInt32BE(0) / 4294967296;
}

export interface RestatementPolicy {
  /** Days before `today` whose conversions change with each restatement. */
  days: number;
  version: number;
}

function* days(startDate: string, endDate: string): Generator<string> {
  for (let t = Date.parse(`${startDate}T00:00:00Z`); t <= Date.parse(`${endDate}T00:00:00Z`); t += 86_400_000) {
    yield new Date(t).toISOString().slice(0, 10);
  }
}

function targetsOf(campaign: SimCampaign, adGroup: SimAdGroup): Array<{ keywordId: number; keyword: string | null; matchType: string; targeting: string }> {
  if (campaign.targetingType === 'AUTO') {
    return AUTO_TARGETS.map((t, i) => ({ keywordId: Number(adGroup.adGroupId) + 100 + i, keyword: null, matchType: 'TARGETING_EXPRESSION_PREDEFINED', targeting: t }));
  }
  return [0, 1, 2].map((i) => {
    const text = `${WORDS[Math.floor(unit(`${adGroup.adGroupId}:k${i}`) * WORDS.length)]} ${WORDS[(i + 1) % WORDS.length]}`;
    const matchType = ['EXACT', 'PHRASE', 'BROAD'][i]!;
    return { keywordId: Number(adGroup.adGroupId) + 10 + i, keyword: text, matchType, targeting: text };
  });
}

function money(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The rows of one report: DAILY, one row per entity and day with at least one click (search terms) or impression. */
export function* reportRows(
  account: SimAccount,
  profileId: number,
  type: SimReportType,
  range: { startDate: string; endDate: string },
  today: string,
  restatement: RestatementPolicy,
): Generator<Record<string, unknown>> {
  const campaigns = new Map((account.campaigns.get(profileId) ?? []).map((c) => [c.campaignId, c]));
  const adGroups = (account.adGroups.get(profileId) ?? []).filter((g) => campaigns.get(g.campaignId)!.state !== 'ARCHIVED');
  const restatedFrom = new Date(Date.parse(`${today}T00:00:00Z`) - restatement.days * 86_400_000).toISOString().slice(0, 10);
  for (const date of days(range.startDate, range.endDate)) {
    const version = date >= restatedFrom ? restatement.version : 0;
    for (const adGroup of adGroups) {
      const campaign = campaigns.get(adGroup.campaignId)!;
      const common = { date, campaignId: Number(campaign.campaignId), adGroupId: Number(adGroup.adGroupId), campaignName: campaign.name, adGroupName: adGroup.name };
      if (type === 'spAdvertisedProduct') {
        const asin = CATALOG[Math.floor(unit(adGroup.adGroupId) * CATALOG.length)]!;
        const key = `${profileId}:${adGroup.adGroupId}:${date}`;
        const clicks = Math.floor(unit(`${key}:c`) * 40);
        const units = Math.floor(clicks * unit(`${key}:u:${version}`) * 0.3);
        const price = 15 + Math.floor(unit(asin) * 30);
        yield {
          ...common, advertisedAsin: asin, advertisedSku: `SKU-${asin.slice(-5)}`, impressions: clicks * 40 + Math.floor(unit(`${key}:i`) * 300),
          clicks, cost: money(clicks * (0.3 + unit(`${key}:cpc`))), unitsSoldSameSku7d: units, attributedSalesSameSku7d: money(units * price),
          unitsSoldClicks7d: units + (units > 2 ? 1 : 0), sales7d: money(units * price + (units > 2 ? price : 0)),
        };
        continue;
      }
      for (const target of targetsOf(campaign, adGroup)) {
        for (let s = 0; s < 3; s += 1) {
          const key = `${profileId}:${target.keywordId}:${s}:${date}`;
          const clicks = Math.floor(unit(`${key}:c`) * 6);
          if (clicks === 0) continue; // search term rows exist only for clicked impressions
          const purchases = Math.floor(clicks * unit(`${key}:p:${version}`) * 0.5);
          const searchTerm = target.matchType === 'EXACT' && s === 0 ? target.keyword! : `${target.keyword ?? 'kitchen'} ${WORDS[Math.floor(unit(`${key}:w`) * WORDS.length)]} ${s}`;
          yield {
            ...common, keywordId: target.keywordId, keyword: target.keyword ?? '', matchType: target.matchType, targeting: target.targeting, searchTerm,
            impressions: clicks * 25 + Math.floor(unit(`${key}:i`) * 200), clicks, cost: money(clicks * (0.25 + unit(`${key}:cpc`))),
            purchases7d: purchases, sales7d: money(purchases * (12 + unit(`${key}:price`) * 20)), unitsSoldClicks7d: purchases,
            ...(campaign.portfolioId ? { portfolioId: Number(campaign.portfolioId) } : {}),
          };
        }
      }
    }
  }
}
