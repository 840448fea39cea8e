import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Client } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import { loadConfig, type Config } from '../../lib/config';
import { createDatabase, type Database, type PrismaClient } from '../../lib/db';
import { createLogger } from '../../lib/logger';
import { FileStore } from '../../lib/storage/file-store';
import { consoleTemporalLogger } from '../../lib/temporal/runtime-logger';
import { createTenant, type CreatedTenant } from '../../lib/tenants';
import { createWorker } from '../../worker/create-worker';

/** Real parts for a test file: the run's database, the run's Temporal server, a worker on its own queue. */
export interface TestStack {
  config: Config;
  prisma: PrismaClient;
  database: Database;
  client: Client;
  connection: NativeConnection;
  worker?: Worker;
  app?: FastifyInstance;
  close(): Promise<void>;
}

let runtimeInstalled = false;
let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflows bundled once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: consoleTemporalLogger('OFF') });
  return bundle;
}

function quietRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: consoleTemporalLogger('OFF'), shutdownSignals: [] });
  runtimeInstalled = true;
}

export function testConfig(overrides: Partial<Config['temporal']> = {}): Config {
  const config = loadConfig();
  return { ...config, temporal: { ...config.temporal, taskQueue: `test-${randomUUID()}`, ...overrides } };
}

export async function startStack(options: { worker?: boolean; api?: boolean; configure?: (config: Config) => Config } = {}): Promise<TestStack> {
  const config = (options.configure ?? ((c: Config) => c))(testConfig());
  const database = createDatabase({ ...config.database, poolSize: 5 });
  const { prisma } = database;
  quietRuntime();
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const stack: TestStack = {
    config,
    prisma,
    database,
    client,
    connection,
    async close() {
      await stack.app?.close();
      if (stack.worker && stack.worker.getState() === 'RUNNING') {
        stack.worker.shutdown();
        await running;
      }
      await connection.close();
      await database.close();
    },
  };
  let running: Promise<void> | undefined;
  if (options.worker) {
    stack.worker = await createWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      database,
      config,
      client,
      files: new FileStore(config.uploads.dir),
      shutdownGraceSeconds: 1,
      workflowBundle: await workflowBundle(),
    });
    running = stack.worker.run();
  }
  if (options.api) {
    stack.app = await buildApp({ prisma, temporal: client, config, logger: createLogger({ level: 'silent', pretty: false }) });
    await stack.app.ready();
  }
  return stack;
}

/** Another worker on the stack's task queue (after its own worker was stopped): what a restarted process would be. */
export function startOtherWorker(stack: TestStack): Promise<Worker> {
  return workflowBundle().then((bundle) =>
    createWorker({
      connection: stack.connection,
      namespace: stack.config.temporal.namespace,
      taskQueue: stack.config.temporal.taskQueue,
      database: stack.database,
      config: stack.config,
      client: stack.client,
      files: new FileStore(stack.config.uploads.dir),
      shutdownGraceSeconds: 1,
      workflowBundle: bundle,
    }),
  );
}

/** Serves the stack's API on a free local port; answers its base URL. */
export async function listen(stack: TestStack): Promise<string> {
  await stack.app!.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(stack.app!.server.address() as AddressInfo).port}`;
}

let tenantCounter = 0;

/** A fresh company with a user, a brand and an API token: tests never share tenants. */
export function newTenant(prisma: PrismaClient, name = 'Tenant'): Promise<CreatedTenant> {
  tenantCounter += 1;
  const unique = `${Date.now().toString(36)}-${tenantCounter}-${randomUUID().slice(0, 8)}`;
  return createTenant(prisma, { companyName: `${name} ${unique}`, userEmail: `user-${unique}@example.test`, brandName: `${name} brand` });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
