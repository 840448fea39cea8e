import { ApplicationFailure } from '@temporalio/activity';
import { AmazonAdsError, BadRequestError, InvalidGrantError, NotFoundError, ThrottledError } from '../../integrations/amazon-ads/errors';

/**
 * An Amazon Ads error as the Temporal failure that retries it right: a 429 waits the server's Retry-After
 * (else the policy's backoff), 5xx and network errors back off, a refused grant or a bad request is final.
 */
export function asTemporalFailure(err: unknown): never {
  if (err instanceof InvalidGrantError) throw ApplicationFailure.nonRetryable(err.message, 'InvalidGrant');
  if (err instanceof ThrottledError) {
    throw ApplicationFailure.create({
      message: err.message,
      type: 'Throttled',
      ...(err.retryAfterSeconds !== null ? { nextRetryDelay: `${err.retryAfterSeconds} seconds` } : {}),
    });
  }
  if (err instanceof NotFoundError) throw ApplicationFailure.nonRetryable(err.message, 'AmazonAdsNotFound');
  if (err instanceof BadRequestError) throw ApplicationFailure.nonRetryable(err.message, 'AmazonAdsBadRequest');
  if (err instanceof AmazonAdsError) throw ApplicationFailure.create({ message: err.message, type: err.name });
  throw err;
}
