import type { OrderNode, RefundNode } from '../../integrations/shopify/queries';
import { dayIn } from './report-windows';

// How a Shopify order counts in daily sales (pure). Rules, also in the README:
// - a sale line counts on the order's processing day (processedAt) in the shop's time zone, for its discounted
//   total (line discounts included, before tax and shipping) and its quantity;
// - a refund line counts on the day of the refund (refund.createdAt), negative, for its subtotal and quantity;
// - cancelled and test orders count for nothing (their lines are removed if an earlier sync stored them).

export interface OrderLineFact {
  orderId: string;
  lineId: string;
  kind: 'sale' | 'refund';
  /** '' for a line item without SKU code. */
  skuCode: string;
  day: string;
  amount: string;
  quantity: number;
  orderUpdatedAt: string;
}

const sku = (code: string | null | undefined) => (code ?? '').trim().slice(0, 100);

/** Negates a decimal string without going through a float. */
const negate = (amount: string) => (amount.startsWith('-') ? amount.slice(1) : amount === '0' || /^0(\.0+)?$/.test(amount) ? amount : `-${amount}`);

export function orderLineFacts(order: Pick<OrderNode, 'id' | 'processedAt' | 'updatedAt' | 'cancelledAt' | 'test'> & { lineItems: OrderNode['lineItems']['nodes']; refunds: RefundNode[] }, timezone: string): OrderLineFact[] {
  if (order.cancelledAt !== null || order.test) return [];
  const saleDay = dayIn(timezone, Date.parse(order.processedAt));
  const facts: OrderLineFact[] = order.lineItems.map((line) => ({
    orderId: order.id,
    lineId: line.id,
    kind: 'sale',
    skuCode: sku(line.sku),
    day: saleDay,
    amount: line.discountedTotalSet.shopMoney.amount,
    quantity: line.quantity,
    orderUpdatedAt: order.updatedAt,
  }));
  for (const refund of order.refunds) {
    const refundDay = dayIn(timezone, Date.parse(refund.createdAt ?? order.updatedAt));
    for (const line of refund.refundLineItems.nodes) {
      facts.push({
        orderId: order.id,
        lineId: line.id,
        kind: 'refund',
        skuCode: sku(line.lineItem.sku),
        day: refundDay,
        amount: negate(line.subtotalSet.shopMoney.amount),
        quantity: -line.quantity,
        orderUpdatedAt: order.updatedAt,
      });
    }
  }
  return facts;
}
