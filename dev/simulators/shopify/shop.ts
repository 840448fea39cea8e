import { seededRandom } from '../seeded-random';

// A seeded, deterministic Shopify shop for the simulator: a catalog of SKUs (and one line without a SKU, as gift
// wrap often is), orders spread over the last N days with partial refunds, cancellations and test orders, and the
// edits tests make (refund, cancel, change a quantity, add an order), each bumping the order's updatedAt.
// Money is kept in integer cents.

export interface SimLineItem {
  id: string;
  sku: string | null;
  name: string;
  quantity: number;
  unitPriceCents: number;
  discountCents: number;
}

export interface SimRefundLine {
  id: string;
  lineItemId: string;
  quantity: number;
  subtotalCents: number;
}

export interface SimRefund {
  id: string;
  createdAt: number;
  lines: SimRefundLine[];
}

export interface SimOrder {
  id: string;
  number: number;
  createdAt: number;
  processedAt: number;
  updatedAt: number;
  cancelledAt: number | null;
  test: boolean;
  lineItems: SimLineItem[];
  refunds: SimRefund[];
}

export interface ShopOptions {
  seed: number;
  orders: number;
  days: number;
  skus: number;
  timezone: string;
  currency: string;
  /** Orders are placed over the `days` days before this instant. */
  anchor: number;
}

interface CatalogItem {
  sku: string | null;
  name: string;
  priceCents: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The calendar day of an instant in a time zone, as YYYY-MM-DD. */
export function dayOf(instant: number, timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

export class SimShop {
  readonly orders: SimOrder[] = [];
  readonly catalog: CatalogItem[];
  private nextId = 1;
  private readonly random: () => number;

  constructor(readonly options: ShopOptions) {
    this.random = seededRandom(options.seed);
    this.catalog = Array.from({ length: options.skus }, (_, i) => ({
      sku: `SKU-${String(i + 1).padStart(3, '0')}`,
      name: `Product ${i + 1}`,
      priceCents: 999 + Math.floor(this.random() * 9000),
    }));
    this.catalog.push({ sku: null, name: 'Gift wrap', priceCents: 499 });
    for (let i = 0; i < options.orders; i += 1) this.generateOrder(options.anchor - this.random() * options.days * DAY, options.anchor);
    this.orders.sort((a, b) => a.number - b.number);
  }

  private gid(type: string): string {
    return `gid://shopify/${type}/${this.nextId++}`;
  }

  private generateOrder(processedAt: number, now: number): SimOrder {
    const r = this.random;
    // One order in 200 is a wholesale order with more line items than a page of them holds.
    const lineCount = r() < 0.005 ? this.catalog.length : 1 + Math.floor(r() * 3);
    const lineItems: SimLineItem[] = [];
    for (let i = 0; i < lineCount; i += 1) {
      const item = lineCount === this.catalog.length ? this.catalog[i]! : r() < 0.05 ? this.catalog.at(-1)! : this.catalog[Math.floor(r() * (this.catalog.length - 1))]!;
      if (lineItems.some((l) => l.sku === item.sku)) continue;
      const quantity = 1 + Math.floor(r() * 3);
      const discountCents = r() < 0.2 ? Math.round(item.priceCents * quantity * 0.1) : 0;
      lineItems.push({ id: this.gid('LineItem'), sku: item.sku, name: item.name, quantity, unitPriceCents: item.priceCents, discountCents });
    }
    const at = Math.floor(processedAt / 1000) * 1000;
    const order: SimOrder = {
      id: this.gid('Order'), number: 1000 + this.orders.length + 1, createdAt: at, processedAt: at, updatedAt: at,
      cancelledAt: null, test: r() < 0.02, lineItems, refunds: [],
    };
    const fate = r();
    if (fate < 0.03) {
      order.cancelledAt = Math.min(now, at + Math.floor(r() * 6 * HOUR));
      order.updatedAt = order.cancelledAt;
    } else if (fate < 0.11) {
      const line = lineItems[Math.floor(r() * lineItems.length)]!;
      const refundAt = Math.min(now, at + Math.floor((1 + r() * 9) * DAY));
      this.addRefund(order, line, 1, refundAt);
    }
    this.orders.push(order);
    return order;
  }

  private addRefund(order: SimOrder, line: SimLineItem, quantity: number, at: number): void {
    const perUnit = Math.round((line.unitPriceCents * line.quantity - line.discountCents) / line.quantity);
    order.refunds.push({ id: this.gid('Refund'), createdAt: at, lines: [{ id: this.gid('RefundLineItem'), lineItemId: line.id, quantity, subtotalCents: perUnit * quantity }] });
    order.updatedAt = Math.max(order.updatedAt, at);
  }

  find(number: number): SimOrder {
    const order = this.orders.find((o) => o.number === number);
    if (!order) throw new Error(`No order #${number}`);
    return order;
  }

  /** The first order that counts (not cancelled, not test) and has no refund yet, from the newest. */
  refundableOrder(): SimOrder {
    const order = [...this.orders].reverse().find((o) => !o.cancelledAt && !o.test && o.refunds.length === 0 && o.lineItems.some((l) => l.sku));
    if (!order) throw new Error('No refundable order');
    return order;
  }

  refund(number: number, now: number, quantity = 1): SimOrder {
    const order = this.find(number);
    const line = order.lineItems.find((l) => l.sku) ?? order.lineItems[0]!;
    this.addRefund(order, line, Math.min(quantity, line.quantity), now);
    return order;
  }

  cancel(number: number, now: number): SimOrder {
    const order = this.find(number);
    order.cancelledAt = now;
    order.updatedAt = now;
    return order;
  }

  /** An order edit: a line's quantity changes (its discount scales with it). */
  editQuantity(number: number, quantity: number, now: number): SimOrder {
    const order = this.find(number);
    const line = order.lineItems.find((l) => l.sku) ?? order.lineItems[0]!;
    line.discountCents = Math.round((line.discountCents / line.quantity) * quantity);
    line.quantity = quantity;
    order.updatedAt = now;
    return order;
  }

  placeOrder(now: number): SimOrder {
    const order = this.generateOrder(now, now);
    order.test = false;
    order.cancelledAt = null;
    order.refunds = [];
    order.updatedAt = order.processedAt;
    return order;
  }

  /**
   * What the shop sold per (day, SKU) in its time zone, the oracle tests compare with: sales on the order's
   * processing day, refunds on the refund's day, cancelled and test orders left out. Cents and units.
   */
  dailyTotals(): Map<string, { cents: number; units: number }> {
    const totals = new Map<string, { cents: number; units: number }>();
    const add = (instant: number, sku: string | null, cents: number, units: number) => {
      const key = `${dayOf(instant, this.options.timezone)}|${sku ?? ''}`;
      const total = totals.get(key) ?? { cents: 0, units: 0 };
      total.cents += cents;
      total.units += units;
      totals.set(key, total);
    };
    for (const order of this.orders) {
      if (order.cancelledAt !== null || order.test) continue;
      for (const line of order.lineItems) add(order.processedAt, line.sku, line.unitPriceCents * line.quantity - line.discountCents, line.quantity);
      for (const refund of order.refunds) {
        for (const line of refund.lines) {
          const item = order.lineItems.find((l) => l.id === line.lineItemId)!;
          add(refund.createdAt, item.sku, -line.subtotalCents, -line.quantity);
        }
      }
    }
    return totals;
  }
}

export const SIM_DAY_MS = DAY;
