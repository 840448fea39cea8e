import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import StreamArray from 'stream-json/streamers/stream-array.js';
import { AmazonAdsError, DuplicateReportError, errorFor, UnauthorizedError } from './errors';

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

export type ReportTypeId = 'spSearchTerm' | 'spAdvertisedProduct';

/** What each report is asked for: its groupBy and columns (Reporting v3, Sponsored Products, DAILY). */
export const REPORTS: Record<ReportTypeId, { groupBy: string; columns: string[] }> = {
  spSearchTerm: {
    groupBy: 'searchTerm',
    columns: ['date', 'portfolioId', 'campaignId', 'campaignName', 'adGroupId', 'adGroupName', 'keywordId', 'keyword', 'matchType', 'targeting',
      'searchTerm', 'impressions', 'clicks', 'cost', 'purchases7d', 'sales7d', 'unitsSoldClicks7d'],
  },
  spAdvertisedProduct: {
    groupBy: 'advertiser',
    columns: ['date', 'campaignId', 'adGroupId', 'advertisedAsin', 'advertisedSku', 'impressions', 'clicks', 'cost', 'sales7d',
      'unitsSoldClicks7d', 'attributedSalesSameSku7d', 'unitsSoldSameSku7d'],
  },
};

export interface AdsReport {
  reportId: string;
  status: 'PENDING' | 'PROCESSING' | 'COMPLETED' | 'FAILED';
  /** Pre-signed download link (COMPLETED only): fetch it without the API's headers, and keep it out of workflow history. */
  url: string | null;
  urlExpiresAt: string | null;
  failureReason: string | null;
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

  /**
   * Requests a DAILY report (dates are the profile's local dates, at most 31 days, at most 95 days back). An
   * identical report already in flight (425) is not an error: its id is answered, to poll instead.
   */
  async createReport(profileId: string, type: ReportTypeId, startDate: string, endDate: string): Promise<{ reportId: string; duplicate: boolean }> {
    const spec = REPORTS[type];
    try {
      const report = await this.call<AdsReport>('POST /reporting/reports', '/reporting/reports', {
        method: 'POST',
        profileId,
        mediaType: 'application/vnd.createasyncreportrequest.v3+json',
        body: {
          name: `${type} ${startDate}..${endDate}`,
          startDate,
          endDate,
          configuration: { adProduct: 'SPONSORED_PRODUCTS', reportTypeId: type, groupBy: [spec.groupBy], columns: spec.columns, timeUnit: 'DAILY', format: 'GZIP_JSON' },
        },
      });
      return { reportId: report.reportId, duplicate: false };
    } catch (err) {
      if (err instanceof DuplicateReportError && err.reportId) return { reportId: err.reportId, duplicate: true };
      throw err;
    }
  }

  getReport(profileId: string, reportId: string): Promise<AdsReport> {
    return this.call<AdsReport>('GET /reporting/reports/{id}', `/reporting/reports/${encodeURIComponent(reportId)}`, { method: 'GET', profileId });
  }

  /** The rows of a completed report, streamed from the gzipped JSON array: never the whole file in memory. */
  async *downloadReport(url: string): AsyncGenerator<Record<string, unknown>> {
    // No Authorization or Amazon headers: they would break the pre-signed URL's signature.
    const response = await fetch(url, { signal: AbortSignal.timeout(10 * 60_000) });
    if (!response.ok || !response.body) {
      throw errorFor(response.status, await response.text().catch(() => ''), null, 'report download');
    }
    const items = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream).pipe(createGunzip()).pipe(StreamArray.withParserAsStream());
    try {
      for await (const item of items as AsyncIterable<{ value: Record<string, unknown> }>) yield item.value;
    } catch (err) {
      if (err instanceof AmazonAdsError) throw err;
      throw new AmazonAdsError(`report download broke off: ${(err as Error).message}`, null);
    } finally {
      items.destroy();
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
