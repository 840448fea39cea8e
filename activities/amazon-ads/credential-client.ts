import { ApplicationFailure } from '@temporalio/activity';
import { AmazonAdsClient } from '../../integrations/amazon-ads/ads-client';
import type { LwaSettings } from '../../integrations/amazon-ads/login-with-amazon';
import type { CredentialStore } from '../../lib/credentials/credential-store';
import type { PrismaClient } from '../../lib/db';
import { credentialTokenSource } from './credential-tokens';

export type AmazonAdsSettings = (LwaSettings & { apiUrl: string }) | null;

/** The Amazon Ads client of one stored credential (its profile as scope), or a final failure when Amazon Ads is off. */
export async function clientForCredential(deps: { prisma: PrismaClient; store: CredentialStore; amazonAds: AmazonAdsSettings }, credentialId: string) {
  const settings = deps.amazonAds;
  if (!settings) throw ApplicationFailure.nonRetryable('Amazon Ads is not configured: set AMAZON_ADS_CLIENT_ID and AMAZON_ADS_CLIENT_SECRET', 'AmazonAdsNotConfigured');
  const credential = await deps.prisma.integrationCredential.findUniqueOrThrow({ where: { id: credentialId } });
  const client = new AmazonAdsClient({ apiUrl: settings.apiUrl, clientId: settings.clientId }, credentialTokenSource(deps.store, settings, credentialId));
  return { client, credential, profileId: credential.externalAccountId! };
}
