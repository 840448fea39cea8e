import { createHash, randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { generateAccount, type SimAccount } from './account';

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
}

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

  constructor(private readonly options: Required<SimulatorOptions>) {
    this.account = generateAccount({ seed: options.seed, campaignsPerProfile: options.campaignsPerProfile });
    for (const token of options.refreshTokens) this.refreshTokens.add(token);
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
  });
  const address = await simulator.app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  return { simulator, url: address, close: () => simulator.app.close() };
}
