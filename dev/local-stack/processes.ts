import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Runs a TypeScript entry point (through tsx) in its own Node process and process group: a Ctrl-C in the
 * terminal reaches only the launcher, which stops the parts in order (API and worker before Temporal and
 * PostgreSQL). An IPC channel lets a child notice when the launcher is gone.
 */
export function spawnTs(entry: string, options: { env?: NodeJS.ProcessEnv; args?: string[]; output: 'inherit' | 'pipe' }): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry), ...(options.args ?? [])], {
    cwd: ROOT,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', options.output, options.output, 'ipc'],
  });
}

/** Resolves when the child exits; SIGKILL after `graceMs` if it has not. */
export function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function waitForHttp(url: string, timeoutMs: number, isAlive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`the process serving ${url} exited`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}
