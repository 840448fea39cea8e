import { newTenant, bearer, startStack, type TestStack } from './support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ api: true });
});
afterAll(() => stack.close());

const api = () => stack.app!;

describe('authentication and errors', () => {
  test('a request without a token gets a 401 problem document with a clear message', async () => {
    const res = await api().inject({ method: 'GET', url: '/sync-logs' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.json()).toMatchObject({ status: 401, title: 'Unauthorized', detail: expect.stringMatching(/Missing Authorization header/) });
  });

  test('an unknown or revoked token is refused', async () => {
    const tenant = await newTenant(stack.prisma);
    expect((await api().inject({ url: '/sync-logs', headers: bearer('aai_not-a-real-token') })).statusCode).toBe(401);
    await stack.prisma.apiToken.updateMany({ where: { userId: tenant.userId }, data: { revokedAt: new Date() } });
    const res = await api().inject({ url: '/sync-logs', headers: bearer(tenant.token) });
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toMatch(/unknown or revoked/);
  });

  test('a valid token works, and only its hash is stored', async () => {
    const tenant = await newTenant(stack.prisma);
    expect((await api().inject({ url: '/sync-logs', headers: bearer(tenant.token) })).statusCode).toBe(200);
    const stored = await stack.prisma.apiToken.findFirstOrThrow({ where: { userId: tenant.userId } });
    expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(tenant.token);
  });

  test('invalid query parameters name the parameter', async () => {
    const tenant = await newTenant(stack.prisma);
    const res = await api().inject({ url: '/sync-logs?status=running&limit=0', headers: bearer(tenant.token) });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body.detail).toMatch(/querystring\.status/);
    expect(body.errors.map((e: { location: string }) => e.location)).toEqual(expect.arrayContaining(['querystring.status', 'querystring.limit']));
  });

  test('an unknown route is a 404 problem', async () => {
    const res = await api().inject({ url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ status: 404, detail: 'No route GET /nope' });
  });
});

describe('health and docs', () => {
  test('GET /health reports the database and Temporal reachable', async () => {
    const res = await api().inject({ url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: { status: 'ok' }, temporal: { status: 'ok' } });
  });

  test('/docs serves the UI and an OpenAPI document built from the route schemas', async () => {
    expect((await api().inject({ url: '/docs' })).statusCode).toBeLessThan(400);
    const spec = (await api().inject({ url: '/docs/json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/health', '/retention-runs', '/sync-logs', '/sync-logs/{id}', '/notifications', '/notifications/{id}/read', '/notifications/{id}/dismiss']),
    );
    const listParams = spec.paths['/sync-logs'].get.parameters.map((p: { name: string }) => p.name);
    expect(listParams).toEqual(expect.arrayContaining(['credentialId', 'type', 'status', 'limit', 'cursor']));
  });
});

describe('sync logs', () => {
  test('newest first, filtered, cursor-paged, and scoped to the caller\'s company', async () => {
    const tenant = await newTenant(stack.prisma);
    const other = await newTenant(stack.prisma, 'Other');
    const base = Date.parse('2026-11-01T00:00:00Z');
    await stack.prisma.syncLog.createMany({
      data: Array.from({ length: 7 }, (_, i) => ({
        companyId: tenant.companyId,
        syncType: i % 2 === 0 ? 'csv_upload' : 'retention_cleanup',
        status: i === 3 ? 'failed' : 'completed',
        startedAt: new Date(base + i * 60_000),
        fileName: `run-${i}`,
      })),
    });
    const otherLog = await stack.prisma.syncLog.create({ data: { companyId: other.companyId, syncType: 'csv_upload', status: 'completed' } });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { statusCode: number; json(): any } = await api().inject({ url: `/sync-logs?limit=3${cursor ? `&cursor=${cursor}` : ''}`, headers: bearer(tenant.token) });
      expect(res.statusCode).toBe(200);
      const body: { items: { fileName: string }[]; nextCursor: string | null } = res.json();
      seen.push(...body.items.map((l: { fileName: string }) => l.fileName));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['run-6', 'run-5', 'run-4', 'run-3', 'run-2', 'run-1', 'run-0']);

    const failed = (await api().inject({ url: '/sync-logs?status=failed', headers: bearer(tenant.token) })).json();
    expect(failed.items.map((l: { fileName: string }) => l.fileName)).toEqual(['run-3']);
    const uploads = (await api().inject({ url: '/sync-logs?type=csv_upload', headers: bearer(tenant.token) })).json();
    expect(uploads.items).toHaveLength(4);

    const own = await stack.prisma.syncLog.findFirstOrThrow({ where: { companyId: tenant.companyId, fileName: 'run-3' } });
    const one = await api().inject({ url: `/sync-logs/${own.id}`, headers: bearer(tenant.token) });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ id: own.id, status: 'failed', startedAt: '2026-11-01T00:03:00.000Z' });

    const foreign = await api().inject({ url: `/sync-logs/${otherLog.id}`, headers: bearer(tenant.token) });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().detail).toBe(`Sync log ${otherLog.id} does not exist`);
  });

  test('a forged cursor is a 400 that says what to pass', async () => {
    const tenant = await newTenant(stack.prisma);
    const res = await api().inject({ url: '/sync-logs?cursor=garbage', headers: bearer(tenant.token) });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(/nextCursor/);
  });
});

describe('notifications', () => {
  test('list unread, mark read, dismiss; another user\'s notification is a 404', async () => {
    const tenant = await newTenant(stack.prisma);
    const other = await newTenant(stack.prisma, 'Other');
    const [first, second] = await Promise.all(
      ['Import failed', 'Sync failed'].map((title, i) =>
        stack.prisma.notification.create({ data: { userId: tenant.userId, type: 'sync_failure', title, message: title, createdAt: new Date(Date.now() - (2 - i) * 1000) } }),
      ),
    );
    const foreign = await stack.prisma.notification.create({ data: { userId: other.userId, type: 'info', title: 'x', message: 'x' } });
    const list = (query = '') => api().inject({ url: `/notifications${query}`, headers: bearer(tenant.token) }).then((r) => r.json());

    expect((await list('?unread=true')).items.map((n: { title: string }) => n.title)).toEqual(['Sync failed', 'Import failed']);
    const read = await api().inject({ method: 'POST', url: `/notifications/${first!.id}/read`, headers: bearer(tenant.token) });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ read: true, readAt: expect.any(String) });
    expect((await list('?unread=true')).items.map((n: { title: string }) => n.title)).toEqual(['Sync failed']);
    expect((await list()).unreadCount).toBe(1);

    const dismissed = await api().inject({ method: 'POST', url: `/notifications/${second!.id}/dismiss`, headers: bearer(tenant.token) });
    expect(dismissed.json()).toMatchObject({ dismissedAt: expect.any(String), read: true });
    expect((await list()).items.map((n: { title: string }) => n.title)).toEqual(['Import failed']);

    for (const action of ['read', 'dismiss']) {
      const res = await api().inject({ method: 'POST', url: `/notifications/${foreign.id}/${action}`, headers: bearer(tenant.token) });
      expect(res.statusCode).toBe(404);
    }
    expect(await stack.prisma.notification.findUniqueOrThrow({ where: { id: foreign.id } })).toMatchObject({ read: false, dismissedAt: null });
  });
});
