// Workflow and schedule ids: business ids, so the Temporal UI reads like the product and a second start of
// the same job for the same owner collides instead of running twice. Pure module.

export const RETENTION_SCHEDULE_ID = 'retention-cleanup-daily';

/** One retention run per tenant at a time; `retention-cleanup-all` is the system-wide (scheduled) one. */
export function retentionWorkflowId(companyId: string | null): string {
  return companyId === null ? 'retention-cleanup-all' : `retention-cleanup-${companyId}`;
}

/** One workflow per import: the import's id is its SyncLog's. */
export function fileImportWorkflowId(importId: string): string {
  return `file-import-${importId}`;
}

/** At most one Amazon Ads sync per credential at a time: a second start collides. */
export function amazonAdsSyncWorkflowId(credentialId: string): string {
  return `amazon-ads-sync-${credentialId}`;
}

export const CREDENTIAL_REFRESH_SCHEDULE_ID = 'amazon-ads-credential-refresh';

/** At most one Shopify orders sync per shop (credential) at a time. */
export function shopifyOrdersSyncWorkflowId(credentialId: string): string {
  return `shopify-orders-sync-${credentialId}`;
}

export const shopifyOrdersScheduleId = (credentialId: string) => `shopify-orders-${credentialId}`;
