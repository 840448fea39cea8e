import { TestWorkflowEnvironment } from '@temporalio/testing';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../lib/temporal/search-attributes';
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

/** Starts `temporal server start-dev` with our search attributes registered, through the CLI resolver. */
export async function startTemporalDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const cli = await resolveTemporalCli(options.resolve);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: cli.path ? { type: 'existing-path', path: cli.path } : { type: 'cached-download' },
      ip: '127.0.0.1',
      port: options.port,
      ui: options.uiPort !== undefined,
      uiPort: options.uiPort,
      dbFilename: options.dbFilename,
      namespace: options.namespace ?? 'default',
      searchAttributes: CUSTOM_SEARCH_ATTRIBUTES,
      log: { format: 'pretty', level: 'error' },
    },
  });
  return {
    address: `127.0.0.1:${options.port}`,
    uiUrl: options.uiPort !== undefined ? `http://127.0.0.1:${options.uiPort}` : undefined,
    cliSource: cli.source,
    stop: () => env.teardown(),
  };
}
