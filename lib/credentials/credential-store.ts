import { randomUUID } from 'node:crypto';
import type { CredentialCipher } from '../crypto/credential-cipher';
import type { PrismaClient } from '../db';

// IntegrationCredential rows and their tokens: encrypted with the credential's own id as associated data (a
// ciphertext copied to another row does not decrypt), never returned by the API, logged or put in a workflow.

export interface StoredTokens {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date | null;
}

export interface ExternalAccount {
  externalAccountId: string;
  externalAccountName: string;
}

export class CredentialStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly cipher: CredentialCipher,
  ) {}

  /**
   * Creates or updates the company's credential for an external account (one per account), with fresh tokens
   * and status active. Answers its id.
   */
  async save(input: { companyId: string; brandId: string | null; integrationType: string; account: ExternalAccount; tokens: StoredTokens; scopes?: string[] }): Promise<string> {
    const existing = await this.prisma.integrationCredential.findFirst({
      where: { companyId: input.companyId, integrationType: input.integrationType, externalAccountId: input.account.externalAccountId },
      select: { id: true },
    });
    const id = existing?.id ?? randomUUID();
    const data = {
      brandId: input.brandId,
      externalAccountName: input.account.externalAccountName,
      encryptedAccessToken: this.cipher.encrypt(input.tokens.accessToken, id),
      encryptedRefreshToken: input.tokens.refreshToken === null ? null : this.cipher.encrypt(input.tokens.refreshToken, id),
      expiresAt: input.tokens.expiresAt,
      scopes: input.scopes ?? [],
      status: 'active',
      lastError: null,
      lastErrorAt: null,
    };
    await this.prisma.integrationCredential.upsert({
      where: { id },
      update: data,
      create: { id, companyId: input.companyId, integrationType: input.integrationType, externalAccountId: input.account.externalAccountId, ...data },
    });
    return id;
  }

  async tokens(credentialId: string): Promise<StoredTokens & { status: string }> {
    const credential = await this.prisma.integrationCredential.findUniqueOrThrow({ where: { id: credentialId } });
    return {
      status: credential.status,
      accessToken: this.cipher.decrypt(credential.encryptedAccessToken, credentialId),
      refreshToken: credential.encryptedRefreshToken === null ? null : this.cipher.decrypt(credential.encryptedRefreshToken, credentialId),
      expiresAt: credential.expiresAt,
    };
  }

  /** A refreshed access token: active again (from expired or error), used now. */
  async refreshed(credentialId: string, tokens: StoredTokens): Promise<void> {
    await this.prisma.integrationCredential.update({
      where: { id: credentialId },
      data: {
        encryptedAccessToken: this.cipher.encrypt(tokens.accessToken, credentialId),
        ...(tokens.refreshToken === null ? {} : { encryptedRefreshToken: this.cipher.encrypt(tokens.refreshToken, credentialId) }),
        expiresAt: tokens.expiresAt,
        status: 'active',
        lastUsedAt: new Date(),
        lastError: null,
        lastErrorAt: null,
      },
    });
  }

  async used(credentialId: string): Promise<void> {
    await this.prisma.integrationCredential.update({ where: { id: credentialId }, data: { lastUsedAt: new Date() } });
  }

  /** The spec's state machine: `revoked` (consent withdrawn, re-authorize), `error` (retried later), `expired`. */
  async markStatus(credentialId: string, status: 'revoked' | 'error' | 'expired', error: string): Promise<void> {
    await this.prisma.integrationCredential.update({ where: { id: credentialId }, data: { status, lastError: error, lastErrorAt: new Date() } });
  }
}
