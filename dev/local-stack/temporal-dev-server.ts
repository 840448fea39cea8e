import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../lib/temporal/search-attributes';
import { stopChild } from './processes';
import { resolveTemporalCli, type ResolveOptions } from './temporal-cli';

export interface DevServerOptions {
  /** gRPC port; 7233 for the local stack, a free one for tests. */
  port: number;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  /** SQLite file that keeps runs and schedules across restarts; omit for an in-memory server. */
  dbFilename?: string;
  namespace?: string;
  resolve?: ResolveOptions;
}

export interface RunningDevServer {
  address: string;
  uiUrl?: string;
  cliSource: string;
  stop(): Promise<void>;
}

const CLI_TYPE_NAMES: Record<string, string> = {
  KEYWORD: 'Keyword', TEXT: 'Text', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList',
};

async function waitUntilServing(address: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`temporal server start-dev exited with code ${child.exitCode}:\n${output()}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.withDeadline(Date.now() + 1000, () => connection.workflowService.getSystemInfo({}));
        return;
      } finally {
        await connection.close();
      }
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`temporal server start-dev did not answer on ${address} within 60 s:\n${output()}`);
}

/**
 * Starts `temporal server start-dev` with our search attributes registered, through the CLI resolver. The
 * server runs in its own process group, so a Ctrl-C in the terminal reaches only our launcher, which stops
 * the worker first and this server after it.
 */
export async function startTemporalDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const cli = await resolveTemporalCli(options.resolve);
  const address = `127.0.0.1:${options.port}`;
  const uiUrl = options.uiPort !== undefined ? `http://127.0.0.1:${options.uiPort}` : undefined;
  const namespace = options.namespace ?? 'default';

  if (!cli.path) {
    // Last resort of the resolver: the SDK downloads a dev server and runs it.
    const env = await TestWorkflowEnvironment.createLocal({
      server: { ip: '127.0.0.1', port: options.port, ui: uiUrl !== undefined, uiPort: options.uiPort, dbFilename: options.dbFilename, namespace, searchAttributes: CUSTOM_SEARCH_ATTRIBUTES },
    });
    return { address, uiUrl, cliSource: cli.source, stop: () => env.teardown() };
  }

  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--namespace', namespace, '--log-level', 'error'];
  args.push(...(options.uiPort !== undefined ? ['--ui-port', String(options.uiPort)] : ['--headless']));
  if (options.dbFilename) args.push('--db-filename', options.dbFilename);
  for (const key of CUSTOM_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=${CLI_TYPE_NAMES[key.type]}`);

  const child = spawn(cli.path, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  try {
    await waitUntilServing(address, child, () => output);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { address, uiUrl, cliSource: cli.source, stop: () => stopChild(child, 10_000) };
}
