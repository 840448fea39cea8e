import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const stack = globalThis.__TEST_STACK__;
  if (!stack) return;
  await stack.temporal.stop();
  if (process.env.KEEP_TEST_DATABASE) {
    console.log(`\nkept test database ${stack.databaseName}`);
    return;
  }
  const admin = new Client({ connectionString: stack.adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${stack.databaseName}" WITH (FORCE)`);
  await admin.end();
}
