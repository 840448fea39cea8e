import closeWithGrace from 'close-with-grace';
import { loadConfig } from '../lib/config';
import { createPrismaClient } from '../lib/db';
import { createLogger } from '../lib/logger';
import { createTemporalClient } from '../lib/temporal/client';
import { buildApp } from './app';

/** The API process: Fastify with one Prisma client and one Temporal client, closed gracefully on signals. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ ...config.log, name: 'api' });
  const prisma = createPrismaClient(config.database);
  const temporal = await createTemporalClient(config.temporal);
  const app = await buildApp({ prisma, temporal: temporal.client, config, logger });
  app.addHook('onClose', async () => {
    await temporal.close();
    await prisma.$disconnect();
  });

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'closing the API after an error');
    else logger.info({ signal }, 'closing the API');
    await app.close();
  });

  await app.listen({ host: config.api.host, port: config.api.port });
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
