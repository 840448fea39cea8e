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
      await prisma.$transaction(async (tx) => {
        const credential = await tx.integrationCredential.update({
          where: { id: input.credentialId },
          data: { status: 'revoked', lastError: input.reason, lastErrorAt: new Date() },
        });
        const users = await tx.user.findMany({ where: { companyId: credential.companyId }, select: { id: true } });
        const told = await tx.notification.findMany({
          where: { type: 'credential_expired', relatedType: 'credential', relatedId: credential.id, read: false, dismissedAt: null },
          select: { userId: true },
        });
        const already = new Set(told.map((n) => n.userId));
        const name = credential.externalAccountName ?? credential.externalAccountId ?? credential.id;
        await tx.notification.createMany({
          data: users
            .filter((u) => !already.has(u.id))
            .map((u) => ({
              userId: u.id,
              type: 'credential_expired',
              title: `Amazon Ads access to ${name} was revoked`,
              message: `${input.reason} Syncs of this account are paused until it is connected again (POST /integrations/amazon-ads).`,
              relatedType: 'credential',
              relatedId: credential.id,
            })),
        });
      });
    },
  };
}

export type CredentialStatusActivities = ReturnType<typeof createCredentialStatusActivities>;
