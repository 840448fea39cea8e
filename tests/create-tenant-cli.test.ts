import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { bearer, startStack, type TestStack } from './support/stack';

const ROOT = path.resolve(__dirname, '..');

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'cli/create-tenant.ts'), ...args], { cwd: ROOT, env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ api: true });
});
afterAll(() => stack.close());

test('creates a company, a user, a brand and a token that the API accepts', async () => {
  const email = `ops-${randomUUID()}@acme.example`;
  const result = await runCli(['--company', 'Acme Inc', '--email', email, '--brand', 'Acme', '--json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const tenant = JSON.parse(result.stdout);
  expect(await stack.prisma.user.findUniqueOrThrow({ where: { email } })).toMatchObject({ id: tenant.userId, companyId: tenant.companyId });
  expect(await stack.prisma.brand.findUniqueOrThrow({ where: { id: tenant.brandId } })).toMatchObject({ name: 'Acme', companyId: tenant.companyId });
  const res = await stack.app!.inject({ url: '/notifications', headers: bearer(tenant.token) });
  expect(res.statusCode).toBe(200);

  const again = await runCli(['--company', 'Acme again', '--email', email]);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/already exists/);
});

test('missing arguments print the usage and exit 2', async () => {
  const result = await runCli(['--email', 'x@y.z']);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/--company is required/);
  expect(result.stderr).toMatch(/Usage: npm run tenant:create/);
});
