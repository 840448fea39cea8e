import { ApplicationFailure, Context } from '@temporalio/activity';
import { ShopifyAdminClient } from '../../integrations/shopify/admin-client';
import { ShopifyBulkOperationError } from '../../integrations/shopify/errors';
import type { LineItemNode, OrderNode, RefundLineItemNode } from '../../integrations/shopify/queries';
import type { Config } from '../../lib/config';
import type { CredentialStore } from '../../lib/credentials/credential-store';
import type { PrismaClient } from '../../lib/db';
import { orderLineFacts, type OrderLineFact } from '../../lib/domain/shopify-order-lines';
import { asShopifyFailure } from './failures';
import { addCounts, NO_COUNTS, writeOrderBatch, type OrderBatchCounts } from './order-writer';

export interface ShopifyOrderActivityDependencies {
  prisma: PrismaClient;
  store: CredentialStore;
  shopify: Config['shopify'];
}

/** Orders written per transaction while reading a bulk export. */
const BULK_BATCH_ORDERS = 500;

type CompleteOrder = Omit<OrderNode, 'lineItems' | 'refunds'> & {
  lineItems: LineItemNode[];
  refunds: (OrderNode['refunds'][number] & { lines: RefundLineItemNode[] })[];
};

function factsOf(order: CompleteOrder, timezone: string): OrderLineFact[] {
  return orderLineFacts(
    { ...order, refunds: order.refunds.map((r) => ({ ...r, refundLineItems: { nodes: r.lines, pageInfo: { hasNextPage: false } } })) },
    timezone,
  );
}

function pagedToComplete(order: OrderNode): CompleteOrder {
  return { ...order, lineItems: order.lineItems.nodes, refunds: order.refunds.map((r) => ({ ...r, lines: r.refundLineItems.nodes })) };
}

export function createShopifyOrderActivities(deps: ShopifyOrderActivityDependencies) {
  const { prisma, store, shopify } = deps;

  async function connectionOf(credentialId: string) {
    const connection = await prisma.shopifyConnection.findUnique({ where: { credentialId }, include: { credential: { select: { status: true } } } });
    if (!connection) throw ApplicationFailure.nonRetryable(`Credential ${credentialId} is not a connected Shopify shop`, 'ShopifyNotConnected');
    if (connection.credential.status === 'revoked') throw ApplicationFailure.nonRetryable(`The access token of ${connection.shopDomain} was revoked: connect the shop again`, 'ShopifyUnauthorized');
    const { accessToken } = await store.tokens(credentialId);
    const client = new ShopifyAdminClient({ shopDomain: connection.shopDomain, accessToken, apiVersion: connection.apiVersion, shopUrlTemplate: shopify.shopUrlTemplate });
    return { connection, client };
  }

  async function withShopify<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      return asShopifyFailure(err);
    }
  }

  return {
    /** A shop never synced is backfilled by a bulk export; afterwards orders updated since the cursor (minus the overlap) are paged. */
    async planShopifySync(input: { credentialId: string; full: boolean }): Promise<{ mode: 'backfill' | 'incremental'; since: string | null }> {
      const connection = await prisma.shopifyConnection.findUnique({ where: { credentialId: input.credentialId } });
      if (!connection) throw ApplicationFailure.nonRetryable(`Credential ${input.credentialId} is not a connected Shopify shop`, 'ShopifyNotConnected');
      if (input.full || !connection.backfillCompletedAt || !connection.ordersUpdatedThrough) return { mode: 'backfill', since: null };
      const since = new Date(connection.ordersUpdatedThrough.getTime() - shopify.overlapMinutes * 60_000).toISOString();
      return { mode: 'incremental', since };
    },

    async startShopifyBulkExport(input: { credentialId: string }): Promise<{ bulkOperationId: string; startedAt: string }> {
      return withShopify(async () => {
        const { client } = await connectionOf(input.credentialId);
        const operation = await client.startBulkOrders();
        return { bulkOperationId: operation.id, startedAt: operation.createdAt };
      });
    },

    async checkShopifyBulkExport(input: { credentialId: string; bulkOperationId: string }): Promise<{ status: string; objectCount: number }> {
      return withShopify(async () => {
        const { client } = await connectionOf(input.credentialId);
        const operation = await client.bulkOperation(input.bulkOperationId);
        if (['FAILED', 'CANCELED', 'EXPIRED'].includes(operation.status)) {
          throw new ShopifyBulkOperationError(`Shopify's bulk export ended ${operation.status}${operation.errorCode ? ` (${operation.errorCode})` : ''}`, 200);
        }
        return { status: operation.status, objectCount: Number(operation.objectCount) };
      });
    },

    /**
     * Streams the bulk export's JSONL into the database, 500 orders per transaction, heartbeating the last line
     * committed; a retry resumes after it (the link is asked for again: it is never in the workflow's history).
     * Afterwards incremental syncs start from the export's start.
     */
    async loadShopifyBulkExport(input: { credentialId: string; bulkOperationId: string; startedAt: string }): Promise<OrderBatchCounts> {
      return withShopify(async () => {
        const context = Context.current();
        const resumed = context.info.heartbeatDetails as { line: number; counts: OrderBatchCounts } | undefined;
        let counts = resumed?.counts ?? NO_COUNTS;
        const { connection, client } = await connectionOf(input.credentialId);
        const operation = await client.bulkOperation(input.bulkOperationId);
        if (!operation.url) {
          if (Number(operation.objectCount) === 0) return NO_COUNTS; // a shop without orders has no result file
          throw new ShopifyBulkOperationError(`Bulk operation ${operation.id} is ${operation.status} without a result`, 200);
        }
        let batch: CompleteOrder[] = [];
        let current: CompleteOrder | null = null;
        let lastLineOfBatch = resumed?.line ?? 0;
        let lastLine = lastLineOfBatch;
        const flush = async (throughLine: number) => {
          const facts = batch.flatMap((order) => factsOf(order, connection.ianaTimezone));
          counts = addCounts(counts, await writeOrderBatch(prisma, connection, batch.map((o) => o.id), facts));
          batch = [];
          lastLineOfBatch = throughLine;
          context.heartbeat({ line: lastLineOfBatch, counts });
        };
        for await (const { line, value } of ShopifyAdminClient.bulkResultLines(operation.url, lastLineOfBatch)) {
          lastLine = line;
          const parentId = value.__parentId as string | undefined;
          if (parentId === undefined) {
            if (current) batch.push(current);
            if (batch.length >= BULK_BATCH_ORDERS) await flush(line - 1);
            const order = value as unknown as OrderNode;
            current = { ...order, lineItems: [], refunds: (order.refunds ?? []).map((r) => ({ ...r, lines: [] })) };
            continue;
          }
          if (current?.id === parentId) {
            current.lineItems.push(value as unknown as LineItemNode);
            continue;
          }
          const refund = current?.refunds.find((r) => r.id === parentId);
          if (!refund) throw new ShopifyBulkOperationError(`Line ${line} of the bulk export names parent ${parentId}, which is not the order before it`, 200);
          refund.lines.push(value as unknown as RefundLineItemNode);
        }
        if (current) batch.push(current);
        if (batch.length > 0) await flush(lastLine);
        await prisma.shopifyConnection.update({
          where: { id: connection.id },
          data: { ordersUpdatedThrough: new Date(input.startedAt), backfillCompletedAt: new Date(), lastSyncedAt: new Date() },
        });
        return counts;
      });
    },

    /**
     * Pages through the orders updated since `since` (oldest update first), one transaction per page,
     * heartbeating the page cursor; a retry resumes after the last page written. The cursor then moves to the
     * latest update seen.
     */
    async pullShopifyOrders(input: { credentialId: string; since: string }): Promise<OrderBatchCounts> {
      return withShopify(async () => {
        const context = Context.current();
        const resumed = context.info.heartbeatDetails as { after: string | null; counts: OrderBatchCounts; latest: string | null } | undefined;
        let { after, counts, latest } = resumed ?? { after: null, counts: NO_COUNTS, latest: null };
        const { connection, client } = await connectionOf(input.credentialId);
        for (;;) {
          const page = await client.ordersPage(input.since, after);
          const orders = page.orders.map(pagedToComplete);
          const facts = orders.flatMap((order) => factsOf(order, connection.ianaTimezone));
          counts = addCounts(counts, await writeOrderBatch(prisma, connection, orders.map((o) => o.id), facts));
          for (const order of orders) if (!latest || order.updatedAt > latest) latest = order.updatedAt;
          after = page.endCursor;
          context.heartbeat({ after, counts, latest });
          if (!page.hasNextPage) break;
        }
        const through = latest && (!connection.ordersUpdatedThrough || new Date(latest) > connection.ordersUpdatedThrough) ? new Date(latest) : connection.ordersUpdatedThrough;
        await prisma.shopifyConnection.update({ where: { id: connection.id }, data: { ordersUpdatedThrough: through, lastSyncedAt: new Date() } });
        return counts;
      });
    },
  };
}

export type ShopifyOrderActivities = ReturnType<typeof createShopifyOrderActivities>;
