import { createHmac, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { execute, GraphQLError, Kind, parse, validate, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { actualCost, orderView, ordersConnection, queryCost, QueryError, schema, type RequestContext } from './schema';
import { SimShop, type SimOrder } from './shop';

// Development-only simulator of the Shopify Admin GraphQL API for one shop, following the public contract closely
// enough that the product's client works against it by changing the shop URL: POST
// /{shop}/admin/api/{version}/graphql.json with X-Shopify-Access-Token, queries validated by graphql-js against the
// schema subset, the cost-based leaky bucket (THROTTLED in a 200 body with extensions.cost), cursor pagination,
// bulk operations whose JSONL result (children as their own lines with __parentId) is downloaded from an
// expiring pre-signed URL, fault injection and a request log under /__admin.

export interface ShopifySimulatorOptions {
  seed?: number;
  orders?: number;
  days?: number;
  skus?: number;
  shopDomain?: string;
  shopName?: string;
  accessToken?: string;
  timezone?: string;
  currency?: string;
  /** The leaky bucket: Shopify's Standard plan restores 100 points a second into a 1000-point bucket (2025). */
  maximumAvailable?: number;
  restoreRate?: number;
  /** How long a bulk operation runs before it is COMPLETED. */
  bulkDelayMs?: number;
}

export const SUPPORTED_API_VERSIONS = ['2025-07', '2025-10', '2026-01', '2026-04', '2026-07', '2026-10'];
const MAX_SINGLE_QUERY_COST = 1000;
const BULK_SLICE = 500;
const BULK_URL_TTL_MS = 7 * 24 * 3_600_000;

type Fault = { kind: 'status'; status: number; times: number; retryAfter?: number } | { kind: 'throttled'; times: number };

export interface LoggedShopifyRequest {
  at: string;
  path: string;
  status: number;
  hasToken: boolean;
  operation: string | null;
  requestedCost: number | null;
  throttled: boolean;
  available: number | null;
}

interface BulkOperation {
  id: string;
  query: string;
  document: DocumentNode;
  createdAt: number;
  objectCount: number | null;
}

export class ShopifySimulator {
  readonly app: FastifyInstance;
  readonly shop: SimShop;
  readonly requests: LoggedShopifyRequest[] = [];
  private faults: Fault[] = [];
  private available: number;
  private lastRestore = Date.now();
  private clockOffsetMs = 0;
  private readonly bulkOperations: BulkOperation[] = [];
  private readonly signingKey = randomBytes(16);
  private baseUrl = '';

  constructor(readonly options: Required<ShopifySimulatorOptions>) {
    this.shop = new SimShop({ seed: options.seed, orders: options.orders, days: options.days, skus: options.skus, timezone: options.timezone, currency: options.currency, anchor: Date.now() });
    this.available = options.maximumAvailable;
    this.app = Fastify({ logger: false, bodyLimit: 5 * 1024 * 1024 });
    this.routes();
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  setBaseUrl(url: string): void {
    this.baseUrl = url;
  }

  /** The throttle's parameters (tests slow the restore rate to make the client wait). */
  setThrottle(limits: { maximumAvailable?: number; restoreRate?: number }): void {
    Object.assign(this.options, limits);
    this.available = Math.min(this.available, this.options.maximumAvailable);
  }

  injectFault(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  private takeFault(): Fault | undefined {
    const fault = this.faults[0];
    if (!fault) return undefined;
    fault.times -= 1;
    if (fault.times <= 0) this.faults.shift();
    return fault;
  }

  private bucket(): number {
    const now = Date.now();
    this.available = Math.min(this.options.maximumAvailable, this.available + ((now - this.lastRestore) / 1000) * this.options.restoreRate);
    this.lastRestore = now;
    return this.available;
  }

  private throttleStatus() {
    return { maximumAvailable: this.options.maximumAvailable, currentlyAvailable: Math.floor(this.bucket()), restoreRate: this.options.restoreRate };
  }

  private context(bulkSlice?: SimOrder[]): RequestContext {
    return { shop: this.shop, currency: this.options.currency, bulkSlice };
  }

  private routes(): void {
    const app = this.app;
    app.post('/:shop/admin/api/:version/graphql.json', async (request, reply) => {
      const { shop, version } = request.params as { shop: string; version: string };
      const log: LoggedShopifyRequest = {
        at: new Date().toISOString(), path: request.url, status: 200, hasToken: request.headers['x-shopify-access-token'] !== undefined,
        operation: null, requestedCost: null, throttled: false, available: null,
      };
      this.requests.push(log);
      const answer = (status: number, body: unknown) => {
        log.status = status;
        return reply.code(status).send(body);
      };
      if (shop !== this.options.shopDomain) return answer(404, { errors: 'Not Found' });
      reply.header('x-shopify-api-version', SUPPORTED_API_VERSIONS.includes(version) ? version : SUPPORTED_API_VERSIONS[0]);
      if (request.headers['x-shopify-access-token'] !== this.options.accessToken) {
        return answer(401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
      }
      const fault = this.takeFault();
      if (fault?.kind === 'status') {
        if (fault.retryAfter !== undefined) reply.header('retry-after', String(fault.retryAfter));
        return answer(fault.status, { errors: fault.status === 429 ? 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' : 'Internal Server Error' });
      }
      const body = request.body as { query?: string; variables?: Record<string, unknown> } | undefined;
      if (!body?.query) return answer(400, { errors: { query: 'Required parameter missing or invalid' } });
      let document: DocumentNode;
      try {
        document = parse(body.query);
      } catch (err) {
        return answer(200, { errors: [(err as GraphQLError).toJSON()] });
      }
      const invalid = validate(schema, document);
      if (invalid.length > 0) return answer(200, { errors: invalid.map((e) => e.toJSON()) });
      const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
      const fragments = Object.fromEntries(
        document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
      );
      const variables = body.variables ?? {};
      const requested = queryCost(operation, fragments, variables);
      log.operation = operation.operation;
      log.requestedCost = requested;
      log.available = Math.floor(this.bucket());
      if (requested > MAX_SINGLE_QUERY_COST) {
        return answer(200, {
          errors: [{ message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_SINGLE_QUERY_COST}).`, extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: MAX_SINGLE_QUERY_COST } }],
        });
      }
      if (fault?.kind === 'throttled' || requested > this.bucket()) {
        log.throttled = true;
        return answer(200, {
          errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
          extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: this.throttleStatus() } },
        });
      }
      const result = await execute({ schema, document, rootValue: this.rootValue(), contextValue: this.context(), variableValues: variables });
      const actual = Math.min(requested, Math.max(1, actualCost(result.data)));
      this.available -= actual;
      return answer(200, {
        ...(result.data ? { data: result.data } : {}),
        ...(result.errors ? { errors: result.errors.map((e) => e.toJSON()) } : {}),
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: this.throttleStatus() } },
      });
    });

    app.get('/__bulk/:file', async (request, reply) => {
      const id = /^(\d+)\.jsonl$/.exec((request.params as { file: string }).file)?.[1] ?? '';
      const query = request.query as { expires?: string; signature?: string };
      const operation = this.bulkOperations.find((o) => o.id.endsWith(`/${id}`));
      const expected = createHmac('sha256', this.signingKey).update(`${id}:${query.expires}`).digest('hex');
      if (!operation || query.signature !== expected) return reply.code(403).type('application/xml').send('<Error><Code>SignatureDoesNotMatch</Code></Error>');
      if (Number(query.expires) < this.now()) return reply.code(403).type('application/xml').send('<Error><Code>ExpiredToken</Code></Error>');
      return reply.type('application/jsonl').send(Readable.from(this.bulkLines(operation)));
    });

    app.get('/__admin/requests', async () => this.requests);
    app.post('/__admin/faults', async (request) => {
      this.injectFault(request.body as Fault);
      return { ok: true };
    });
    app.post('/__admin/throttle', async (request) => {
      this.setThrottle(request.body as { maximumAvailable?: number; restoreRate?: number });
      return this.throttleStatus();
    });
    app.post('/__admin/orders', async () => this.summary(this.shop.placeOrder(this.now())));
    app.post('/__admin/orders/:number/:change', async (request, reply) => {
      const { number, change } = request.params as { number: string; change: string };
      const quantity = (request.body as { quantity?: number } | undefined)?.quantity;
      if (change === 'refund') return this.summary(this.shop.refund(Number(number), this.now(), quantity));
      if (change === 'cancel') return this.summary(this.shop.cancel(Number(number), this.now()));
      if (change === 'quantity' && quantity) return this.summary(this.shop.editQuantity(Number(number), quantity, this.now()));
      return reply.code(400).send({ error: 'change is refund, cancel or quantity (with a quantity)' });
    });
  }

  private summary(order: SimOrder) {
    return { id: order.id, number: order.number, updatedAt: new Date(order.updatedAt).toISOString() };
  }

  private rootValue() {
    const { options } = this;
    return {
      shop: () => ({ __typename: 'Shop', id: 'gid://shopify/Shop/1', name: options.shopName, myshopifyDomain: options.shopDomain, currencyCode: options.currency, ianaTimezone: options.timezone }),
      orders: (args: Record<string, never>, context: RequestContext) => ordersConnection(this.shop, args, context),
      order: ({ id }: { id: string }, context: RequestContext) => {
        const order = this.shop.orders.find((o) => o.id === id);
        return order ? orderView(order, context) : null;
      },
      currentBulkOperation: () => {
        const operation = this.bulkOperations.at(-1);
        return operation ? this.bulkView(operation) : null;
      },
      node: ({ id }: { id: string }) => {
        const operation = this.bulkOperations.find((o) => o.id === id);
        return operation ? this.bulkView(operation) : null;
      },
      bulkOperationRunQuery: ({ query }: { query: string }) => this.startBulkOperation(query),
    };
  }

  private startBulkOperation(query: string) {
    const userError = (message: string) => ({ bulkOperation: null, userErrors: [{ field: ['query'], message }] });
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (err) {
      return userError(`Invalid bulk query: ${(err as Error).message}`);
    }
    const invalid = validate(schema, document);
    if (invalid.length > 0) return userError(`Invalid bulk query: ${invalid[0]!.message}`);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const top = operation?.selectionSet.selections[0];
    if (operation?.operation !== 'query' || top?.kind !== Kind.FIELD || top.name.value !== 'orders') {
      return userError('Bulk queries must contain at least one connection.');
    }
    const running = this.bulkOperations.at(-1);
    if (running && this.bulkView(running).status === 'RUNNING') {
      return userError(`A bulk query operation for this app and shop is already in progress: ${running.id}.`);
    }
    const created: BulkOperation = { id: `gid://shopify/BulkOperation/${this.bulkOperations.length + 1}`, query, document, createdAt: this.now(), objectCount: null };
    this.bulkOperations.push(created);
    return { bulkOperation: this.bulkView(created), userErrors: [] };
  }

  private bulkView(operation: BulkOperation) {
    const completedAt = operation.createdAt + this.options.bulkDelayMs;
    const done = this.now() >= completedAt;
    const number = operation.id.split('/').at(-1)!;
    const expires = completedAt + BULK_URL_TTL_MS;
    const signature = createHmac('sha256', this.signingKey).update(`${number}:${expires}`).digest('hex');
    return {
      __typename: 'BulkOperation',
      id: operation.id,
      status: done ? 'COMPLETED' : 'RUNNING',
      errorCode: null,
      objectCount: String(done ? this.countObjects(operation) : 0),
      fileSize: null,
      url: done ? `${this.baseUrl}/__bulk/${number}.jsonl?expires=${expires}&signature=${signature}` : null,
      partialDataUrl: null,
      query: operation.query,
      createdAt: new Date(operation.createdAt).toISOString(),
      completedAt: done ? new Date(completedAt).toISOString() : null,
    };
  }

  /** Orders and the nodes of their nested connections (line items, refund lines): the lines of the export. */
  private countObjects(operation: BulkOperation): number {
    operation.objectCount ??= this.shop.orders.reduce((sum, o) => sum + 1 + o.lineItems.length + o.refunds.reduce((n, r) => n + r.lines.length, 0), 0);
    return operation.objectCount;
  }

  /** The JSONL result: each order, then its nested connections' nodes as lines of their own with __parentId. */
  private *bulkLines(operation: BulkOperation): Generator<string> {
    for (let start = 0; start < this.shop.orders.length; start += BULK_SLICE) {
      const result = execute({ schema, document: operation.document, rootValue: this.rootValue(), contextValue: this.context(this.shop.orders.slice(start, start + BULK_SLICE)) });
      if (result instanceof Promise) throw new Error('bulk queries resolve synchronously');
      if (result.errors?.length) throw new QueryError(result.errors[0]!.message);
      const connection = (result.data as { orders: { edges?: { node: Record<string, unknown> }[]; nodes?: Record<string, unknown>[] } }).orders;
      const nodes = connection.nodes ?? connection.edges?.map((e) => e.node) ?? [];
      let chunk = '';
      for (const node of nodes) chunk += flatten(node, undefined);
      if (chunk) yield chunk;
    }
  }
}

function isConnection(value: unknown): value is { edges?: { node: Record<string, unknown> }[]; nodes?: Record<string, unknown>[] } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (Array.isArray((value as { edges?: unknown }).edges) || Array.isArray((value as { nodes?: unknown }).nodes));
}

/** One object as JSONL: nested connections leave it and follow as their own lines, each naming its parent's id. */
function flatten(node: Record<string, unknown>, parentId: string | undefined): string {
  const children: [Record<string, unknown>, string | undefined][] = [];
  const strip = (value: Record<string, unknown>, owner: string | undefined): Record<string, unknown> => {
    const own = typeof value.id === 'string' ? value.id : owner;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (isConnection(child)) {
        for (const item of child.nodes ?? child.edges!.map((e) => e.node)) children.push([item, own]);
      } else if (Array.isArray(child)) {
        out[key] = child.map((item) => (typeof item === 'object' && item !== null ? strip(item as Record<string, unknown>, own) : item));
      } else if (typeof child === 'object' && child !== null) {
        out[key] = strip(child as Record<string, unknown>, own);
      } else {
        out[key] = child;
      }
    }
    return out;
  };
  const line = strip(node, parentId);
  let text = `${JSON.stringify(parentId === undefined ? line : { ...line, __parentId: parentId })}\n`;
  for (const [child, owner] of children) text += flatten(child, owner);
  return text;
}

export async function startShopifySimulator(options: ShopifySimulatorOptions & { port?: number; host?: string } = {}) {
  const simulator = new ShopifySimulator({
    seed: options.seed ?? 7,
    orders: options.orders ?? 600,
    days: options.days ?? 60,
    skus: options.skus ?? 12,
    shopDomain: options.shopDomain ?? 'demo-brand.myshopify.com',
    shopName: options.shopName ?? 'Demo Brand',
    accessToken: options.accessToken ?? 'shpat_simulator_demo_token',
    timezone: options.timezone ?? 'America/New_York',
    currency: options.currency ?? 'USD',
    maximumAvailable: options.maximumAvailable ?? 1000,
    restoreRate: options.restoreRate ?? 100,
    bulkDelayMs: options.bulkDelayMs ?? 1500,
  });
  const address = await simulator.app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  simulator.setBaseUrl(address);
  return { simulator, url: address, close: () => simulator.app.close() };
}
