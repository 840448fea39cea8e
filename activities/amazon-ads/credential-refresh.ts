import { Context } from '@temporalio/activity';
import { InvalidGrantError } from '../../integrations/amazon-ads/errors';
import { refreshAccessToken, type LwaSettings } from '../../integrations/amazon-ads/login-with-amazon';
import type { CredentialStore } from '../../lib/credentials/credential-store';
import type { PrismaClient } from '../../lib/db';

export interface RefreshOutcome {
  refreshed: number;
  revoked: string[];
  failed: number;
}

export function createCredentialRefreshActivities(deps: { prisma: PrismaClient; store: CredentialStore; amazonAds: LwaSettings | null }) {
  const { prisma, store } = deps;
  return {
    /**
     * Every Amazon Ads credential whose access token expires within `withinMinutes` (or has): marked `expired`
     * once past its expiry, refreshed through Login with Amazon (→ `active`), or, when the grant is refused,
     * answered as revoked (the workflow revokes it and tells the users); any other failure leaves it `error` with
     * lastError, and the next run tries again.
     */
    async refreshExpiringCredentials(input: { withinMinutes: number }): Promise<RefreshOutcome> {
      const outcome: RefreshOutcome = { refreshed: 0, revoked: [], failed: 0 };
      const lwa = deps.amazonAds;
      if (!lwa) return outcome;
      const now = Date.now();
      const due = await prisma.integrationCredential.findMany({
        where: { integrationType: 'amazon_ads', status: { in: ['active', 'expired', 'error'] }, OR: [{ expiresAt: null }, { expiresAt: { lt: new Date(now + input.withinMinutes * 60_000) } }] },
        select: { id: true, expiresAt: true, status: true },
      });
      for (const credential of due) {
        Context.current().heartbeat(credential.id);
        if (credential.status === 'active' && credential.expiresAt && credential.expiresAt.getTime() <= now) {
          await store.markStatus(credential.id, 'expired', 'The access token expired before it was refreshed');
        }
        try {
          const { refreshToken } = await store.tokens(credential.id);
          if (!refreshToken) throw new InvalidGrantError('The credential has no refresh token', null);
          await store.refreshed(credential.id, await refreshAccessToken(lwa, refreshToken));
          outcome.refreshed += 1;
        } catch (err) {
          if (err instanceof InvalidGrantError) {
            outcome.revoked.push(credential.id);
            continue;
          }
          await store.markStatus(credential.id, 'error', `Refreshing the access token failed: ${(err as Error).message}`);
          outcome.failed += 1;
        }
      }
      return outcome;
    },
  };
}
