import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { parseArgs } from 'node:util';

// Child-process entry of the embedded PostgreSQL: PGlite (Postgres in WebAssembly) persisted in --data-dir and
// served over TCP by pglite-socket, whose multiplexer lets several client connections share the single PGlite
// session. It runs alone in its process because any blocking of this event loop stalls every client.

const MAX_CONNECTIONS = 32;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, port: { type: 'string' } } });
  const dataDir = values['data-dir'];
  const port = Number(values.port);
  if (!dataDir || !Number.isInteger(port) || port <= 0) throw new Error('usage: embedded-postgres-server --data-dir <dir> --port <port>');

  const db = await PGlite.create(dataDir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: MAX_CONNECTIONS });
  await server.start();
  console.log(`READY postgresql://postgres@127.0.0.1:${port}/postgres`);

  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await server.stop();
    await db.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void close());
  process.on('SIGINT', () => void close());
  // The launcher died without stopping us (kill -9): close the database cleanly rather than linger.
  process.on('disconnect', () => void close());
}

main().catch((err: Error) => {
  console.error(`embedded PostgreSQL failed: ${err.message}`);
  process.exit(1);
});
