// Typed failures of the Shopify Admin API. Activities turn them into Temporal failures: throttling and server
// errors are retried (throttling after the bucket's refill time), a refused token or a broken query is final.

export class ShopifyError extends Error {
  override name = 'ShopifyError';
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

/** `THROTTLED` in a 200 body, or HTTP 429: `retryAfterMs` is when the bucket holds enough again, when known. */
export class ShopifyThrottledError extends ShopifyError {
  override name = 'ShopifyThrottledError';
  constructor(
    message: string,
    readonly retryAfterMs: number | null,
  ) {
    super(message, 429);
  }
}

/** 401/403: the access token is wrong, revoked (app uninstalled) or lacks a scope such as read_orders. */
export class ShopifyUnauthorizedError extends ShopifyError {
  override name = 'ShopifyUnauthorizedError';
}

/** 404: no such shop (a typo in the domain, or the shop is closed). */
export class ShopifyNotFoundError extends ShopifyError {
  override name = 'ShopifyNotFoundError';
}

export class ShopifyServerError extends ShopifyError {
  override name = 'ShopifyServerError';
}

/** GraphQL errors other than throttling (an invalid query, a cost over the single-query limit): sending it again will not help. */
export class ShopifyQueryError extends ShopifyError {
  override name = 'ShopifyQueryError';
}

/** A bulk operation that ended FAILED, CANCELED or EXPIRED. */
export class ShopifyBulkOperationError extends ShopifyError {
  override name = 'ShopifyBulkOperationError';
}
