import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createPrismaClient } from '../../lib/db';
import { isPortFree } from '../../lib/net/free-port';
import { createTenant } from '../../lib/tenants';
import { startEmbeddedPostgres } from './embedded-postgres';
import { applyPendingMigrations } from './migrations';
import { startAmazonAdsSimulator, type AmazonAdsSimulator } from '../simulators/amazon-ads/server';
import { demoBusinessReport } from './demo-business-report';
import { startShopifySimulator } from '../simulators/shopify/server';
import { ROOT, spawnTs, stopChild, waitForHttp } from './processes';
import { startTemporalDevServer } from './temporal-dev-server';

// `npm start`: the whole engine on one machine with nothing preinstalled. Without DATABASE_URL it serves an
// embedded PostgreSQL (PGlite) from .data/pglite; without TEMPORAL_ADDRESS it runs the Temporal dev server
// (SQLite file .data/temporal.db, Web UI on :8233). Then migrations, a demo tenant on first start, the
// worker and the API as child processes. Ctrl-C stops everything; the next start keeps the data.

const DATA_DIR = path.resolve(process.env.LOCAL_STACK_DATA_DIR ?? path.join(ROOT, '.data'));
const EMBEDDED_POSTGRES_PORT = Number(process.env.EMBEDDED_POSTGRES_PORT ?? 54329);
const TEMPORAL_PORT = 7233;
const TEMPORAL_UI_PORT = 8233;

const say = (message: string) => console.log(`[local-stack] ${message}`);

interface Stoppable {
  name: string;
  stop(): Promise<void>;
}

/** Credential encryption keys must survive restarts, or stored tokens become unreadable. */
async function localCredentialKeys(): Promise<string> {
  const file = path.join(DATA_DIR, 'credential-keys');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const keys = `local1:${randomBytes(32).toString('base64')}`;
    await writeFile(file, `${keys}\n`, { mode: 0o600 });
    return keys;
  }
}

/** Creates the demo tenant in an empty database; its token is kept in .data so every start can print it. */
async function demoToken(databaseUrl: string): Promise<string | undefined> {
  const file = path.join(DATA_DIR, 'demo-token');
  const prisma = createPrismaClient({ url: databaseUrl, poolSize: 1 });
  try {
    if ((await prisma.company.count()) > 0) return (await readFile(file, 'utf8').catch(() => '')).trim() || undefined;
    const tenant = await createTenant(prisma, {
      companyName: 'Demo Company',
      userEmail: 'demo@example.com',
      userName: 'Demo User',
      brandName: 'Demo Brand',
      tokenName: 'demo',
    });
    await writeFile(file, `${tenant.token}\n`, { mode: 0o600 });
    say('created the demo tenant (Demo Company, demo@example.com)');
    return tenant.token;
  } finally {
    await prisma.$disconnect();
  }
}

/** DATABASE_URL if set, otherwise the embedded PostgreSQL (started and added to the stack). */
async function databaseFor(stack: Stoppable[]): Promise<string> {
  if (process.env.DATABASE_URL) {
    say(`database: ${new URL(process.env.DATABASE_URL).host} (DATABASE_URL)`);
    return process.env.DATABASE_URL;
  }
  if (!(await isPortFree(EMBEDDED_POSTGRES_PORT))) {
    throw new Error(`port ${EMBEDDED_POSTGRES_PORT} is taken: is another \`npm start\` running? (or set EMBEDDED_POSTGRES_PORT)`);
  }
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(DATA_DIR, 'pglite'), port: EMBEDDED_POSTGRES_PORT, log: say });
  stack.push({ name: 'embedded PostgreSQL', stop: postgres.stop });
  say(`database: embedded PostgreSQL (PGlite) at ${postgres.url}, data in ${path.relative(ROOT, DATA_DIR)}/pglite`);
  return postgres.url;
}

const DEMO_PROFILE_ID = '3180000000000001';

const DEMO_AMAZON_ADS = {
  clientId: 'amzn1.application-oa2-client.local-demo',
  clientSecret: 'local-demo-secret',
  refreshToken: 'Atzr|local-demo-refresh-token',
};

/**
 * The Amazon Ads app of AMAZON_ADS_CLIENT_ID/SECRET if set; otherwise the Amazon Ads simulator on
 * AMAZON_ADS_SIMULATOR_PORT (default 8911), with a demo account whose refresh token is printed at the end.
 */
async function amazonAdsFor(stack: Stoppable[]): Promise<{ env: NodeJS.ProcessEnv; demoRefreshToken?: string; simulator?: AmazonAdsSimulator }> {
  if (process.env.AMAZON_ADS_CLIENT_ID) {
    say('Amazon Ads: AMAZON_ADS_CLIENT_ID');
    return { env: {} };
  }
  const port = Number(process.env.AMAZON_ADS_SIMULATOR_PORT ?? 8911);
  const sim = await startAmazonAdsSimulator({ ...DEMO_AMAZON_ADS, refreshTokens: [DEMO_AMAZON_ADS.refreshToken], port });
  stack.push({ name: 'Amazon Ads simulator', stop: sim.close });
  say(`Amazon Ads: simulator on ${sim.url} (set AMAZON_ADS_CLIENT_ID to use Amazon)`);
  return {
    env: {
      AMAZON_ADS_CLIENT_ID: DEMO_AMAZON_ADS.clientId,
      AMAZON_ADS_CLIENT_SECRET: DEMO_AMAZON_ADS.clientSecret,
      AMAZON_ADS_API_URL: sim.url,
      AMAZON_ADS_TOKEN_URL: `${sim.url}/auth/o2/token`,
    },
    demoRefreshToken: DEMO_AMAZON_ADS.refreshToken,
    simulator: sim.simulator,
  };
}

/**
 * The demo tenant's simulated Amazon Ads account, connected once (its schedule then syncs it every few hours), and a
 * Business Report of its daily totals imported, so the demo has Amazon's organic split.
 */
async function connectDemoAmazonAds(apiUrl: string, token: string, refreshToken: string, simulator?: AmazonAdsSimulator): Promise<void> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const listed = (await (await fetch(`${apiUrl}/integrations`, { headers })).json()) as { integrations?: Array<{ integrationType: string }> };
  if (listed.integrations?.some((i) => i.integrationType === 'amazon_ads')) return;
  const res = await fetch(`${apiUrl}/integrations/amazon-ads`, { method: 'POST', headers, body: JSON.stringify({ refreshToken, profileIds: [DEMO_PROFILE_ID] }) });
  say(res.ok ? 'connected the demo Amazon Ads account (simulator); its first full sync is running' : `could not connect the demo Amazon Ads account: HTTP ${res.status}`);
  if (!res.ok || !simulator) return;
  const { integrations } = (await res.json()) as { integrations: Array<{ brandId: string | null }> };
  const form = new FormData();
  form.append('brandId', integrations[0]!.brandId!);
  form.append('file', new Blob([demoBusinessReport(simulator, Number(DEMO_PROFILE_ID))], { type: 'text/csv' }), 'BusinessReport-by-date-demo.csv');
  const upload = await fetch(`${apiUrl}/imports`, { method: 'POST', headers: { authorization: headers.authorization }, body: form });
  say(upload.ok ? 'imported a demo Business Report (Amazon total sales per day) for the organic split' : `could not import the demo Business Report: HTTP ${upload.status}`);
}

const DEMO_SHOP = { shopDomain: 'demo-brand.myshopify.com', accessToken: 'shpat_local_demo_token_0001' };

/**
 * Shops at SHOPIFY_SHOP_URL if set (real Shopify: https://{shop}); otherwise the Shopify simulator on
 * SHOPIFY_SIMULATOR_PORT (default 8912) with a demo shop, connected to the demo tenant.
 */
async function shopifyFor(stack: Stoppable[]): Promise<{ env: NodeJS.ProcessEnv; demo: boolean }> {
  if (process.env.SHOPIFY_SHOP_URL) {
    say(`Shopify: ${process.env.SHOPIFY_SHOP_URL} (SHOPIFY_SHOP_URL)`);
    return { env: {}, demo: false };
  }
  const port = Number(process.env.SHOPIFY_SIMULATOR_PORT ?? 8912);
  const sim = await startShopifySimulator({ ...DEMO_SHOP, port });
  stack.push({ name: 'Shopify simulator', stop: sim.close });
  say(`Shopify: simulator on ${sim.url} (set SHOPIFY_SHOP_URL=https://{shop} to use Shopify)`);
  return { env: { SHOPIFY_SHOP_URL: `${sim.url}/{shop}` }, demo: true };
}

/** The demo tenant's simulated shop, connected once (its schedule then syncs the orders every hour). */
async function connectDemoShop(apiUrl: string, token: string): Promise<void> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const listed = (await (await fetch(`${apiUrl}/integrations`, { headers })).json()) as { integrations?: Array<{ integrationType: string }> };
  if (listed.integrations?.some((i) => i.integrationType === 'shopify')) return;
  const res = await fetch(`${apiUrl}/integrations/shopify`, { method: 'POST', headers, body: JSON.stringify(DEMO_SHOP) });
  say(res.ok ? 'connected the demo Shopify shop (simulator); its order backfill is running' : `could not connect the demo Shopify shop: HTTP ${res.status}`);
}

/** TEMPORAL_ADDRESS if set, otherwise the Temporal dev server with its Web UI (started and added to the stack). */
async function temporalFor(stack: Stoppable[]): Promise<{ address: string; uiUrl?: string }> {
  if (process.env.TEMPORAL_ADDRESS) {
    say(`Temporal: ${process.env.TEMPORAL_ADDRESS} (TEMPORAL_ADDRESS)`);
    return { address: process.env.TEMPORAL_ADDRESS, uiUrl: process.env.TEMPORAL_UI_URL };
  }
  for (const port of [TEMPORAL_PORT, TEMPORAL_UI_PORT]) {
    if (!(await isPortFree(port))) throw new Error(`port ${port} is taken: stop what uses it, or set TEMPORAL_ADDRESS to a Temporal server you run`);
  }
  const server = await startTemporalDevServer({
    port: TEMPORAL_PORT,
    uiPort: TEMPORAL_UI_PORT,
    dbFilename: path.join(DATA_DIR, 'temporal.db'),
    resolve: { log: say },
  });
  stack.push({ name: 'Temporal dev server', stop: server.stop });
  say(`Temporal: dev server at ${server.address}, data in ${path.relative(ROOT, DATA_DIR)}/temporal.db`);
  return { address: server.address, uiUrl: server.uiUrl };
}

async function main(): Promise<void> {
  const started = Date.now();
  await mkdir(DATA_DIR, { recursive: true });
  await chmod(DATA_DIR, 0o700);
  const stack: Stoppable[] = [];
  const children: ChildProcess[] = [];
  let stopping = false;

  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping …');
    await Promise.all(children.map((child) => stopChild(child, 60_000)));
    for (const part of stack.reverse()) {
      await part.stop().catch((err: Error) => say(`could not stop ${part.name}: ${err.message}`));
    }
    say('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    const databaseUrl = await databaseFor(stack);
    const temporal = await temporalFor(stack);
    const applied = await applyPendingMigrations(databaseUrl);
    say(applied.length > 0 ? `database migrated (${applied.join(', ')})` : 'database schema up to date');
    const token = await demoToken(databaseUrl);
    const amazonAds = await amazonAdsFor(stack);
    const shopify = await shopifyFor(stack);

    const apiPort = process.env.API_PORT ?? '3000';
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporal.address,
      ...(temporal.uiUrl ? { TEMPORAL_UI_URL: temporal.uiUrl } : {}),
      API_PORT: apiPort,
      ...amazonAds.env,
      ...shopify.env,
      CREDENTIAL_KEYS: process.env.CREDENTIAL_KEYS ?? (await localCredentialKeys()),
      // PGlite serves one query at a time; small pools keep the worker and the API from queueing behind each other.
      DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? (process.env.DATABASE_URL ? '10' : '2'),
      // PGlite's socket server does not speak COPY FROM STDIN: file imports stage rows with INSERT there.
      DATABASE_COPY: process.env.DATABASE_COPY ?? (process.env.DATABASE_URL ? 'true' : 'false'),
    };
    if (!process.env.CREDENTIAL_KEYS) env.CREDENTIAL_KEY_CURRENT = 'local1';
    for (const [name, entry] of [['worker', 'worker/main.ts'], ['api', 'api/main.ts']] as const) {
      const child = spawnTs(entry, { env, output: 'inherit' });
      children.push(child);
      child.on('exit', (code, signal) => {
        if (!stopping) {
          say(`the ${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`);
          void shutdown(1);
        }
      });
    }

    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitForHttp(`${apiUrl}/health`, 120_000, () => children.every((c) => c.exitCode === null));
    if (token && amazonAds.demoRefreshToken) await connectDemoAmazonAds(apiUrl, token, amazonAds.demoRefreshToken, amazonAds.simulator);
    if (token && shopify.demo) await connectDemoShop(apiUrl, token);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      [
        '',
        `  Engine ready in ${seconds} s`,
        `  API           ${apiUrl}   (OpenAPI: ${apiUrl}/docs)`,
        `  Temporal UI   ${temporal.uiUrl ?? '(the Web UI of your Temporal server)'}`,
        token ? `  Demo token    ${token}` : '  Demo token    (not found: create a tenant with `npm run tenant:create`)',
        '',
        `  Try: curl -X POST -H "Authorization: Bearer ${token ?? '<token>'}" ${apiUrl}/retention-runs`,
        ...(amazonAds.demoRefreshToken
          ? [
              `       curl -H "Authorization: Bearer ${token ?? '<token>'}" ${apiUrl}/integrations   (the simulated Amazon Ads account, synced on schedule)`,
              `       curl -H "Authorization: Bearer ${token ?? '<token>'}" "${apiUrl}/sales/daily?brandId=<brandId>&from=<YYYY-MM-DD>&to=<YYYY-MM-DD>"   (Amazon and Shopify sales, organic split)`,
            ]
          : []),
        '  Ctrl-C stops everything; data stays in .data/ for the next start.',
        '',
      ].join('\n'),
    );
  } catch (err) {
    say(`could not start: ${err instanceof Error ? err.message : String(err)}`);
    await shutdown(1);
  }
}

void main();
