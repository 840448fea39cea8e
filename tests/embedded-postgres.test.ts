import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../api/app';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../dev/local-stack/embedded-postgres';
import { migrateDatabase, pendingMigrations } from '../dev/local-stack/migrations';
import { createStagingWriter } from '../activities/file-import/staging';
import { createDatabase, createPrismaClient, type PrismaClient } from '../lib/db';
import { createLogger } from '../lib/logger';
import { createTenant } from '../lib/tenants';
import { bearer, startStack, type TestStack } from './support/stack';

// The path `npm start` takes with no DATABASE_URL: PGlite served on a local port, migrated, serving the API.

let dataDir: string;
let postgres: EmbeddedPostgres | undefined;
let prisma: PrismaClient | undefined;
let stack: TestStack;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'embedded-postgres-'));
  stack = await startStack();
});
afterAll(async () => {
  await prisma?.$disconnect();
  await postgres?.stop();
  await stack.close();
  await rm(dataDir, { recursive: true, force: true });
});

test('starts, migrates with prisma migrate deploy, serves API requests, and keeps its data across a restart', async () => {
  postgres = await startEmbeddedPostgres({ dataDir });
  expect(await pendingMigrations(postgres.url)).toContain('20261125000000_init');
  await migrateDatabase(postgres.url);
  expect(await pendingMigrations(postgres.url)).toEqual([]);
  prisma = createPrismaClient({ url: postgres.url, poolSize: 2 });
  const tenant = await createTenant(prisma, { companyName: 'Embedded Co', userEmail: 'embedded@example.test' });

  const app = await buildApp({ prisma, temporal: stack.client, config: stack.config, logger: createLogger({ level: 'silent', pretty: false }) });
  const health = await app.inject({ url: '/health' });
  expect(health.statusCode).toBe(200);
  expect(health.json().database).toEqual({ status: 'ok' });
  const logs = await app.inject({ url: '/sync-logs', headers: bearer(tenant.token) });
  expect(logs.statusCode).toBe(200);
  expect(logs.json()).toEqual({ items: [], nextCursor: null });
  // The migration's NULLS NOT DISTINCT keys hold on PGlite too.
  const index = await prisma.$queryRaw<{ indexdef: string }[]>`SELECT indexdef FROM pg_indexes WHERE indexname = 'KeywordMetric_identity_key'`;
  expect(index[0]?.indexdef).toMatch(/NULLS NOT DISTINCT/);
  await app.close();

  // File imports stage rows without COPY here (PGlite's socket server has no COPY FROM STDIN).
  const database = createDatabase({ url: postgres.url, poolSize: 1, copy: false });
  const log = await database.prisma.syncLog.create({ data: { companyId: tenant.companyId, syncType: 'csv_upload', status: 'started' } });
  const row = { date: '2026-11-24', portfolioName: null, campaignName: 'SP - Garlic', adGroupName: 'Exact', keyword: 'garlic press', matchType: 'exact' as const,
    searchTerm: "garlic press, 'steel'", impressions: 10, clicks: 1, spend: '0.50', orders: 0, sales: '0', metadata: { currency: 'USD' } };
  await createStagingWriter(database.pool, { copy: false }).commitBatch(log.id, 'keyword_metrics', [{ ...row, rowNumber: 2 }, { ...row, searchTerm: null, rowNumber: 3 }], []);
  const staged = await database.prisma.importStagedKeywordMetric.findMany({ where: { syncLogId: log.id }, orderBy: { rowNumber: 'asc' } });
  expect(staged.map((s) => [s.rowNumber, s.campaignRef, s.searchTerm, s.spend.toString()])).toEqual([[2, 'SP - Garlic', "garlic press, 'steel'", '0.5'], [3, 'SP - Garlic', null, '0.5']]);
  expect((await database.prisma.syncLog.findUniqueOrThrow({ where: { id: log.id } })).recordsProcessed).toBe(2);
  await database.close();
  await prisma.$disconnect();
  await postgres.stop();

  postgres = await startEmbeddedPostgres({ dataDir });
  prisma = createPrismaClient({ url: postgres.url, poolSize: 2 });
  expect(await prisma.company.findFirst({ where: { id: tenant.companyId } })).toMatchObject({ name: 'Embedded Co' });
}, 120_000);
