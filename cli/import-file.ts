import { createReadStream } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config';
import { createPrismaClient } from '../lib/db';
import { startFileImport } from '../lib/imports/start-file-import';
import { FileStore } from '../lib/storage/file-store';
import { createTemporalClient } from '../lib/temporal/client';

const USAGE = `Usage: npm run import:file -- --brand <brandId> [--report-date YYYY-MM-DD] [--snapshot-date YYYY-MM-DD]
                           [--source csv_amazon|csv_helium10|csv_zonguru] [--credential <credentialId>] <file>

Imports a local report file for a brand, as POST /imports does, and waits for the result. Uses DATABASE_URL,
TEMPORAL_ADDRESS and UPLOAD_DIR; a worker must be running.`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      brand: { type: 'string' },
      'report-date': { type: 'string' },
      'snapshot-date': { type: 'string' },
      source: { type: 'string' },
      credential: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
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
    const source = values.source as 'csv_amazon' | 'csv_helium10' | 'csv_zonguru' | undefined;
    if (source && !['csv_amazon', 'csv_helium10', 'csv_zonguru'].includes(source)) {
      console.error(`--source must be csv_amazon, csv_helium10 or csv_zonguru, not ${source}`);
      return 2;
    }
    const stored = await new FileStore(config.uploads.dir).save(createReadStream(file), config.uploads.maxBytes);
    const { importId, workflowId } = await startFileImport(
      { prisma, temporal: temporal.client, taskQueue: config.temporal.taskQueue },
      {
        companyId: brand.companyId,
        brandId: brand.id,
        triggeredById: null,
        file: { ...stored, fileName: path.basename(file) },
        source: source ?? null,
        snapshotDate: values['snapshot-date'] ?? null,
        reportDate: values['report-date'] ?? null,
        credentialId: values.credential ?? null,
      },
    );
    console.log(`import ${importId} (workflow ${workflowId}) …`);
    const handle = temporal.client.workflow.getHandle(workflowId);
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
