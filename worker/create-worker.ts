import type { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Config } from '../lib/config';
import { amazonAdsSchedulesFor } from '../lib/temporal/amazon-ads-schedules';
import { shopifySchedulesFor } from '../lib/temporal/shopify-schedules';
import { CredentialStore } from '../lib/credentials/credential-store';
import { cipherFrom } from '../lib/crypto/credential-cipher';
import type { Database } from '../lib/db';
import type { FileStore } from '../lib/storage/file-store';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  database: Pick<Database, 'prisma' | 'pool' | 'copy'>;
  config: Pick<Config, 'credentials' | 'amazonAds' | 'shopify' | 'temporal'>;
  /** For activities that manage schedules. */
  client: Client;
  files: FileStore;
  shutdownGraceSeconds: number;
  /** A prebuilt bundle (tests bundle once per file); otherwise workflows/ is bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities({
      prisma: options.database.prisma,
      pool: options.database.pool,
      copy: options.database.copy,
      files: options.files,
      store: new CredentialStore(options.database.prisma, cipherFrom(options.config.credentials)),
      amazonAds: options.config.amazonAds,
      schedules: amazonAdsSchedulesFor(options.client, options.config),
      shopify: options.config.shopify,
      shopifySchedules: shopifySchedulesFor(options.client, options.config),
    }),
    // Running activities get this long to finish (or heartbeat a checkpoint) before they are cancelled.
    shutdownGraceTime: `${options.shutdownGraceSeconds} seconds`,
  });
}
