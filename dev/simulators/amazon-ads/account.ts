// A deterministic advertiser account for the Amazon Ads simulator: the same seed gives the same profiles,
// portfolios, campaigns and ad groups, with the API's shapes (v3 ids as strings, upper-case states).

import { seededRandom } from '../seeded-random';

export interface SimProfile {
  profileId: number;
  countryCode: string;
  currencyCode: string;
  timezone: string;
  accountInfo: { marketplaceStringId: string; id: string; type: 'seller' | 'vendor' | 'agency'; name: string; validPaymentMethod: boolean };
}

export interface SimPortfolio {
  portfolioId: string;
  name: string;
  state: 'ENABLED' | 'PAUSED' | 'ARCHIVED';
  budget?: { amount: number; currencyCode: string; policy: string };
}

export interface SimCampaign {
  campaignId: string;
  portfolioId?: string;
  name: string;
  state: 'ENABLED' | 'PAUSED' | 'ARCHIVED';
  targetingType: 'AUTO' | 'MANUAL';
  budget: { budget: number; budgetType: 'DAILY' };
  startDate: string;
  endDate?: string;
}

export interface SimAdGroup {
  adGroupId: string;
  campaignId: string;
  name: string;
  state: 'ENABLED' | 'PAUSED' | 'ARCHIVED';
  defaultBid: number;
}

export interface SimAccount {
  profiles: SimProfile[];
  portfolios: Map<number, SimPortfolio[]>;
  campaigns: Map<number, SimCampaign[]>;
  adGroups: Map<number, SimAdGroup[]>;
}

const random = seededRandom;

const PRODUCTS = ['Garlic Press', 'Veggie Peeler', 'Mandoline Slicer', 'Herb Scissors', 'Salad Spinner', 'Knife Sharpener', 'Pizza Cutter', 'Can Opener'];
const STATES = ['ENABLED', 'ENABLED', 'ENABLED', 'PAUSED', 'ARCHIVED'] as const;

export function generateAccount(options: { seed: number; campaignsPerProfile: number }): SimAccount {
  const next = random(options.seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const id = (digits: number) => String(Math.floor(10 ** (digits - 1) + next() * 9 * 10 ** (digits - 1)));
  const profiles: SimProfile[] = [
    { profileId: 3_180_000_000_000_001, countryCode: 'US', currencyCode: 'USD', timezone: 'America/Los_Angeles',
      accountInfo: { marketplaceStringId: 'ATVPDKIKX0DER', id: 'A1SELLERUS00001', type: 'seller', name: 'Kitchen Co US', validPaymentMethod: true } },
    { profileId: 3_180_000_000_000_002, countryCode: 'CA', currencyCode: 'CAD', timezone: 'America/Toronto',
      accountInfo: { marketplaceStringId: 'A2EUQ1WTGCTBG2', id: 'A1SELLERCA00001', type: 'seller', name: 'Kitchen Co CA', validPaymentMethod: true } },
    { profileId: 3_180_000_000_000_003, countryCode: 'US', currencyCode: 'USD', timezone: 'America/New_York',
      accountInfo: { marketplaceStringId: 'ATVPDKIKX0DER', id: 'A1AGENCY000001', type: 'agency', name: 'Agency', validPaymentMethod: true } },
  ];
  const account: SimAccount = { profiles, portfolios: new Map(), campaigns: new Map(), adGroups: new Map() };
  for (const profile of profiles) {
    const portfolios: SimPortfolio[] = ['Kitchen', 'Gadgets', 'Seasonal'].map((name) => ({
      portfolioId: id(12),
      name,
      state: 'ENABLED',
      budget: { amount: 500, currencyCode: profile.currencyCode, policy: 'monthlyRecurring' },
    }));
    const campaigns: SimCampaign[] = [];
    const adGroups: SimAdGroup[] = [];
    for (let c = 0; c < options.campaignsPerProfile; c += 1) {
      const targetingType = next() < 0.3 ? 'AUTO' : 'MANUAL';
      const campaign: SimCampaign = {
        campaignId: id(15),
        name: `SP - ${pick(PRODUCTS)} - ${targetingType === 'AUTO' ? 'Auto' : pick(['Exact', 'Phrase', 'Broad'])} ${c + 1}`,
        state: pick(STATES),
        targetingType,
        budget: { budget: Math.round(10 + next() * 90), budgetType: 'DAILY' },
        startDate: '2026-01-15',
      };
      if (next() < 0.7) campaign.portfolioId = pick(portfolios).portfolioId;
      campaigns.push(campaign);
      const groups = 1 + Math.floor(next() * 3);
      for (let g = 0; g < groups; g += 1) {
        adGroups.push({ adGroupId: id(15), campaignId: campaign.campaignId, name: `Ad group ${g + 1}`, state: campaign.state, defaultBid: Math.round((0.3 + next()) * 100) / 100 });
      }
    }
    account.portfolios.set(profile.profileId, portfolios);
    account.campaigns.set(profile.profileId, campaigns);
    account.adGroups.set(profile.profileId, adGroups);
  }
  return account;
}
