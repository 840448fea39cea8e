// The GraphQL documents the engine sends to the Shopify Admin API, and the shapes it reads back. Money is read
// as shopMoney (the shop's currency) and stays a decimal string.

export interface ShopInfo {
  name: string;
  myshopifyDomain: string;
  currencyCode: string;
  ianaTimezone: string;
}

interface Money {
  shopMoney: { amount: string };
}

export interface LineItemNode {
  id: string;
  sku: string | null;
  name: string;
  quantity: number;
  discountedTotalSet: Money;
}

export interface RefundLineItemNode {
  id: string;
  quantity: number;
  subtotalSet: Money;
  lineItem: { id: string; sku: string | null; name: string };
}

export interface RefundNode {
  id: string;
  createdAt: string | null;
  refundLineItems: { nodes: RefundLineItemNode[]; pageInfo: { hasNextPage: boolean } };
}

export interface OrderNode {
  id: string;
  name: string;
  processedAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  test: boolean;
  lineItems: { nodes: LineItemNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  refunds: RefundNode[];
}

export const SHOP_QUERY = /* GraphQL */ `
  query Shop { shop { name myshopifyDomain currencyCode ianaTimezone } }
`;

const ORDER_SCALARS = 'id name processedAt updatedAt cancelledAt test';
const LINE_ITEM = 'id sku name quantity discountedTotalSet { shopMoney { amount } }';
const REFUND_LINE = 'id quantity subtotalSet { shopMoney { amount } } lineItem { id sku name }';

export const ORDERS_PAGE_QUERY = /* GraphQL */ `
  query OrdersPage($first: Int!, $after: String, $query: String!, $lineItems: Int!, $refunds: Int!, $refundLines: Int!) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      pageInfo { hasNextPage endCursor }
      nodes {
        ${ORDER_SCALARS}
        lineItems(first: $lineItems) { nodes { ${LINE_ITEM} } pageInfo { hasNextPage endCursor } }
        refunds(first: $refunds) { id createdAt refundLineItems(first: $refundLines) { nodes { ${REFUND_LINE} } pageInfo { hasNextPage } } }
      }
    }
  }
`;

export const FULL_ORDER_QUERY = /* GraphQL */ `
  query FullOrder($id: ID!, $after: String) {
    order(id: $id) {
      ${ORDER_SCALARS}
      lineItems(first: 50, after: $after) { nodes { ${LINE_ITEM} } pageInfo { hasNextPage endCursor } }
      refunds(first: 10) { id createdAt refundLineItems(first: 20) { nodes { ${REFUND_LINE} } pageInfo { hasNextPage } } }
    }
  }
`;

/**
 * The backfill as one bulk operation: every order the token can read. In the JSONL result an order is a line;
 * its line items and refund lines follow as lines of their own, with `__parentId` naming the order or refund.
 */
export const BULK_ORDERS_QUERY = /* GraphQL */ `
  {
    orders {
      edges {
        node {
          ${ORDER_SCALARS}
          lineItems { edges { node { ${LINE_ITEM} } } }
          refunds { id createdAt refundLineItems { edges { node { ${REFUND_LINE} } } } }
        }
      }
    }
  }
`;
