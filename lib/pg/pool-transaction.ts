import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in a transaction on a pool client of its own (for COPY, which Prisma cannot do), committing when it
 * returns and rolling back when it throws. A client that failed is discarded, not given back to the pool.
 */
export async function inPoolTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A connection lost mid-transaction also emits 'error' on the client; the failed query reports it.
  const ignore = () => undefined;
  client.on('error', ignore);
  let failure: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    failure = err as Error;
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.off('error', ignore);
    client.release(failure);
  }
}
