import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config';
import { createPrismaClient } from '../lib/db';
import { FileStore } from '../lib/storage/file-store';
import { createTemporalClient } from '../lib/temporal/client';
import { CompanyIdKey, SyncTypeKey } from '../lib/temporal/search-attributes';
import type { fileImportWorkflow } from '../workflows/file-import';

const USAGE = `Usage: npm run import:file -- --brand <brandId> [--snapshot-date YYYY-MM-DD] <file>

Imports a local report file for a brand, as POST /imports does, and waits for the result. Uses DATABASE_URL,
TEMPORAL_ADDRESS and UPLOAD_DIR; a worker must be running.`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { brand: { type: 'string' }, 'snapshot-date': { type: 'string' }, help: { type: 'boolean', default: false } },
  });
  if (values.help || !values.brand || positionals.length !== 1) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const file = path.resolve(positionals[0]!);
  const config = loadConfig();
  const prisma = createPrismaClient({ ...config.database, poolSize: 1 });
  const temporal = await createTemporalClient(config.temporal);
  try {
    const brand = await prisma.brand.findUnique({ where: { id: values.brand } });
    if (!brand) {
      console.error(`Brand ${values.brand} does not exist`);
      return 2;
    }
    const stored = await new FileStore(config.uploads.dir).save(createReadStream(file), config.uploads.maxBytes);
    const importId = randomUUID();
    const workflowId = `file-import-${importId}`;
    const fileName = path.basename(file);
    await prisma.syncLog.create({
      data: { id: importId, companyId: brand.companyId, brandId: brand.id, syncType: 'csv_upload', status: 'started', workflowId, fileName, fileSize: stored.size, fileKey: stored.key },
    });
    console.log(`import ${importId} (workflow ${workflowId}) …`);
    const handle = await temporal.client.workflow.start<typeof fileImportWorkflow>('fileImportWorkflow', {
      taskQueue: config.temporal.taskQueue,
      workflowId,
      args: [{ syncLogId: importId, companyId: brand.companyId, brandId: brand.id, triggeredById: null, fileKey: stored.key, fileName, fileSize: stored.size, snapshotDate: values['snapshot-date'] ?? new Date().toISOString().slice(0, 10) }],
      typedSearchAttributes: [
        { key: CompanyIdKey, value: brand.companyId },
        { key: SyncTypeKey, value: 'csv_upload' },
      ],
    });
    await handle.result().catch(() => undefined);
    const log = await prisma.syncLog.findUniqueOrThrow({ where: { id: importId } });
    console.log(`${log.status}: ${log.fileFormat ?? 'format unknown'}; rows ${log.recordsProcessed} (rejected ${log.recordsFailed}); created ${log.recordsCreated}, updated ${log.recordsUpdated}`);
    if (log.errorMessage) console.log(log.errorMessage);
    return log.status === 'completed' ? 0 : 1;
  } finally {
    await temporal.close();
    await prisma.$disconnect();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
