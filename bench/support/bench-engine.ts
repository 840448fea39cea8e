import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { Client } from 'pg';
import { buildApp } from '../../api/app';
import { loadConfig } from '../../lib/config';
import { createPrismaClient, type PrismaClient } from '../../lib/db';
import { createLogger } from '../../lib/logger';
import { startWorkerProcess, type BenchStack } from './bench-stack';

/** The engine on a bench stack: the API in this process, the worker in its own (so its memory is its own). */
export interface BenchEngine {
  prisma: PrismaClient;
  temporal: TemporalClient;
  apiUrl: string;
  /** A plain connection to the bench database, for counting what was stored. */
  db: Client;
  worker: ChildProcess;
  close(): Promise<void>;
}

export async function startBenchEngine(stack: BenchStack, extraEnv: NodeJS.ProcessEnv, workerNodeArgs: string[] = []): Promise<BenchEngine> {
  const env = {
    ...process.env,
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporal.address,
    TEMPORAL_TASK_QUEUE: `bench-${randomUUID()}`,
    LOG_LEVEL: 'info',
    LOG_PRETTY: 'false',
    NODE_ENV: 'production',
    CREDENTIAL_KEYS: `v1:${Buffer.alloc(32, 7).toString('base64')}`,
    ...extraEnv,
  };
  Object.assign(process.env, env);
  const config = loadConfig();
  const prisma = createPrismaClient({ ...config.database, poolSize: 2 });
  const connection = await Connection.connect({ address: stack.temporal.address });
  const temporal = new TemporalClient({ connection });
  const app = await buildApp({ prisma, temporal, config, logger: createLogger({ level: 'warn', pretty: false }) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const db = new Client({ connectionString: stack.databaseUrl });
  await db.connect();
  const worker = await startWorkerProcess(env, workerNodeArgs);
  return {
    prisma,
    temporal,
    apiUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    db,
    worker,
    async close() {
      worker.kill('SIGTERM');
      await new Promise((r) => worker.once('exit', r));
      await app.close();
      await connection.close();
      await db.end();
      await prisma.$disconnect();
    },
  };
}
