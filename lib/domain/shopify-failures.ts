/** Failure types of Shopify activities that no retry can fix (workflow-safe: the retry policies list them). */
export const NON_RETRYABLE_SHOPIFY_FAILURES = ['ShopifyUnauthorized', 'ShopifyNotFound', 'ShopifyQueryError', 'ShopifyBulkFailed', 'ShopifyNotConnected'];
