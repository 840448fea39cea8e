// Retention windows. Pure: the workflow computes the cutoffs once, from workflow time, so every retry of
// every activity deletes against the same boundary.

export interface RetentionPolicy {
  /** KeywordMetric rows whose calendar date is more than this many days before today are deleted. */
  metricsDays: number;
  /** SyncLogs started more than this many days ago are deleted. */
  syncLogDays: number;
  /** Read or dismissed notifications created more than this many days ago are deleted. */
  notificationDays: number;
  batchSize: number;
}

export interface RetentionCutoffs {
  /** YYYY-MM-DD: metric rows with `date` strictly before it go; the cutoff day itself stays. */
  metricsBeforeDate: string;
  /** ISO instant: sync logs with `startedAt` strictly before it go. */
  syncLogsBefore: string;
  /** ISO instant: read or dismissed notifications with `createdAt` strictly before it go. */
  notificationsBefore: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function retentionCutoffs(now: Date, policy: RetentionPolicy): RetentionCutoffs {
  const todayUtc = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return {
    metricsBeforeDate: new Date(todayUtc - policy.metricsDays * DAY_MS).toISOString().slice(0, 10),
    syncLogsBefore: new Date(now.getTime() - policy.syncLogDays * DAY_MS).toISOString(),
    notificationsBefore: new Date(now.getTime() - policy.notificationDays * DAY_MS).toISOString(),
  };
}
