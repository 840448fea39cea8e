// Vocabulary of SyncLog and Notification (the spec's validation table; the migration mirrors it in CHECKs).
// Pure module: workflow code imports it too.

export const SYNC_TYPES = ['amazon_ads_full', 'amazon_ads_incremental', 'shopify_orders', 'csv_upload', 'retention_cleanup'] as const;
export type SyncType = (typeof SYNC_TYPES)[number];

export const SYNC_STATUSES = ['started', 'completed', 'failed', 'partial'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];
export type FinalSyncStatus = Exclude<SyncStatus, 'started'>;

export const NOTIFICATION_TYPES = ['sync_failure', 'credential_expired', 'info'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];
