// The worker's workflowsPath: every workflow type is exported from here.
export { fileImportWorkflow } from './file-import';
export { retentionCleanupWorkflow } from './retention-cleanup';
export { amazonAdsSyncWorkflow } from './amazon-ads-sync';
export { credentialRefreshWorkflow } from './credential-refresh';
export { scheduledShopifyOrdersSyncWorkflow, shopifyOrdersSyncWorkflow } from './shopify-orders-sync';
