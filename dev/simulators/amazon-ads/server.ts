import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { generateAccount, type SimAccount } from './account';
import { reportRows, type RestatementPolicy, type SimReportType } from './report-rows';

// Development-only simulator of the Amazon Ads API and Login with Amazon, following the public contract closely
// enough that the product's client works against it by changing base URLs: the LWA token endpoint (refresh and
// authorization code, expiry, revocation), profiles, v3 list endpoints with vendored media types and nextToken
// paging, error bodies and status codes. Tests drive it through /__admin: inject faults, expire or revoke tokens,
// read the request log.

export interface SimulatorOptions {
  seed?: number;
  campaignsPerProfile?: number;
  clientId?: string;
  clientSecret?: string;
  accessTokenTtlSeconds?: number;
  /** Refresh tokens accepted from the start (the demo's, so it survives restarts of the simulator). */
  refreshTokens?: string[];
  /** How long a report takes from PENDING to COMPLETED (half of it PENDING, half PROCESSING). */
  reportDelayMs?: number;
  /** Days before today whose conversions change when the admin restates. */
  restatementDays?: number;
}

interface SimReport {
  reportId: string;
  profileId: number;
  name: string;
  startDate: string;
  endDate: string;
  configuration: { reportTypeId: SimReportType; columns: string[]; [key: string]: unknown };
  configKey: string;
  createdAt: number;
  failureReason: string | null;
}

const REPORT_TYPES: Record<SimReportType, string> = { spSearchTerm: 'searchTerm', spAdvertisedProduct: 'advertiser' };
const URL_TTL_MS = 60 * 60 * 1000;

interface Fault {
  route: string;
  status: number;
  times: number;
  retryAfter?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  route: string;
  status: number;
  hasAuthorization: boolean;
  clientIdHeader: string | null;
  scope: string | null;
  contentType: string | null;
  at: string;
}

const LIST_ROUTES = {
  '/portfolios/list': { mediaType: 'application/vnd.spPortfolio.v3+json', key: 'portfolios', route: 'portfolios' },
  '/sp/campaigns/list': { mediaType: 'application/vnd.spCampaign.v3+json', key: 'campaigns', route: 'campaigns' },
  '/sp/adGroups/list': { mediaType: 'application/vnd.spAdGroup.v3+json', key: 'adGroups', route: 'adGroups' },
} as const;

const requestId = () => randomBytes(10).toString('hex').toUpperCase();

export class AmazonAdsSimulator {
  readonly app: FastifyInstance;
  private account: SimAccount;
  private readonly accessTokens = new Map<string, { clientId: string; expiresAt: number }>();
  private readonly refreshTokens = new Set<string>();
  private readonly revoked = new Set<string>();
  private readonly usedCodes = new Set<string>();
  private faults: Fault[] = [];
  readonly requests: LoggedRequest[] = [];
  private readonly reports = new Map<string, SimReport>();
  private readonly signingKey = randomBytes(16);
  private clockOffsetMs = 0;
  private restatement: RestatementPolicy;
  private baseUrl = '';

  constructor(private readonly options: Required<SimulatorOptions>) {
    this.account = generateAccount({ seed: options.seed, campaignsPerProfile: options.campaignsPerProfile });
    for (const token of options.refreshTokens) this.refreshTokens.add(token);
    this.restatement = { days: options.restatementDays, version: 0 };
    this.app = Fastify({ logger: false });
    this.app.addContentTypeParser(/^application\/(vnd\.[\w.]+\+)?json$/, { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, body === '' ? {} : JSON.parse(body as string));
      } catch (err) {
        done(err as Error, undefined);
      }
    });
    this.app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    this.app.addHook('onResponse', async (request, reply) => {
      const route = (request.routeOptions.config as { simRoute?: string } | undefined)?.simRoute ?? request.url;
      this.requests.push({
        method: request.method,
        path: request.url,
        route,
        status: reply.statusCode,
        hasAuthorization: request.headers.authorization !== undefined,
        clientIdHeader: (request.headers['amazon-advertising-api-clientid'] as string | undefined) ?? null,
        scope: (request.headers['amazon-advertising-api-scope'] as string | undefined) ?? null,
        contentType: request.headers['content-type'] ?? null,
        at: new Date().toISOString(),
      });
    });
    this.routes();
  }

  /** A refresh token the simulator accepts, as if a user had granted consent. */
  issueRefreshToken(): string {
    const token = `Atzr|${randomBytes(24).toString('base64url')}`;
    this.refreshTokens.add(token);
    return token;
  }

  get profiles() {
    return this.account.profiles;
  }

  campaignsOf(profileId: number) {
    return this.account.campaigns.get(profileId) ?? [];
  }

  portfoliosOf(profileId: number) {
    return this.account.portfolios.get(profileId) ?? [];
  }

  adGroupsOf(profileId: number) {
    return this.account.adGroups.get(profileId) ?? [];
  }

  /** The next `times` calls of `route` answer `status` (with Retry-After for 429 when given). */
  injectFault(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  private takeFault(route: string): Fault | undefined {
    const fault = this.faults.find((f) => f.route === route && f.times > 0);
    if (fault) fault.times -= 1;
    return fault;
  }

  private answerFault(reply: FastifyReply, fault: Fault) {
    if (fault.status === 429) {
      if (fault.retryAfter !== undefined) reply.header('retry-after', String(fault.retryAfter));
      return reply.code(429).send({ code: '429', details: 'Too Many Requests', requestId: requestId() });
    }
    if (fault.status >= 500) return reply.code(fault.status).send({ message: 'Internal Server Error' });
    return reply.code(fault.status).send({ code: String(fault.status), details: 'Injected failure', requestId: requestId() });
  }

  private issueAccessToken(clientId: string): { access_token: string; token_type: 'bearer'; expires_in: number } {
    const token = `Atza|${randomBytes(32).toString('base64url')}`;
    this.accessTokens.set(token, { clientId, expiresAt: Date.now() + this.options.accessTokenTtlSeconds * 1000 });
    return { access_token: token, token_type: 'bearer', expires_in: this.options.accessTokenTtlSeconds };
  }

  /** Bearer token and client id check of every Ads call; answers 401 the way the API does. */
  private authenticate(request: FastifyRequest, reply: FastifyReply, scoped: boolean): number | null | undefined {
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const token = bearer ? this.accessTokens.get(bearer) : undefined;
    const clientId = request.headers['amazon-advertising-api-clientid'];
    if (!token || token.expiresAt <= Date.now() || clientId !== token.clientId) {
      void reply.code(401).send({ code: '401', details: 'Authentication failed', requestId: requestId() });
      return undefined;
    }
    if (!scoped) return null;
    const scope = request.headers['amazon-advertising-api-scope'];
    if (!scope) {
      void reply.code(401).send({ code: '401', details: 'Scope header is missing', requestId: requestId() });
      return undefined;
    }
    const profile = this.account.profiles.find((p) => String(p.profileId) === scope);
    if (!profile) {
      void reply.code(401).send({ code: '401', details: `Not authorized to access scope ${scope}`, requestId: requestId() });
      return undefined;
    }
    return profile.profileId;
  }

  private routes(): void {
    const app = this.app;

    app.post('/auth/o2/token', { config: { simRoute: 'token' } }, async (request, reply) => {
      const fault = this.takeFault('token');
      if (fault) return this.answerFault(reply, fault);
      const body = (typeof request.body === 'object' && request.body ? request.body : {}) as Record<string, string>;
      if (body.client_id !== this.options.clientId || body.client_secret !== this.options.clientSecret) {
        return reply.code(401).send({ error: 'invalid_client', error_description: 'Client authentication failed' });
      }
      if (body.grant_type === 'refresh_token') {
        const token = body.refresh_token ?? '';
        if (!this.refreshTokens.has(token) || this.revoked.has(token)) {
          return reply.code(400).send({ error_description: 'The request has an invalid grant parameter : refresh_token', error: 'invalid_grant' });
        }
        return { ...this.issueAccessToken(body.client_id), refresh_token: token };
      }
      if (body.grant_type === 'authorization_code') {
        const code = body.code ?? '';
        if (!code.startsWith('ANcode') || this.usedCodes.has(code)) {
          return reply.code(400).send({ error_description: 'The request has an invalid grant parameter : code', error: 'invalid_grant' });
        }
        this.usedCodes.add(code);
        return { ...this.issueAccessToken(body.client_id), refresh_token: this.issueRefreshToken() };
      }
      return reply.code(400).send({ error: 'unsupported_grant_type', error_description: 'The authorization grant type is not supported' });
    });

    app.get('/v2/profiles', { config: { simRoute: 'profiles' } }, async (request, reply) => {
      const fault = this.takeFault('profiles');
      if (fault) return this.answerFault(reply, fault);
      if (this.authenticate(request, reply, false) === undefined) return reply;
      const filter = (request.query as { profileTypeFilter?: string }).profileTypeFilter?.split(',');
      return this.account.profiles.filter((p) => !filter || filter.includes(p.accountInfo.type));
    });

    for (const [path, spec] of Object.entries(LIST_ROUTES)) {
      app.post(path, { config: { simRoute: spec.route } }, async (request, reply) => {
        const fault = this.takeFault(spec.route);
        if (fault) return this.answerFault(reply, fault);
        const profileId = this.authenticate(request, reply, true);
        if (profileId === undefined) return reply;
        if (request.headers['content-type'] !== spec.mediaType) {
          return reply.code(415).send({ code: '415', details: `Content-Type must be ${spec.mediaType}`, requestId: requestId() });
        }
        const body = (request.body ?? {}) as { maxResults?: number; nextToken?: string; stateFilter?: { include?: string[] | string }; campaignIdFilter?: { include?: string[] } };
        const maxResults = body.maxResults ?? 100;
        if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 5000) {
          return reply.code(400).send({ code: 'INVALID_ARGUMENT', details: 'maxResults must be between 1 and 5000', requestId: requestId() });
        }
        const states = typeof body.stateFilter?.include === 'string' ? body.stateFilter.include.split(',') : body.stateFilter?.include;
        const filterHash = createHash('sha1').update(JSON.stringify({ states, campaigns: body.campaignIdFilter?.include ?? null })).digest('hex').slice(0, 12);
        let offset = 0;
        if (body.nextToken) {
          try {
            const decoded = JSON.parse(Buffer.from(body.nextToken, 'base64url').toString('utf8')) as { o: number; f: string };
            if (decoded.f !== filterHash) throw new Error('filters changed');
            offset = decoded.o;
          } catch {
            return reply.code(400).send({ code: 'INVALID_ARGUMENT', details: 'Invalid nextToken', requestId: requestId() });
          }
        }
        const all = (
          spec.key === 'portfolios' ? this.portfoliosOf(profileId!) : spec.key === 'campaigns' ? this.campaignsOf(profileId!) : this.adGroupsOf(profileId!)
        ) as Array<{ state: string; campaignId?: string }>;
        const matching = all.filter(
          (item) =>
            (!states || states.map((s) => s.toUpperCase()).includes(item.state)) &&
            (!body.campaignIdFilter?.include || (item.campaignId !== undefined && body.campaignIdFilter.include.includes(item.campaignId))),
        );
        const page = matching.slice(offset, offset + maxResults);
        const next = offset + maxResults < matching.length ? Buffer.from(JSON.stringify({ o: offset + maxResults, f: filterHash })).toString('base64url') : undefined;
        reply.type(spec.mediaType);
        return { [spec.key]: page, totalResults: matching.length, ...(next ? { nextToken: next } : {}) };
      });
    }

    app.post('/reporting/reports', { config: { simRoute: 'reports.create' } }, async (request, reply) => {
      const fault = this.takeFault('reports.create');
      if (fault) return this.answerFault(reply, { ...fault, retryAfter: undefined }); // report creation sends no Retry-After
      const profileId = this.authenticate(request, reply, true);
      if (profileId === undefined) return reply;
      if (request.headers['content-type'] !== 'application/vnd.createasyncreportrequest.v3+json') {
        return reply.code(415).send({ code: '415', detail: 'Content-Type must be application/vnd.createasyncreportrequest.v3+json' });
      }
      const body = request.body as { name?: string; startDate?: string; endDate?: string; configuration?: SimReport['configuration'] & { groupBy?: string[]; timeUnit?: string; format?: string; adProduct?: string } };
      const config = body.configuration;
      const isDate = (d: unknown): d is string => typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d);
      const bad = (detail: string) => reply.code(400).send({ code: '400', detail });
      if (!isDate(body.startDate) || !isDate(body.endDate) || body.endDate < body.startDate) return bad('startDate and endDate must be YYYY-MM-DD, endDate not before startDate');
      if ((Date.parse(body.endDate) - Date.parse(body.startDate)) / 86_400_000 > 30) return bad('The date range of a report can be at most 31 days');
      const today = this.today(profileId!);
      if ((Date.parse(today) - Date.parse(body.startDate)) / 86_400_000 > 95) return bad('Report date is too far in the past. Reports are available for the last 95 days.');
      if (!config || !(config.reportTypeId in REPORT_TYPES) || config.adProduct !== 'SPONSORED_PRODUCTS') return bad('Unsupported reportTypeId or adProduct');
      if (!config.groupBy?.includes(REPORT_TYPES[config.reportTypeId])) return bad(`groupBy must be [${REPORT_TYPES[config.reportTypeId]}] for ${config.reportTypeId}`);
      if (config.timeUnit !== 'DAILY' || !config.columns?.includes('date') || config.format !== 'GZIP_JSON') return bad('timeUnit DAILY with the date column and format GZIP_JSON are supported');
      const configKey = createHash('sha1').update(JSON.stringify({ profileId, startDate: body.startDate, endDate: body.endDate, config })).digest('hex');
      const inFlight = [...this.reports.values()].find((r) => r.configKey === configKey && !r.failureReason && this.reportView(r).status !== 'COMPLETED');
      if (inFlight) return reply.code(425).send({ code: '425', detail: `The Request is a duplicate of : ${inFlight.reportId}` });
      const report: SimReport = {
        reportId: randomUUID(), profileId: profileId!, name: body.name ?? 'report', startDate: body.startDate, endDate: body.endDate,
        configuration: config, configKey, createdAt: this.now(), failureReason: null,
      };
      this.reports.set(report.reportId, report);
      return this.reportView(report);
    });

    app.get('/reporting/reports/:reportId', { config: { simRoute: 'reports.get' } }, async (request, reply) => {
      const fault = this.takeFault('reports.get');
      if (fault) return this.answerFault(reply, fault);
      const profileId = this.authenticate(request, reply, true);
      if (profileId === undefined) return reply;
      const report = this.reports.get((request.params as { reportId: string }).reportId);
      if (!report || report.profileId !== profileId) return reply.code(404).send({ code: '404', detail: 'Report not found' });
      return this.reportView(report);
    });

    app.get('/__downloads/:file', { config: { simRoute: 'download' } }, async (request, reply) => {
      const fault = this.takeFault('download');
      if (fault) return this.answerFault(reply, fault);
      // A pre-signed S3 URL: extra auth breaks the signature; an old link has expired.
      if (request.headers.authorization) return reply.code(400).type('application/xml').send('<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>');
      const id = /^report-(.+)\.json\.gz$/.exec((request.params as { file: string }).file)?.[1] ?? '';
      const query = request.query as { 'X-Amz-Expires'?: string; 'X-Amz-Signature'?: string };
      const report = this.reports.get(id);
      const expected = createHmac('sha256', this.signingKey).update(`${id}:${query['X-Amz-Expires']}`).digest('hex');
      if (!report || query['X-Amz-Signature'] !== expected) return reply.code(403).type('application/xml').send('<Error><Code>SignatureDoesNotMatch</Code></Error>');
      if (Number(query['X-Amz-Expires']) < this.now()) return reply.code(403).type('application/xml').send('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
      const columns = new Set(report.configuration.columns);
      const rows = reportRows(this.account, report.profileId, report.configuration.reportTypeId, report, this.today(report.profileId), this.restatement);
      const body = Readable.from(
        (function* () {
          yield '[';
          let first = true;
          for (const row of rows) {
            const picked = Object.fromEntries(Object.entries(row).filter(([key]) => columns.has(key)));
            yield `${first ? '' : ','}${JSON.stringify(picked)}`;
            first = false;
          }
          yield ']';
        })(),
      ).pipe(createGzip());
      return reply.type('application/octet-stream').send(body);
    });

    app.post('/__admin/restate', async () => {
      this.restate();
      return { version: this.restatement.version };
    });
    app.post('/__admin/clock', async (request) => {
      this.setClockOffset((request.body as { offsetMs: number }).offsetMs);
      return { now: new Date(this.now()).toISOString() };
    });
    app.post('/__admin/faults', async (request) => {
      this.injectFault(request.body as Fault);
      return { ok: true };
    });
    app.post('/__admin/revoke', async (request) => {
      this.revoke((request.body as { refreshToken: string }).refreshToken);
      return { ok: true };
    });
    app.post('/__admin/expire-access-tokens', async () => {
      this.expireAccessTokens();
      return { ok: true };
    });
    app.post('/__admin/refresh-tokens', async () => ({ refreshToken: this.issueRefreshToken() }));
    app.get('/__admin/requests', async () => this.requests);
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** The profile's calendar day now (report dates are the profile's local dates). */
  today(profileId: number): string {
    const timezone = this.account.profiles.find((p) => p.profileId === profileId)?.timezone ?? 'UTC';
    return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(this.now());
  }

  /** Conversions of the last `restatementDays` days change from now on, as attribution restates them. */
  restate(): void {
    this.restatement = { ...this.restatement, version: this.restatement.version + 1 };
  }

  setClockOffset(ms: number): void {
    this.clockOffsetMs = ms;
  }

  /** Every row the simulator would put in such a report now (for tests to compare totals with). */
  rowsOf(profileId: number, type: SimReportType, startDate: string, endDate: string): Record<string, unknown>[] {
    return [...reportRows(this.account, profileId, type, { startDate, endDate }, this.today(profileId), this.restatement)];
  }

  setBaseUrl(url: string): void {
    this.baseUrl = url;
  }

  private reportView(report: SimReport) {
    const age = this.now() - report.createdAt;
    const delay = this.options.reportDelayMs;
    const status = report.failureReason ? 'FAILED' : age < delay / 2 ? 'PENDING' : age < delay ? 'PROCESSING' : 'COMPLETED';
    const completed = status === 'COMPLETED';
    const generatedAt = report.createdAt + delay;
    const expires = generatedAt + URL_TTL_MS;
    const signature = createHmac('sha256', this.signingKey).update(`${report.reportId}:${expires}`).digest('hex');
    return {
      reportId: report.reportId,
      name: report.name,
      status,
      startDate: report.startDate,
      endDate: report.endDate,
      configuration: report.configuration,
      createdAt: new Date(report.createdAt).toISOString(),
      updatedAt: new Date(this.now()).toISOString(),
      generatedAt: completed ? new Date(generatedAt).toISOString() : null,
      fileSize: completed ? 1024 : null,
      url: completed ? `${this.baseUrl}/__downloads/report-${report.reportId}.json.gz?X-Amz-Expires=${expires}&X-Amz-Signature=${signature}` : null,
      urlExpiresAt: completed ? new Date(expires).toISOString() : null,
      failureReason: report.failureReason,
    };
  }

  /** Expires every access token now (a token expiring mid-sync). */
  expireAccessTokens(): void {
    for (const token of this.accessTokens.values()) token.expiresAt = 0;
  }

  revoke(refreshToken: string): void {
    this.revoked.add(refreshToken);
  }
}

export async function startAmazonAdsSimulator(options: SimulatorOptions & { port?: number; host?: string } = {}) {
  const simulator = new AmazonAdsSimulator({
    seed: options.seed ?? 42,
    campaignsPerProfile: options.campaignsPerProfile ?? 25,
    clientId: options.clientId ?? 'amzn1.application-oa2-client.simulator',
    clientSecret: options.clientSecret ?? 'simulator-secret',
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
    refreshTokens: options.refreshTokens ?? [],
    reportDelayMs: options.reportDelayMs ?? 3000,
    restatementDays: options.restatementDays ?? 14,
  });
  const address = await simulator.app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  simulator.setBaseUrl(address);
  return { simulator, url: address, close: () => simulator.app.close() };
}
