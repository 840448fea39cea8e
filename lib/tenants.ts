import { generateApiToken } from './auth/api-tokens';
import type { PrismaClient } from './db';

export interface NewTenant {
  companyName: string;
  userEmail: string;
  userName?: string;
  brandName?: string;
  tokenName?: string;
}

export interface CreatedTenant {
  companyId: string;
  userId: string;
  brandId: string | null;
  /** The bearer token, in clear: shown once, never stored. */
  token: string;
}

/** Creates a company, its first user (and brand) and an API token for that user, in one transaction. */
export async function createTenant(prisma: PrismaClient, input: NewTenant): Promise<CreatedTenant> {
  const { token, hash, prefix } = generateApiToken();
  return prisma.$transaction(async (tx) => {
    const company = await tx.company.create({ data: { name: input.companyName } });
    const user = await tx.user.create({ data: { companyId: company.id, email: input.userEmail.toLowerCase(), name: input.userName ?? null } });
    const brand = input.brandName ? await tx.brand.create({ data: { companyId: company.id, name: input.brandName } }) : null;
    await tx.apiToken.create({ data: { userId: user.id, name: input.tokenName ?? 'default', tokenHash: hash, prefix } });
    return { companyId: company.id, userId: user.id, brandId: brand?.id ?? null, token };
  });
}
