import { Client } from '@temporalio/client';
import { NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { loadConfig, retentionPolicyFrom } from '../lib/config';
import { createDatabase } from '../lib/db';
import { createLogger } from '../lib/logger';
import { FileStore } from '../lib/storage/file-store';
import { registerSearchAttributes } from '../lib/temporal/client';
import { ensureCredentialRefreshSchedule } from '../lib/temporal/amazon-ads-schedules';
import { ensureRetentionSchedule } from '../lib/temporal/retention-schedule';
import { temporalLoggerFrom } from '../lib/temporal/runtime-logger';
import { createWorker } from './create-worker';

/**
 * The worker process: registers search attributes and schedules, then polls the task queue until SIGINT or
 * SIGTERM, which start a graceful shutdown (running activities get WORKER_SHUTDOWN_GRACE_SECONDS to finish).
 * A signal that arrives while the worker is still starting ends the process at once: nothing runs yet.
 */
export async function runWorker(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ ...config.log, name: 'worker' });
  Runtime.install({ logger: temporalLoggerFrom(logger), shutdownSignals: [] });
  let worker: Worker | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      logger.info({ signal }, worker ? 'draining the worker' : 'stopping during start-up');
      if (!worker) process.exit(0);
      if (worker.getState() === 'RUNNING') worker.shutdown();
    });
  }

  const database = createDatabase(config.database);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  try {
    const added = await registerSearchAttributes(connection, config.temporal.namespace);
    if (added.length > 0) logger.info({ added }, 'registered search attributes');
    const client = new Client({ connection, namespace: config.temporal.namespace });
    const schedule = await ensureRetentionSchedule(client, {
      taskQueue: config.temporal.taskQueue,
      cron: config.retention.scheduleCron,
      policy: retentionPolicyFrom(config),
    });
    logger.info({ schedule, cron: config.retention.scheduleCron }, 'retention schedule ready');
    if (config.amazonAds) await ensureCredentialRefreshSchedule(client, config.temporal.taskQueue);

    worker = await createWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      database,
      config,
      client,
      files: new FileStore(config.uploads.dir),
      shutdownGraceSeconds: config.temporal.shutdownGraceSeconds,
    });
    logger.info({ taskQueue: config.temporal.taskQueue, address: config.temporal.address }, 'worker started');
    await worker.run();
    logger.info('worker stopped');
  } finally {
    await connection.close();
    await database.close();
  }
}

if (require.main === module) {
  runWorker().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
