import path from 'node:path';
import { z } from 'zod';
import type { RetentionPolicy } from '../domain/retention';
import { DEFAULT_DATABASE_URL } from './database-url';

/** Raised at start-up when an environment variable is missing or malformed; names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

// A fixed key for local development only. Production refuses to start without CREDENTIAL_KEYS.
const DEVELOPMENT_CREDENTIAL_KEYS = 'dev:ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcHJvZC11c2U=';

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  LOG_PRETTY: z.enum(['true', 'false']).optional(),

  DATABASE_URL: z.string().url().default(DEFAULT_DATABASE_URL),
  DATABASE_POOL_SIZE: integer(1, 200).default(10),
  DATABASE_COPY: z.enum(['true', 'false']).default('true'),

  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('ingest'),
  TEMPORAL_UI_URL: z.string().url().default('http://127.0.0.1:8233'),
  WORKER_SHUTDOWN_GRACE_SECONDS: integer(0, 3600).default(30),

  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: integer(0, 65535).default(3000),

  CREDENTIAL_KEYS: z.string().min(1).optional(),
  CREDENTIAL_KEY_CURRENT: z.string().min(1).optional(),

  UPLOAD_DIR: z.string().min(1).default(path.resolve(__dirname, '..', '..', '.data', 'uploads')),
  MAX_UPLOAD_BYTES: integer(1, 50 * 1024 * 1024 * 1024).default(200 * 1024 * 1024),

  AMAZON_ADS_CLIENT_ID: z.string().min(1).optional(),
  AMAZON_ADS_CLIENT_SECRET: z.string().min(1).optional(),
  AMAZON_ADS_API_URL: z.string().url().default('https://advertising-api.amazon.com'),
  AMAZON_ADS_TOKEN_URL: z.string().url().default('https://api.amazon.com/auth/o2/token'),
  AMAZON_ADS_LOOKBACK_DAYS: integer(1, 95).default(14),
  AMAZON_ADS_REPORT_POLL_SECONDS: integer(1, 600).default(5),
  AMAZON_ADS_SYNC_INTERVAL_HOURS: integer(1, 168).default(6),

  SHOPIFY_API_VERSION: z.string().regex(/^\d{4}-\d{2}$/, 'must look like 2025-10').default('2025-10'),
  SHOPIFY_SHOP_URL: z.string().includes('{shop}', { message: 'must contain {shop}, e.g. https://{shop}' }).default('https://{shop}'),
  SHOPIFY_SYNC_INTERVAL_MINUTES: integer(5, 24 * 60).default(60),
  SHOPIFY_OVERLAP_MINUTES: integer(0, 7 * 24 * 60).default(10),
  SHOPIFY_BULK_POLL_SECONDS: integer(1, 600).default(5),

  RETENTION_METRICS_DAYS: integer(1, 36500).default(730),
  RETENTION_SYNC_LOG_DAYS: integer(1, 36500).default(90),
  RETENTION_NOTIFICATION_DAYS: integer(1, 36500).default(30),
  RETENTION_BATCH_SIZE: integer(1, 100_000).default(5000),
  RETENTION_SCHEDULE_CRON: z.string().min(1).default('17 3 * * *'),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  log: { level: string; pretty: boolean };
  /** `copy`: bulk writes may use COPY FROM STDIN (the embedded PGlite's socket server cannot). */
  database: { url: string; poolSize: number; copy: boolean };
  temporal: { address: string; namespace: string; taskQueue: string; uiUrl: string; shutdownGraceSeconds: number };
  api: { host: string; port: number };
  uploads: { dir: string; maxBytes: number };
  credentials: { keys: Map<string, Buffer>; currentKeyId: string };
  /** Null until AMAZON_ADS_CLIENT_ID and AMAZON_ADS_CLIENT_SECRET are set (the LWA app of the deployment). */
  amazonAds: { clientId: string; clientSecret: string; apiUrl: string; tokenUrl: string; lookbackDays: number; reportPollMs: number; syncIntervalHours: number } | null;
  /** Shops connect with their own Admin API token; these say how the engine talks to Shopify. */
  shopify: { apiVersion: string; shopUrlTemplate: string; syncIntervalMinutes: number; overlapMinutes: number; bulkPollMs: number };
  retention: {
    metricsDays: number;
    syncLogDays: number;
    notificationDays: number;
    batchSize: number;
    scheduleCron: string;
  };
}

/** Parses `v1:<base64 32 bytes>,v2:<base64 32 bytes>` into a key ring. */
function parseKeyRing(raw: string, problems: string[]): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const entry of raw.split(',').map((e) => e.trim()).filter(Boolean)) {
    const separator = entry.indexOf(':');
    const id = separator > 0 ? entry.slice(0, separator) : '';
    const key = Buffer.from(entry.slice(separator + 1), 'base64');
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) {
      problems.push(`CREDENTIAL_KEYS: entry "${entry.slice(0, 8)}…" must look like <keyId>:<base64 key>`);
    } else if (key.length !== 32) {
      problems.push(`CREDENTIAL_KEYS: key "${id}" must decode from base64 to 32 bytes (got ${key.length}); make one with \`openssl rand -base64 32\``);
    } else {
      keys.set(id, key);
    }
  }
  return keys;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set": shells and compose files often export VAR= .
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const got = present[name] === undefined ? 'not set' : `got ${JSON.stringify(present[name])}`;
        return `${name}: ${issue.message} (${got})`;
      }),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];

  if (e.NODE_ENV === 'production' && !e.CREDENTIAL_KEYS) {
    problems.push('CREDENTIAL_KEYS: required in production (format v1:<base64 32-byte key>[,v2:…])');
  }
  const keys = parseKeyRing(e.CREDENTIAL_KEYS ?? DEVELOPMENT_CREDENTIAL_KEYS, problems);
  const currentKeyId = e.CREDENTIAL_KEY_CURRENT ?? [...keys.keys()].at(-1) ?? '';
  if (keys.size > 0 && !keys.has(currentKeyId)) {
    problems.push(`CREDENTIAL_KEY_CURRENT: "${currentKeyId}" is not one of the CREDENTIAL_KEYS ids (${[...keys.keys()].join(', ')})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    env: e.NODE_ENV,
    log: {
      level: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'warn' : 'info'),
      pretty: e.LOG_PRETTY ? e.LOG_PRETTY === 'true' : e.NODE_ENV === 'development',
    },
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE, copy: e.DATABASE_COPY === 'true' },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      uiUrl: e.TEMPORAL_UI_URL,
      shutdownGraceSeconds: e.WORKER_SHUTDOWN_GRACE_SECONDS,
    },
    api: { host: e.API_HOST, port: e.API_PORT },
    uploads: { dir: path.resolve(e.UPLOAD_DIR), maxBytes: e.MAX_UPLOAD_BYTES },
    credentials: { keys, currentKeyId },
    amazonAds:
      e.AMAZON_ADS_CLIENT_ID && e.AMAZON_ADS_CLIENT_SECRET
        ? { clientId: e.AMAZON_ADS_CLIENT_ID, clientSecret: e.AMAZON_ADS_CLIENT_SECRET, apiUrl: e.AMAZON_ADS_API_URL, tokenUrl: e.AMAZON_ADS_TOKEN_URL, lookbackDays: e.AMAZON_ADS_LOOKBACK_DAYS, reportPollMs: e.AMAZON_ADS_REPORT_POLL_SECONDS * 1000, syncIntervalHours: e.AMAZON_ADS_SYNC_INTERVAL_HOURS }
        : null,
    shopify: {
      apiVersion: e.SHOPIFY_API_VERSION,
      shopUrlTemplate: e.SHOPIFY_SHOP_URL,
      syncIntervalMinutes: e.SHOPIFY_SYNC_INTERVAL_MINUTES,
      overlapMinutes: e.SHOPIFY_OVERLAP_MINUTES,
      bulkPollMs: e.SHOPIFY_BULK_POLL_SECONDS * 1000,
    },
    retention: {
      metricsDays: e.RETENTION_METRICS_DAYS,
      syncLogDays: e.RETENTION_SYNC_LOG_DAYS,
      notificationDays: e.RETENTION_NOTIFICATION_DAYS,
      batchSize: e.RETENTION_BATCH_SIZE,
      scheduleCron: e.RETENTION_SCHEDULE_CRON,
    },
  };
}

export function retentionPolicyFrom(config: Config): RetentionPolicy {
  const { metricsDays, syncLogDays, notificationDays, batchSize } = config.retention;
  return { metricsDays, syncLogDays, notificationDays, batchSize };
}
