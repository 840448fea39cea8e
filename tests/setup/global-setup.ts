import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { migrateDatabase } from '../../dev/local-stack/migrations';
import { startTemporalDevServer, type RunningDevServer } from '../../dev/local-stack/temporal-dev-server';
import { withDatabase } from '../../lib/config/database-url';
import { findFreePort } from '../../lib/net/free-port';

export interface TestStack {
  temporal: RunningDevServer;
  adminUrl: string;
  databaseName: string;
}

declare global {
  // eslint-disable-next-line no-var
  var __TEST_STACK__: TestStack | undefined;
}

/**
 * One run = one fresh database on the PostgreSQL server of DATABASE_URL (default: the local server),
 * migrated with `prisma migrate deploy`, and one Temporal dev server found by the CLI resolver.
 */
export default async function globalSetup(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
  const databaseName = `ingest_test_${Date.now()}_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${databaseName}"`);
  await admin.end();
  const databaseUrl = withDatabase(adminUrl, databaseName);

  const [temporal] = await Promise.all([
    startTemporalDevServer({ port: await findFreePort(), resolve: { log: (m) => console.log(`\n${m}`) } }),
    migrateDatabase(databaseUrl),
  ]);

  globalThis.__TEST_STACK__ = { temporal, adminUrl, databaseName };
  // Test files (run after this, in child processes) inherit these.
  process.env.DATABASE_URL = databaseUrl;
  process.env.TEMPORAL_ADDRESS = temporal.address;
  process.env.NODE_ENV = 'test';
  process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'silent';
  process.env.TEST_ADMIN_DATABASE_URL = adminUrl;
  process.env.UPLOAD_DIR = await mkdtemp(path.join(tmpdir(), 'ingest-test-uploads-'));
}
