import {
  buildSchema,
  getNamedType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { SimLineItem, SimOrder, SimRefund, SimShop } from './shop';

// The subset of the Shopify Admin GraphQL schema the product uses, as SDL, so that graphql-js validates every
// query the client sends exactly as Shopify would reject an unknown field or a wrong argument.
export const schema = buildSchema(/* GraphQL */ `
  scalar DateTime
  scalar Decimal
  scalar URL
  scalar UnsignedInt64

  interface Node { id: ID! }

  enum CurrencyCode { USD EUR GBP CAD AUD JPY }
  enum OrderSortKeys { CREATED_AT PROCESSED_AT UPDATED_AT ID }
  enum BulkOperationStatus { CANCELED CANCELING COMPLETED CREATED EXPIRED FAILED RUNNING }
  enum BulkOperationType { QUERY MUTATION }
  enum BulkOperationErrorCode { ACCESS_DENIED INTERNAL_SERVER_ERROR TIMEOUT }

  type Query {
    shop: Shop!
    orders(first: Int, after: String, last: Int, before: String, sortKey: OrderSortKeys, reverse: Boolean, query: String): OrderConnection!
    order(id: ID!): Order
    currentBulkOperation(type: BulkOperationType): BulkOperation
    node(id: ID!): Node
  }

  type Mutation {
    bulkOperationRunQuery(query: String!, groupObjects: Boolean): BulkOperationRunQueryPayload
  }

  type Shop implements Node {
    id: ID!
    name: String!
    myshopifyDomain: String!
    currencyCode: CurrencyCode!
    ianaTimezone: String!
  }

  type MoneyV2 { amount: Decimal! currencyCode: CurrencyCode! }
  type MoneyBag { shopMoney: MoneyV2! presentmentMoney: MoneyV2! }
  type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }

  type Order implements Node {
    id: ID!
    name: String!
    createdAt: DateTime!
    processedAt: DateTime!
    updatedAt: DateTime!
    cancelledAt: DateTime
    test: Boolean!
    currencyCode: CurrencyCode!
    totalPriceSet: MoneyBag!
    totalRefundedSet: MoneyBag!
    lineItems(first: Int, after: String): LineItemConnection!
    refunds(first: Int): [Refund!]!
  }
  type OrderEdge { cursor: String! node: Order! }
  type OrderConnection { edges: [OrderEdge!]! nodes: [Order!]! pageInfo: PageInfo! }

  type LineItem implements Node {
    id: ID!
    sku: String
    name: String!
    quantity: Int!
    currentQuantity: Int!
    originalUnitPriceSet: MoneyBag!
    discountedTotalSet: MoneyBag!
  }
  type LineItemEdge { cursor: String! node: LineItem! }
  type LineItemConnection { edges: [LineItemEdge!]! nodes: [LineItem!]! pageInfo: PageInfo! }

  type Refund implements Node {
    id: ID!
    createdAt: DateTime
    totalRefundedSet: MoneyBag!
    refundLineItems(first: Int, after: String): RefundLineItemConnection!
  }
  type RefundLineItem {
    id: ID!
    quantity: Int!
    subtotalSet: MoneyBag!
    lineItem: LineItem!
  }
  type RefundLineItemEdge { cursor: String! node: RefundLineItem! }
  type RefundLineItemConnection { edges: [RefundLineItemEdge!]! nodes: [RefundLineItem!]! pageInfo: PageInfo! }

  type BulkOperation implements Node {
    id: ID!
    status: BulkOperationStatus!
    errorCode: BulkOperationErrorCode
    objectCount: UnsignedInt64!
    fileSize: UnsignedInt64
    url: URL
    partialDataUrl: URL
    query: String!
    createdAt: DateTime!
    completedAt: DateTime
  }
  type UserError { field: [String!] message: String! }
  type BulkOperationRunQueryPayload { bulkOperation: BulkOperation userErrors: [UserError!]! }
`);

/** Shopify's page size limit for a connection. */
export const MAX_PAGE_SIZE = 250;

export class QueryError extends Error {}

export interface RequestContext {
  shop: SimShop;
  currency: string;
  /** Set while a bulk operation runs the query: connections return everything, the top one this slice. */
  bulkSlice?: SimOrder[];
}

const money = (cents: number, currency: string) => {
  const amount = (cents / 100).toFixed(2);
  return { shopMoney: { amount, currencyCode: currency }, presentmentMoney: { amount, currencyCode: currency } };
};
const iso = (instant: number | null) => (instant === null ? null : new Date(instant).toISOString());

function page<T>(items: T[], args: { first?: number | null; after?: string | null }, context: RequestContext, cursorOf: (item: T, index: number) => string) {
  let start = 0;
  if (args.after) {
    const index = items.findIndex((item, i) => cursorOf(item, i) === args.after);
    if (index < 0) throw new QueryError('Invalid cursor for current pagination sort.');
    start = index + 1;
  }
  const bulk = context.bulkSlice !== undefined;
  if (!bulk && (args.first === undefined || args.first === null)) throw new QueryError('you must provide one of first or last');
  if (!bulk && args.first! > MAX_PAGE_SIZE) throw new QueryError(`The first argument cannot exceed ${MAX_PAGE_SIZE}.`);
  const slice = bulk ? items.slice(start) : items.slice(start, start + args.first!);
  const edges = slice.map((node, i) => ({ cursor: cursorOf(node, start + i), node }));
  return {
    edges,
    nodes: slice,
    pageInfo: { hasNextPage: start + slice.length < items.length, hasPreviousPage: start > 0, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

const indexCursor = (prefix: string) => (_item: unknown, index: number) => Buffer.from(`${prefix}:${index}`).toString('base64url');

function lineItemView(line: SimLineItem, context: RequestContext) {
  return {
    __typename: 'LineItem',
    id: line.id,
    sku: line.sku,
    name: line.name,
    quantity: line.quantity,
    currentQuantity: line.quantity,
    originalUnitPriceSet: money(line.unitPriceCents, context.currency),
    discountedTotalSet: money(line.unitPriceCents * line.quantity - line.discountCents, context.currency),
  };
}

function refundView(order: SimOrder, refund: SimRefund, context: RequestContext) {
  const lines = refund.lines.map((line) => ({
    id: line.id,
    quantity: line.quantity,
    subtotalSet: money(line.subtotalCents, context.currency),
    lineItem: lineItemView(order.lineItems.find((l) => l.id === line.lineItemId)!, context),
  }));
  return {
    __typename: 'Refund',
    id: refund.id,
    createdAt: iso(refund.createdAt),
    totalRefundedSet: money(refund.lines.reduce((sum, l) => sum + l.subtotalCents, 0), context.currency),
    refundLineItems: (args: { first?: number; after?: string }, ctx: RequestContext) => page(lines, args, ctx, indexCursor(`${refund.id}/rli`)),
  };
}

export function orderView(order: SimOrder, context: RequestContext) {
  const gross = order.lineItems.reduce((sum, l) => sum + l.unitPriceCents * l.quantity - l.discountCents, 0);
  const refunded = order.refunds.flatMap((r) => r.lines).reduce((sum, l) => sum + l.subtotalCents, 0);
  return {
    __typename: 'Order',
    id: order.id,
    name: `#${order.number}`,
    createdAt: iso(order.createdAt),
    processedAt: iso(order.processedAt),
    updatedAt: iso(order.updatedAt),
    cancelledAt: iso(order.cancelledAt),
    test: order.test,
    currencyCode: context.currency,
    totalPriceSet: money(gross, context.currency),
    totalRefundedSet: money(refunded, context.currency),
    lineItems: (args: { first?: number; after?: string }, ctx: RequestContext) =>
      page(order.lineItems.map((l) => lineItemView(l, ctx)), args, ctx, indexCursor(`${order.id}/li`)),
    refunds: (args: { first?: number }) => order.refunds.slice(0, args.first ?? undefined).map((r) => refundView(order, r, context)),
  };
}

// ----- the orders connection: search syntax, sort keys, cursors -----------------------------------------------

const SEARCH_FIELDS: Record<string, keyof SimOrder> = { updated_at: 'updatedAt', created_at: 'createdAt', processed_at: 'processedAt' };
type Comparison = { field: keyof SimOrder; op: string; value: number };

/** `updated_at:>='2026-11-01T00:00:00Z' AND created_at:<2026-11-20` → comparisons; other terms are ignored, as Shopify does. */
export function parseOrderSearch(query: string | null | undefined): Comparison[] {
  if (!query) return [];
  const comparisons: Comparison[] = [];
  for (const match of query.matchAll(/(\w+):(>=|<=|>|<)?'?([^'\s]+)'?/g)) {
    const field = SEARCH_FIELDS[match[1]!];
    if (!field) continue;
    const value = Date.parse(match[3]!);
    if (Number.isNaN(value)) throw new QueryError(`Invalid date in search query: ${match[3]}`);
    comparisons.push({ field, op: match[2] ?? '=', value });
  }
  return comparisons;
}

function matches(order: SimOrder, comparisons: Comparison[]): boolean {
  return comparisons.every(({ field, op, value }) => {
    const v = order[field] as number;
    return op === '>=' ? v >= value : op === '<=' ? v <= value : op === '>' ? v > value : op === '<' ? v < value : v === value;
  });
}

const SORT_FIELDS: Record<string, keyof SimOrder> = { CREATED_AT: 'createdAt', PROCESSED_AT: 'processedAt', UPDATED_AT: 'updatedAt', ID: 'number' };

/** Orders matching the search, sorted; a cursor names (sort value, id), so it survives orders changing between pages. */
export function ordersConnection(shop: SimShop, args: { first?: number; after?: string; sortKey?: string; reverse?: boolean; query?: string }, context: RequestContext) {
  const field = SORT_FIELDS[args.sortKey ?? 'ID']!;
  const comparisons = parseOrderSearch(args.query);
  const direction = args.reverse ? -1 : 1;
  const key = (o: SimOrder) => [o[field] as number, o.number] as const;
  const compare = (a: readonly [number, number], b: readonly [number, number]) => direction * (a[0] - b[0] || a[1] - b[1]);
  let orders = (context.bulkSlice ?? shop.orders).filter((o) => matches(o, comparisons)).sort((a, b) => compare(key(a), key(b)));
  let start = 0;
  if (args.after && context.bulkSlice === undefined) {
    let after: [number, number];
    try {
      after = JSON.parse(Buffer.from(args.after, 'base64url').toString()) as [number, number];
    } catch {
      throw new QueryError('Invalid cursor for current pagination sort.');
    }
    start = orders.findIndex((o) => compare(key(o), after) > 0);
    if (start < 0) start = orders.length;
  }
  orders = orders.slice(start);
  const cursorOf = (o: SimOrder) => Buffer.from(JSON.stringify(key(o))).toString('base64url');
  const connection = page(orders, { first: args.first }, context, cursorOf);
  const views = connection.nodes.map((o) => orderView(o, context));
  return {
    edges: connection.edges.map((e, i) => ({ cursor: e.cursor, node: views[i] })),
    nodes: views,
    pageInfo: { ...connection.pageInfo, hasPreviousPage: start > 0 },
  };
}

// ----- query cost ---------------------------------------------------------------------------------------------

function argumentValue(node: ValueNode | undefined, variables: Record<string, unknown>): unknown {
  if (!node) return undefined;
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  if (node.kind === Kind.INT) return Number(node.value);
  return undefined;
}

/**
 * Shopify's published cost rules, simplified: a scalar or enum costs 0, an object 1, a connection 2 plus `first`
 * times the cost of one node; a list with `first` is `first` objects.
 */
export function queryCost(operation: OperationDefinitionNode, fragments: Record<string, FragmentDefinitionNode>, variables: Record<string, unknown>): number {
  const root = operation.operation === 'mutation' ? schema.getMutationType()! : schema.getQueryType()!;
  const costOf = (selectionSet: SelectionSetNode | undefined, type: GraphQLObjectType | null): number => {
    if (!selectionSet || !type) return 0;
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        total += costOf(selection.selectionSet, isObjectType(condition) ? condition : null);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments[selection.name.value];
        const condition = fragment ? schema.getType(fragment.typeCondition.name.value) : null;
        total += costOf(fragment?.selectionSet, isObjectType(condition) ? condition : null);
        continue;
      }
      const field = type.getFields()[selection.name.value];
      if (!field) continue;
      const named = getNamedType(field.type);
      if (!isObjectType(named)) continue;
      const first = Number(argumentValue(selection.arguments?.find((a) => a.name.value === 'first')?.value, variables) ?? 1);
      if (named.name.endsWith('Connection')) {
        total += 2 + first * connectionNodeCost(selection.selectionSet, named);
      } else if (isList(field.type)) {
        total += first * (1 + costOf(selection.selectionSet, named));
      } else {
        total += 1 + costOf(selection.selectionSet, named);
      }
    }
    return total;
  };
  const connectionNodeCost = (selectionSet: SelectionSetNode | undefined, connection: GraphQLObjectType): number => {
    let cost = 0;
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind !== Kind.FIELD) continue;
      const name = selection.name.value;
      const nodeType = getNamedType(connection.getFields().nodes!.type) as GraphQLObjectType;
      if (name === 'nodes') cost = Math.max(cost, 1 + costOf(selection.selectionSet, nodeType));
      if (name === 'edges') {
        const node = selection.selectionSet?.selections.find((s) => s.kind === Kind.FIELD && s.name.value === 'node');
        cost = Math.max(cost, 1 + costOf(node?.kind === Kind.FIELD ? node.selectionSet : undefined, nodeType));
      }
    }
    return cost;
  };
  return Math.max(1, costOf(operation.selectionSet, root));
}

/** What a query actually cost: one point per object returned (Shopify refunds the rest of the requested cost). */
export function actualCost(data: unknown): number {
  if (Array.isArray(data)) return data.reduce((sum: number, item) => sum + actualCost(item), 0);
  if (typeof data !== 'object' || data === null) return 0;
  return 1 + Object.values(data).reduce((sum: number, value) => sum + actualCost(value), 0);
}

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}
