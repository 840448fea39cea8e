import { recordRevocation } from '../../lib/credentials/revocation';
import type { PrismaClient } from '../../lib/db';
import type { ShopifySchedules } from '../../lib/temporal/shopify-schedules';

export function createShopifyAccessActivities({ prisma, shopifySchedules }: { prisma: PrismaClient; shopifySchedules: ShopifySchedules | null }) {
  return {
    /** The shop refused the token (app uninstalled, token rotated): revoked, its schedule paused, users told once. */
    async shopifyAccessRevoked(input: { credentialId: string; reason: string }): Promise<void> {
      await shopifySchedules?.pause(input.credentialId, `Access token refused: ${input.reason}`);
      await recordRevocation(prisma, input.credentialId, input.reason, (shop) => ({
        title: `Shopify access to ${shop} was refused`,
        message: `${input.reason}. Order syncs of this shop are paused until it is connected again with a new Admin API token (POST /integrations/shopify).`,
      }));
    },
  };
}

export type ShopifyAccessActivities = ReturnType<typeof createShopifyAccessActivities>;
