import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import { migrateDatabase } from '../../dev/local-stack/migrations';
import { startTemporalDevServer, type RunningDevServer } from '../../dev/local-stack/temporal-dev-server';
import { withDatabase } from '../../lib/config/database-url';
import { findFreePort } from '../../lib/net/free-port';

// What every benchmark needs: its own migrated database on DATABASE_URL's server, its own Temporal dev server,
// psql for the baseline, and a table printer.

export const adminUrl = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';

export function option(name: string, fallback: string): string {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

export interface BenchStack {
  databaseUrl: string;
  temporal: RunningDevServer;
  close(): Promise<void>;
}

export async function startBenchStack(name: string): Promise<BenchStack> {
  const databaseName = `ingest_bench_${name}_${Date.now()}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${databaseName}"`);
  await admin.end();
  const databaseUrl = withDatabase(adminUrl, databaseName);
  const [temporal] = await Promise.all([startTemporalDevServer({ port: await findFreePort() }), migrateDatabase(databaseUrl)]);
  return {
    databaseUrl,
    temporal,
    async close() {
      await temporal.stop();
      const cleanup = new Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

/** Runs psql with `args` and answers its wall-clock seconds. */
export function psqlSeconds(url: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - started) / 1e9) : reject(new Error(`psql exited ${code}`))));
  });
}

export function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

export const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

const ROOT = path.resolve(__dirname, '..', '..');

/** The worker in its own process (extra Node flags first), so that its peak memory is its own. */
export async function startWorkerProcess(env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(ROOT, 'worker/main.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker started')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`worker exited ${code} before starting`)));
  });
  child.stdout!.resume();
  return child;
}

async function statusMiB(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
}

/** A process's peak resident memory (VmHWM), in MiB: since it started, or since `resetPeakRss`. */
export const peakRssMiB = (pid: number) => statusMiB(pid, 'VmHWM');

/** A process's resident memory now (VmRSS), in MiB. */
export const rssMiB = (pid: number) => statusMiB(pid, 'VmRSS');

/**
 * Restarts a process's VmHWM from its current RSS (Linux ≥ 4.0, `clear_refs` 5), so that the peak measured next is
 * the work's and not start-up's (the worker bundles the workflows with webpack when it starts). Answers false
 * where the kernel does not allow it; the peak then includes start-up.
 */
export async function resetPeakRss(pid: number): Promise<boolean> {
  try {
    await writeFile(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
