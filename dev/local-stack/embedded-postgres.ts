import { mkdir } from 'node:fs/promises';
import { findFreePort } from '../../lib/net/free-port';
import { spawnTs, stopChild } from './processes';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/** Starts PGlite behind a TCP port in a child process; resolves with its connection URL once it listens. */
export async function startEmbeddedPostgres(options: { dataDir: string; port?: number; log?: (m: string) => void }): Promise<EmbeddedPostgres> {
  await mkdir(options.dataDir, { recursive: true });
  const port = options.port ?? (await findFreePort());
  const child = spawnTs('dev/local-stack/embedded-postgres-server.ts', { args: ['--data-dir', options.dataDir, '--port', String(port)], output: 'pipe' });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });

  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => fail(new Error('did not start within 60 s')), 60_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`embedded PostgreSQL: ${err.message}\n${stderr.trim()}`));
    };
    child.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString();
      const ready = /^READY (\S+)$/m.exec(stdout);
      if (ready?.[1]) {
        clearTimeout(timer);
        resolve(ready[1]);
      }
    });
    child.once('exit', (code) => fail(new Error(`exited with code ${code}`)));
    child.once('error', fail);
  });
  child.removeAllListeners('exit');
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal === null) options.log?.(`embedded PostgreSQL exited with code ${code}: ${stderr.trim()}`);
  });
  return { url, stop: () => stopChild(child, 15_000) };
}
