import { AmazonAdsError, errorFor, errorText, InvalidGrantError } from './errors';

// Login with Amazon: exchanges an authorization code or a refresh token for an access token.

export interface LwaSettings {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface LwaTokens {
  accessToken: string;
  /** LWA normally sends back the same refresh token; keep whichever it sends. */
  refreshToken: string;
  expiresAt: Date;
}

async function requestToken(settings: LwaSettings, grant: Record<string, string>): Promise<LwaTokens> {
  const response = await fetch(settings.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' },
    body: new URLSearchParams({ ...grant, client_id: settings.clientId, client_secret: settings.clientSecret }),
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    if ((body as { error?: string } | null)?.error === 'invalid_grant') {
      throw new InvalidGrantError(`Login with Amazon refused the grant: ${errorText(body, 'invalid_grant')}`, response.status);
    }
    throw errorFor(response.status, body, response.headers.get('retry-after'), 'Login with Amazon');
  }
  const tokens = body as { access_token?: string; refresh_token?: string; expires_in?: number };
  if (!tokens.access_token || !tokens.refresh_token) throw new AmazonAdsError('Login with Amazon answered without tokens', response.status);
  return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresAt: new Date(Date.now() + (tokens.expires_in ?? 3600) * 1000) };
}

export function refreshAccessToken(settings: LwaSettings, refreshToken: string): Promise<LwaTokens> {
  return requestToken(settings, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

export function exchangeAuthorizationCode(settings: LwaSettings, code: string, redirectUri: string): Promise<LwaTokens> {
  return requestToken(settings, { grant_type: 'authorization_code', code, redirect_uri: redirectUri });
}
