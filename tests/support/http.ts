import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CreatedTenant } from '../../lib/tenants';
import { bearer } from './stack';

// Calling the API of a test stack as a tenant: JSON requests, and imports of fixture files waited for to the end.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export function apiAs(baseUrl: string) {
  const api = {
    async call(tenant: CreatedTenant, method: string, url: string, body?: unknown): Promise<{ status: number; body: Json; type: string | null }> {
      const res = await fetch(`${baseUrl}${url}`, {
        method,
        headers: { ...bearer(tenant.token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, type: res.headers.get('content-type') };
    },

    /** Uploads a file's content for the tenant's brand and answers GET /imports/:id once the import has finished. */
    async importFile(tenant: CreatedTenant, name: string, content: string | Buffer, fields: Record<string, string> = {}): Promise<Json> {
      const form = new FormData();
      form.set('brandId', tenant.brandId!);
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      form.set('file', new Blob([content]), name);
      const res = await fetch(`${baseUrl}/imports`, { method: 'POST', headers: bearer(tenant.token), body: form });
      if (res.status !== 202) throw new Error(`POST /imports of ${name} answered ${res.status}: ${await res.text()}`);
      const { importId } = (await res.json()) as Json;
      for (let i = 0; i < 300; i += 1) {
        const state = (await (await fetch(`${baseUrl}/imports/${importId}`, { headers: bearer(tenant.token) })).json()) as Json;
        if (state.status !== 'started') return state;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`import of ${name} did not finish`);
    },

    /** Imports tests/fixtures/imports/<file> (see importFile). */
    async importFixture(tenant: CreatedTenant, file: string, fields: Record<string, string> = {}): Promise<Json> {
      return api.importFile(tenant, file, await readFile(path.join(__dirname, '..', 'fixtures', 'imports', file)), fields);
    },
  };
  return api;
}
