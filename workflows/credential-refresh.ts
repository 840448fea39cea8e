import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { bookkeeping } from './shared/bookkeeping';

const refresh = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 5 },
});

/**
 * Keeps Amazon Ads access tokens fresh ahead of their expiry (schedule `amazon-ads-credential-refresh`), walking
 * the credential state machine: active → expired → active after a refresh; → revoked when the grant is refused
 * (its schedule paused, its company's users told once); → error with lastError, tried again at the next run.
 */
export async function credentialRefreshWorkflow(input: { withinMinutes?: number } = {}) {
  const outcome = await refresh.refreshExpiringCredentials({ withinMinutes: input.withinMinutes ?? 20 });
  for (const credentialId of outcome.revoked) {
    await bookkeeping.credentialRevoked({ credentialId, reason: 'Login with Amazon refused the refresh token (invalid grant): connect the account again.' });
  }
  return outcome;
}
