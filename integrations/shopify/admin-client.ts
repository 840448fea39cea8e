import {
  ShopifyBulkOperationError,
  ShopifyError,
  ShopifyNotFoundError,
  ShopifyQueryError,
  ShopifyServerError,
  ShopifyThrottledError,
  ShopifyUnauthorizedError,
} from './errors';
import { BULK_ORDERS_QUERY, FULL_ORDER_QUERY, ORDERS_PAGE_QUERY, SHOP_QUERY, type OrderNode, type ShopInfo } from './queries';

// The Shopify Admin GraphQL API at a pinned version, for one shop: the token header, cursor pages, the cost-based
// throttle (each request waits until the bucket holds its requested cost, from the last throttleStatus seen),
// typed errors, and bulk operations with their JSONL result streamed line by line. Retries are Temporal's:
// a THROTTLED answer is waited out here a few times, then surfaces as ShopifyThrottledError with the refill time.

export interface ShopifyClientOptions {
  shopDomain: string;
  accessToken: string;
  apiVersion: string;
  /** `https://{shop}` in production; the simulator's `http://127.0.0.1:8912/{shop}` in development. */
  shopUrlTemplate: string;
  /** THROTTLED answers waited out before giving up to the activity's retry policy. */
  maxThrottleWaits?: number;
  sleep?: (ms: number) => Promise<void>;
}

interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface GraphqlResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
  extensions?: { cost?: { requestedQueryCost: number; actualQueryCost: number | null; throttleStatus: ThrottleStatus } };
}

export interface OrdersPage {
  orders: OrderNode[];
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface BulkOperationView {
  id: string;
  status: 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELED' | 'CANCELING' | 'EXPIRED';
  errorCode: string | null;
  objectCount: string;
  url: string | null;
  createdAt: string;
}

/** Orders per page: with 10 line items and 3 refunds of 5 lines each, 8 orders stay under the 1000-point single-query limit. */
export const ORDERS_PAGE_SIZE = 8;
const NESTED_LINE_ITEMS = 10;
const NESTED_REFUNDS = 3;
const NESTED_REFUND_LINES = 5;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class ShopifyAdminClient {
  private throttle: ThrottleStatus | null = null;
  private lastCost = 0;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: ShopifyClientOptions) {
    this.sleep = options.sleep ?? defaultSleep;
  }

  get endpoint(): string {
    return `${this.options.shopUrlTemplate.replace('{shop}', this.options.shopDomain)}/admin/api/${this.options.apiVersion}/graphql.json`;
  }

  /** Milliseconds until the bucket holds `cost` points, from the last status Shopify reported. */
  private waitFor(cost: number): number {
    if (!this.throttle) return 0;
    const missing = cost - this.throttle.currentlyAvailable;
    return missing <= 0 ? 0 : Math.ceil((missing / this.throttle.restoreRate) * 1000);
  }

  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const maxWaits = this.options.maxThrottleWaits ?? 5;
    for (let attempt = 0; ; attempt += 1) {
      const pause = this.waitFor(this.lastCost);
      if (pause > 0) await this.sleep(pause);
      const response = await this.post(query, variables);
      const cost = response.extensions?.cost;
      if (cost) {
        this.throttle = cost.throttleStatus;
        this.lastCost = cost.requestedQueryCost;
      }
      const throttled = response.errors?.some((e) => e.extensions?.code === 'THROTTLED' || e.message === 'Throttled');
      if (throttled) {
        const retryAfterMs = this.waitFor(cost?.requestedQueryCost ?? this.lastCost) || 1000;
        if (attempt >= maxWaits) throw new ShopifyThrottledError(`Shopify kept throttling (${attempt + 1} answers THROTTLED)`, retryAfterMs);
        await this.sleep(retryAfterMs);
        this.throttle = null;
        continue;
      }
      if (response.errors?.length) {
        throw new ShopifyQueryError(`Shopify refused the query: ${response.errors.map((e) => e.message).join('; ')}`, 200);
      }
      return response.data as T;
    }
  }

  private async post(query: string, variables: Record<string, unknown>): Promise<GraphqlResponse<unknown>> {
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-shopify-access-token': this.options.accessToken },
        body: JSON.stringify({ query, variables }),
      });
    } catch (err) {
      throw new ShopifyServerError(`Shopify could not be reached at ${this.options.shopDomain}: ${(err as Error).message}`, null);
    }
    const text = await response.text();
    if (response.status === 401 || response.status === 403) {
      throw new ShopifyUnauthorizedError(`Shopify refused the access token for ${this.options.shopDomain} (HTTP ${response.status})`, response.status);
    }
    if (response.status === 404) throw new ShopifyNotFoundError(`No Shopify shop at ${this.options.shopDomain}`, 404);
    if (response.status === 429) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new ShopifyThrottledError('Shopify answered 429 Too Many Requests', Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null);
    }
    if (response.status >= 500) throw new ShopifyServerError(`Shopify answered HTTP ${response.status}`, response.status);
    if (!response.ok) throw new ShopifyError(`Shopify answered HTTP ${response.status}: ${text.slice(0, 200)}`, response.status);
    try {
      return JSON.parse(text) as GraphqlResponse<unknown>;
    } catch {
      throw new ShopifyServerError('Shopify answered with a body that is not JSON', response.status);
    }
  }

  async shop(): Promise<ShopInfo> {
    return (await this.request<{ shop: ShopInfo }>(SHOP_QUERY)).shop;
  }

  /**
   * One page of orders updated at or after `since` (oldest update first), every order complete: an order with
   * more line items or refunds than a page holds is fetched again on its own.
   */
  async ordersPage(since: string, after: string | null): Promise<OrdersPage> {
    const data = await this.request<{ orders: { nodes: OrderNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(ORDERS_PAGE_QUERY, {
      first: ORDERS_PAGE_SIZE,
      after,
      query: `updated_at:>='${since}'`,
      lineItems: NESTED_LINE_ITEMS,
      refunds: NESTED_REFUNDS,
      refundLines: NESTED_REFUND_LINES,
    });
    const orders: OrderNode[] = [];
    for (const order of data.orders.nodes) orders.push(isTruncated(order) ? await this.fullOrder(order.id) : order);
    return { orders, endCursor: data.orders.pageInfo.endCursor, hasNextPage: data.orders.pageInfo.hasNextPage };
  }

  /** An order with all its line items (paged) and up to 10 refunds of 20 lines. */
  private async fullOrder(id: string): Promise<OrderNode> {
    let order: OrderNode | null = null;
    const lineItems: OrderNode['lineItems']['nodes'] = [];
    let after: string | null = null;
    do {
      const data: { order: OrderNode | null } = await this.request<{ order: OrderNode | null }>(FULL_ORDER_QUERY, { id, after });
      if (!data.order) throw new ShopifyQueryError(`Order ${id} disappeared while it was read`, 200);
      order = data.order;
      lineItems.push(...data.order.lineItems.nodes);
      after = data.order.lineItems.pageInfo.hasNextPage ? data.order.lineItems.pageInfo.endCursor : null;
    } while (after);
    if (order.refunds.some((r) => r.refundLineItems.pageInfo.hasNextPage)) {
      throw new ShopifyQueryError(`Order ${order.name} has a refund of more than 20 lines, more than this engine reads`, 200);
    }
    return { ...order, lineItems: { nodes: lineItems, pageInfo: { hasNextPage: false, endCursor: null } } };
  }

  async startBulkOrders(): Promise<BulkOperationView> {
    const data = await this.request<{ bulkOperationRunQuery: { bulkOperation: BulkOperationView | null; userErrors: { message: string }[] } }>(
      `mutation RunBulk($query: String!) { bulkOperationRunQuery(query: $query) { bulkOperation { ${BULK_FIELDS} } userErrors { field message } } }`,
      { query: BULK_ORDERS_QUERY },
    );
    const payload = data.bulkOperationRunQuery;
    // One bulk query per shop and app at a time: if ours is still running (a retried start), carry on with it.
    if (!payload.bulkOperation && payload.userErrors.some((e) => /already in progress/i.test(e.message))) {
      const current = await this.request<{ currentBulkOperation: BulkOperationView | null }>(`query Current { currentBulkOperation { ${BULK_FIELDS} } }`);
      if (current.currentBulkOperation && ['CREATED', 'RUNNING'].includes(current.currentBulkOperation.status)) return current.currentBulkOperation;
    }
    if (!payload.bulkOperation) {
      const message = payload.userErrors.map((e) => e.message).join('; ');
      throw new ShopifyBulkOperationError(`Shopify did not start the bulk export: ${message}`, 200);
    }
    return payload.bulkOperation;
  }

  async bulkOperation(id: string): Promise<BulkOperationView> {
    const data = await this.request<{ node: BulkOperationView | null }>(`query Bulk($id: ID!) { node(id: $id) { ... on BulkOperation { ${BULK_FIELDS} } } }`, { id });
    if (!data.node) throw new ShopifyBulkOperationError(`Bulk operation ${id} is unknown to Shopify`, 200);
    return data.node;
  }

  /** The JSONL result, one parsed object per line, streamed: the URL is pre-signed, so no token goes with it. */
  static async *bulkResultLines(url: string, startAtLine = 0): AsyncGenerator<{ line: number; value: Record<string, unknown> }> {
    let response: Response;
    try {
      response = await fetch(url);
    } catch (err) {
      throw new ShopifyServerError(`The bulk export could not be downloaded: ${(err as Error).message}`, null);
    }
    if (response.status === 403) throw new ShopifyBulkOperationError('The bulk export link has expired', 403);
    if (!response.ok || !response.body) throw new ShopifyServerError(`The bulk export download answered HTTP ${response.status}`, response.status);
    // Pulled chunk by chunk (so the download waits while the database writes), split into lines.
    const decoder = new TextDecoder();
    let rest = '';
    let line = 0;
    const parse = function* (texts: string[]) {
      for (const text of texts) {
        line += 1;
        if (line <= startAtLine || text.trim() === '') continue;
        yield { line, value: JSON.parse(text) as Record<string, unknown> };
      }
    };
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      const texts = (rest + decoder.decode(chunk, { stream: true })).split('\n');
      rest = texts.pop()!;
      yield* parse(texts);
    }
    yield* parse([rest + decoder.decode()]);
  }
}

const BULK_FIELDS = 'id status errorCode objectCount url createdAt';

function isTruncated(order: OrderNode): boolean {
  return order.lineItems.pageInfo.hasNextPage || order.refunds.length >= NESTED_REFUNDS || order.refunds.some((r) => r.refundLineItems.pageInfo.hasNextPage);
}
