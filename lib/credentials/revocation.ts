import type { PrismaClient } from '../db';

/**
 * A credential whose authorization was refused: revoked with the reason, and every user of its company told once
 * (`credential_expired`; a retry or a later run finds the unread notification and adds none).
 */
export async function recordRevocation(prisma: PrismaClient, credentialId: string, reason: string, notice: (accountName: string) => { title: string; message: string }): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const credential = await tx.integrationCredential.update({ where: { id: credentialId }, data: { status: 'revoked', lastError: reason, lastErrorAt: new Date() } });
    const users = await tx.user.findMany({ where: { companyId: credential.companyId }, select: { id: true } });
    const told = await tx.notification.findMany({
      where: { type: 'credential_expired', relatedType: 'credential', relatedId: credential.id, read: false, dismissedAt: null },
      select: { userId: true },
    });
    const already = new Set(told.map((n) => n.userId));
    const { title, message } = notice(credential.externalAccountName ?? credential.externalAccountId ?? credential.id);
    await tx.notification.createMany({
      data: users.filter((u) => !already.has(u.id)).map((u) => ({ userId: u.id, type: 'credential_expired', title, message, relatedType: 'credential', relatedId: credential.id })),
    });
  });
}
