import { InvalidGrantError } from '../../integrations/amazon-ads/errors';
import type { AccessTokenSource } from '../../integrations/amazon-ads/ads-client';
import { refreshAccessToken, type LwaSettings } from '../../integrations/amazon-ads/login-with-amazon';
import type { CredentialStore } from '../../lib/credentials/credential-store';

/** Refresh this long before the access token expires, so no call goes out with a token about to lapse. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Access tokens of one stored credential: the stored one while it is fresh, else a refresh through Login with
 * Amazon that is stored at once. A refused refresh token marks the credential revoked.
 */
export function credentialTokenSource(store: CredentialStore, lwa: LwaSettings, credentialId: string): AccessTokenSource {
  let current: string | undefined;
  async function refresh(): Promise<string> {
    const { refreshToken } = await store.tokens(credentialId);
    if (!refreshToken) throw new InvalidGrantError('The credential has no refresh token: reconnect the Amazon Ads account', null);
    try {
      const tokens = await refreshAccessToken(lwa, refreshToken);
      await store.refreshed(credentialId, tokens);
      current = tokens.accessToken;
      return current;
    } catch (err) {
      if (err instanceof InvalidGrantError) await store.markStatus(credentialId, 'revoked', err.message);
      throw err;
    }
  }
  return {
    async current() {
      if (current) return current;
      const stored = await store.tokens(credentialId);
      if (stored.status === 'revoked') throw new InvalidGrantError('The Amazon Ads authorization was revoked: reconnect the account', null);
      if (!stored.expiresAt || stored.expiresAt.getTime() - Date.now() < REFRESH_MARGIN_MS) return refresh();
      current = stored.accessToken;
      return current;
    },
    refresh,
  };
}
