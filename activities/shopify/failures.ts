import { ApplicationFailure } from '@temporalio/activity';
import {
  ShopifyBulkOperationError,
  ShopifyError,
  ShopifyNotFoundError,
  ShopifyQueryError,
  ShopifyThrottledError,
  ShopifyUnauthorizedError,
} from '../../integrations/shopify/errors';

/**
 * A Shopify error as the Temporal failure that retries it right: throttling waits until the bucket has refilled
 * (or Retry-After), 5xx and network errors back off, a refused token, a missing shop or a broken query is final.
 */
export function asShopifyFailure(err: unknown): never {
  if (err instanceof ShopifyUnauthorizedError) throw ApplicationFailure.nonRetryable(err.message, 'ShopifyUnauthorized');
  if (err instanceof ShopifyNotFoundError) throw ApplicationFailure.nonRetryable(err.message, 'ShopifyNotFound');
  if (err instanceof ShopifyQueryError) throw ApplicationFailure.nonRetryable(err.message, 'ShopifyQueryError');
  if (err instanceof ShopifyThrottledError) {
    throw ApplicationFailure.create({ message: err.message, type: 'ShopifyThrottled', ...(err.retryAfterMs !== null ? { nextRetryDelay: err.retryAfterMs } : {}) });
  }
  if (err instanceof ShopifyBulkOperationError) throw ApplicationFailure.nonRetryable(err.message, 'ShopifyBulkFailed');
  if (err instanceof ShopifyError) throw ApplicationFailure.create({ message: err.message, type: err.name });
  throw err;
}
