import { errorFor, UnauthorizedError } from './errors';

// The Amazon Ads API client: the required headers, v3 list endpoints with nextToken paging, profiles. One home
// for every call to Amazon Ads; retries belong to Temporal, except the one replay after a 401 with a fresh token.

/** Where access tokens come from: the current one, or a fresh one after a 401. */
export interface AccessTokenSource {
  current(): Promise<string>;
  refresh(): Promise<string>;
}

export interface AdsProfile {
  profileId: string;
  countryCode: string;
  currencyCode: string;
  timezone: string;
  accountInfo: { id: string; type: string; name: string; marketplaceStringId: string };
}

export interface AdsPortfolio {
  portfolioId: string;
  name: string;
  state: string;
  budget?: { amount?: number; currencyCode?: string; policy?: string };
}

export interface AdsCampaign {
  campaignId: string;
  portfolioId?: string;
  name: string;
  state: string;
  targetingType?: string;
  budget?: { budget?: number; budgetType?: string };
  startDate?: string;
  endDate?: string;
}

export interface AdsAdGroup {
  adGroupId: string;
  campaignId: string;
  name: string;
  state: string;
  defaultBid?: number;
}

const LISTS = {
  portfolios: { path: '/portfolios/list', mediaType: 'application/vnd.spPortfolio.v3+json', key: 'portfolios' },
  campaigns: { path: '/sp/campaigns/list', mediaType: 'application/vnd.spCampaign.v3+json', key: 'campaigns' },
  adGroups: { path: '/sp/adGroups/list', mediaType: 'application/vnd.spAdGroup.v3+json', key: 'adGroups' },
} as const;

interface ListItem {
  portfolios: AdsPortfolio;
  campaigns: AdsCampaign;
  adGroups: AdsAdGroup;
}

export interface AdsClientSettings {
  /** Regional base URL, e.g. https://advertising-api.amazon.com (or the simulator's). */
  apiUrl: string;
  clientId: string;
  /** Per-call timeout; Amazon's synchronous P99 is about 30 s. */
  timeoutMs?: number;
}

export class AmazonAdsClient {
  constructor(
    private readonly settings: AdsClientSettings,
    private readonly tokens: AccessTokenSource,
  ) {}

  private async call<T>(what: string, path: string, init: { method: 'GET' | 'POST'; profileId?: string; mediaType?: string; body?: unknown }): Promise<T> {
    let token = await this.tokens.current();
    for (let attempt = 1; ; attempt += 1) {
      const headers: Record<string, string> = {
        authorization: `Bearer ${token}`,
        'amazon-advertising-api-clientid': this.settings.clientId,
        accept: init.mediaType ?? 'application/json',
      };
      if (init.profileId) headers['amazon-advertising-api-scope'] = init.profileId;
      if (init.body !== undefined) headers['content-type'] = init.mediaType ?? 'application/json';
      const response = await fetch(new URL(path, this.settings.apiUrl), {
        method: init.method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(this.settings.timeoutMs ?? 60_000),
      });
      const text = await response.text();
      const body: unknown = text ? safeJson(text) : null;
      if (response.ok) return body as T;
      const error = errorFor(response.status, body, response.headers.get('retry-after'), what);
      // An expired token: refresh once and replay once.
      if (error instanceof UnauthorizedError && attempt === 1) {
        token = await this.tokens.refresh();
        continue;
      }
      throw error;
    }
  }

  /** The advertiser profiles the grant reaches (sellers and vendors; agency profiles are left out). */
  async listProfiles(): Promise<AdsProfile[]> {
    const profiles = await this.call<Array<AdsProfile & { profileId: number | string }>>('GET /v2/profiles', '/v2/profiles?profileTypeFilter=seller,vendor', { method: 'GET' });
    // profileId is a JSON number up to 2^53 in practice; keep it as a string, as ids are elsewhere.
    return profiles.map((p) => ({ ...p, profileId: String(p.profileId) }));
  }

  /** Every item of a v3 list, page by page (`nextToken` in the body, same filters, same media type). */
  async *list<K extends keyof typeof LISTS>(kind: K, profileId: string, pageSize = 100): AsyncGenerator<ListItem[K][]> {
    const spec = LISTS[kind];
    let nextToken: string | undefined;
    do {
      const page = await this.call<Record<string, unknown> & { nextToken?: string | null }>(`POST ${spec.path}`, spec.path, {
        method: 'POST',
        profileId,
        mediaType: spec.mediaType,
        body: { stateFilter: { include: ['ENABLED', 'PAUSED', 'ARCHIVED'] }, maxResults: pageSize, ...(nextToken ? { nextToken } : {}) },
      });
      yield (page[spec.key] as ListItem[K][] | undefined) ?? [];
      nextToken = page.nextToken ?? undefined;
    } while (nextToken);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
