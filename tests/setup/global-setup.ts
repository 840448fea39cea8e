import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { startTemporalDevServer, type RunningDevServer } from '../../dev/local-stack/temporal-dev-server';
import { findFreePort } from '../../lib/net/free-port';

const ROOT = path.resolve(__dirname, '..', '..');

export interface TestStack {
  temporal: RunningDevServer;
  adminUrl: string;
  databaseName: string;
}

declare global {
  // eslint-disable-next-line no-var
  var __TEST_STACK__: TestStack | undefined;
}

/** Same server, another database: `postgresql://u@h:p/db?x` → `postgresql://u@h:p/<name>?x`. */
export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

function migrate(databaseUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', 'prisma', 'build', 'index.js'), 'migrate', 'deploy'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`prisma migrate deploy failed (${code}):\n${output}`))));
  });
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
    migrate(databaseUrl),
  ]);

  globalThis.__TEST_STACK__ = { temporal, adminUrl, databaseName };
  // Test files (run after this, in child processes) inherit these.
  process.env.DATABASE_URL = databaseUrl;
  process.env.TEMPORAL_ADDRESS = temporal.address;
  process.env.NODE_ENV = 'test';
  process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'silent';
  process.env.TEST_ADMIN_DATABASE_URL = adminUrl;
}
