import { recordRevocation } from '../../lib/credentials/revocation';
import type { PrismaClient } from '../../lib/db';
import type { AmazonAdsSchedules } from '../../lib/temporal/amazon-ads-schedules';

export function createCredentialStatusActivities({ prisma, schedules }: { prisma: PrismaClient; schedules: AmazonAdsSchedules | null }) {
  return {
    /**
     * A credential whose authorization was refused: revoked, with the reason, its schedule paused, and every
     * user of its company told once (a retry or a later run finds the unread notification and adds none).
     */
    async credentialRevoked(input: { credentialId: string; reason: string }): Promise<void> {
      await schedules?.pause(input.credentialId, `Authorization revoked: ${input.reason}`);
      await recordRevocation(prisma, input.credentialId, input.reason, (account) => ({
        title: `Amazon Ads access to ${account} was revoked`,
        message: `${input.reason} Syncs of this account are paused until it is connected again (POST /integrations/amazon-ads).`,
      }));
    },
  };
}

export type CredentialStatusActivities = ReturnType<typeof createCredentialStatusActivities>;
