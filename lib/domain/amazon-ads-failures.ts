/** Failure types of Amazon Ads activities that no retry can fix (workflow-safe: the retry policies list them). */
export const NON_RETRYABLE_AMAZON_ADS_FAILURES = ['InvalidGrant', 'AmazonAdsBadRequest', 'AmazonAdsNotFound', 'AmazonAdsNotConfigured'];
