import ExcelJS from 'exceljs';
import type { CreatedTenant } from '../lib/tenants';
import { apiAs, type Json } from './support/http';
import { bearer, listen, newTenant, startStack, type TestStack } from './support/stack';

// SKUs and the ASIN↔SKU mapping over HTTP on the real stack: CRUD, tenant isolation, the bulk upload with its
// rejects, and the relinking of SalesDaily rows (Amazon rows from real imports, Shopify rows written directly).

let stack: TestStack;
let baseUrl: string;
let call: ReturnType<typeof apiAs>['call'];
let importAndWait: ReturnType<typeof apiAs>['importFixture'];
beforeAll(async () => {
  stack = await startStack({ worker: true, api: true });
  baseUrl = await listen(stack);
  ({ call, importFixture: importAndWait } = apiAs(baseUrl));
});
afterAll(() => stack.close());

async function uploadMapping(tenant: CreatedTenant, fileName: string, content: string | Buffer, brandId = tenant.brandId!): Promise<{ status: number; body: Json }> {
  const form = new FormData();
  form.set('brandId', brandId);
  form.set('file', new Blob([content]), fileName);
  const res = await fetch(`${baseUrl}/asin-sku-mappings/uploads`, { method: 'POST', headers: bearer(tenant.token), body: form });
  return { status: res.status, body: await res.json() };
}

async function createSku(tenant: CreatedTenant, code: string): Promise<string> {
  const res = await call(tenant, 'POST', '/skus', { brandId: tenant.brandId, code });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe('SKUs', () => {
  test('create, list by code with paging, 409 for a code the brand has, 404 for another company\'s brand', async () => {
    const tenant = await newTenant(stack.prisma);
    const other = await newTenant(stack.prisma, 'Other');
    const created = await call(tenant, 'POST', '/skus', { brandId: tenant.brandId, code: 'GP-STEEL-01', name: 'Garlic press' });
    expect(created).toMatchObject({ status: 201, body: { brandId: tenant.brandId, code: 'GP-STEEL-01', name: 'Garlic press' } });
    await createSku(tenant, 'PEEL-02');
    await createSku(tenant, 'SLICE-03');

    const dup = await call(tenant, 'POST', '/skus', { brandId: tenant.brandId, code: 'GP-STEEL-01' });
    expect(dup.status).toBe(409);
    expect(dup.type).toMatch(/^application\/problem\+json/);
    expect(dup.body.detail).toMatch(/GP-STEEL-01.*already exists/);
    // The same code in another company's brand is another SKU.
    expect((await call(other, 'POST', '/skus', { brandId: other.brandId, code: 'GP-STEEL-01' })).status).toBe(201);

    const first = await call(tenant, 'GET', `/skus?brandId=${tenant.brandId}&limit=2`);
    expect(first.body.items.map((s: Json) => s.code)).toEqual(['GP-STEEL-01', 'PEEL-02']);
    const second = await call(tenant, 'GET', `/skus?brandId=${tenant.brandId}&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ items: [{ code: 'SLICE-03' }], nextCursor: null });
    expect((await call(tenant, 'GET', '/skus?code=peel')).body.items.map((s: Json) => s.code)).toEqual(['PEEL-02']);
    // Without a brand: the company's SKUs only.
    expect((await call(other, 'GET', '/skus')).body.items.map((s: Json) => s.code)).toEqual(['GP-STEEL-01']);

    expect((await call(other, 'POST', '/skus', { brandId: tenant.brandId, code: 'X' })).status).toBe(404);
    expect((await call(other, 'GET', `/skus?brandId=${tenant.brandId}`)).status).toBe(404);
    expect((await call(tenant, 'POST', '/skus', { brandId: tenant.brandId, code: '' })).status).toBe(400);
  });
});

describe('ASIN↔SKU mappings over HTTP', () => {
  test('CRUD: created by the caller, one mapping per ASIN (409), ASIN shape checked, SKU of the brand only, other tenants get 404', async () => {
    const tenant = await newTenant(stack.prisma);
    const other = await newTenant(stack.prisma, 'Other');
    const garlic = await createSku(tenant, 'GP-STEEL-01');
    const peeler = await createSku(tenant, 'PEEL-02');
    const otherSku = await createSku(other, 'GP-STEEL-01');

    const created = await call(tenant, 'POST', '/asin-sku-mappings', { brandId: tenant.brandId, asin: 'b0garlic01', skuCode: 'GP-STEEL-01', productName: 'Garlic press' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ asin: 'B0GARLIC01', skuId: garlic, skuCode: 'GP-STEEL-01', productName: 'Garlic press', createdById: tenant.userId });
    const id = created.body.id as string;
    // An ISBN-10 is an ASIN too; by skuId.
    expect((await call(tenant, 'POST', '/asin-sku-mappings', { brandId: tenant.brandId, asin: '030640615X', skuId: peeler })).status).toBe(201);

    const again = await call(tenant, 'POST', '/asin-sku-mappings', { brandId: tenant.brandId, asin: 'B0GARLIC01', skuCode: 'PEEL-02' });
    expect(again.status).toBe(409);
    expect(again.body.detail).toMatch(/B0GARLIC01 is already mapped/);

    const scientific = await call(tenant, 'POST', '/asin-sku-mappings', { brandId: tenant.brandId, asin: '3.16769E+08', skuCode: 'PEEL-02' });
    expect(scientific.status).toBe(400);
    expect(scientific.body.errors).toEqual([{ location: 'body.asin', message: expect.stringMatching(/scientific notation/) }]);
    const shape = await call(tenant, 'POST', '/asin-sku-mappings', { brandId: tenant.brandId, asin: 'A0GARLIC01', skuCode: 'PEEL-02' });
    expect(shape).toMatchObject({ status: 400, body: { detail: expect.stringMatching(/not an ASIN: expected B0/) } });
    const unknownSku = await call(tenant, 'POST', '/asin-sku-mappings', { brandId: tenant.brandId, asin: 'B0PEELER02', skuCode: 'NOPE' });
    expect(unknownSku).toMatchObject({ status: 404, body: { detail: expect.stringMatching(/"NOPE" is not a SKU of brand/) } });
    // Another company's SKU, named by id: 404 like an unknown one.
    expect((await call(tenant, 'POST', '/asin-sku-mappings', { brandId: tenant.brandId, asin: 'B0PEELER02', skuId: otherSku })).status).toBe(404);
    expect((await call(tenant, 'POST', '/asin-sku-mappings', { brandId: tenant.brandId, asin: 'B0PEELER02' })).status).toBe(400);

    expect((await call(tenant, 'GET', `/asin-sku-mappings/${id}`)).body).toMatchObject({ id, asin: 'B0GARLIC01' });
    expect((await call(tenant, 'GET', `/asin-sku-mappings?skuCode=GP-STEEL-01`)).body.items.map((m: Json) => m.asin)).toEqual(['B0GARLIC01']);
    expect((await call(tenant, 'GET', `/asin-sku-mappings?brandId=${tenant.brandId}&limit=1`)).body).toMatchObject({ items: [{ asin: '030640615X' }], nextCursor: expect.any(String) });
    expect((await call(tenant, 'GET', `/asin-sku-mappings?asin=b0garlic01`)).body.items).toHaveLength(1);

    const patched = await call(tenant, 'PATCH', `/asin-sku-mappings/${id}`, { skuCode: 'PEEL-02', productName: null });
    expect(patched).toMatchObject({ status: 200, body: { asin: 'B0GARLIC01', skuId: peeler, skuCode: 'PEEL-02', productName: null } });
    expect((await call(tenant, 'PATCH', `/asin-sku-mappings/${id}`, { asin: '030640615X' })).status).toBe(409);

    // Another tenant sees none of it.
    for (const [method, body] of [['GET'], ['PATCH', { productName: 'x' }], ['DELETE']] as const) {
      const res = await call(other, method, `/asin-sku-mappings/${id}`, body);
      expect(res.status).toBe(404);
      expect(res.type).toMatch(/^application\/problem\+json/);
    }
    expect((await call(other, 'GET', `/asin-sku-mappings?brandId=${tenant.brandId}`)).status).toBe(404);
    expect((await call(other, 'GET', '/asin-sku-mappings')).body.items).toEqual([]);
    expect((await call(other, 'POST', '/asin-sku-mappings', { brandId: tenant.brandId, asin: 'B0PEELER02', skuCode: 'GP-STEEL-01' })).status).toBe(404);

    expect((await call(tenant, 'DELETE', `/asin-sku-mappings/${id}`)).status).toBe(204);
    expect((await call(tenant, 'GET', `/asin-sku-mappings/${id}`)).status).toBe(404);
    expect((await call(tenant, 'DELETE', `/asin-sku-mappings/${id}`)).status).toBe(404);
  });

  test('bulk upload: valid rows applied in one go, bad rows rejected with row, column, value and reason; a re-upload is unchanged', async () => {
    const tenant = await newTenant(stack.prisma);
    const garlic = await createSku(tenant, 'GP-STEEL-01');
    const peeler = await createSku(tenant, 'PEEL-02');
    await createSku(tenant, 'SLICE-03');
    // Already mapped: B0SLICER03 to the peeler (the file moves it), B0PEELER02 to the peeler (the file repeats it).
    expect((await call(tenant, 'POST', '/asin-sku-mappings', { brandId: tenant.brandId, asin: 'B0SLICER03', skuCode: 'PEEL-02' })).status).toBe(201);
    expect((await call(tenant, 'POST', '/asin-sku-mappings', { brandId: tenant.brandId, asin: 'B0PEELER02', skuCode: 'PEEL-02' })).status).toBe(201);

    const csv = [
      'Mapping export',
      '"ASIN ",seller-sku,Product Name',
      'B0GARLIC01,GP-STEEL-01,"Garlic press, steel"', // 3: created
      'b0garlic02,GP-STEEL-01,', // 4: created (lower case accepted)
      'B0SLICER03,SLICE-03,Slicer', // 5: updated (was PEEL-02)
      'B0PEELER02,PEEL-02,', // 6: unchanged
      '3.16769E+08,PEEL-02,', // 7: scientific notation
      'B0TOOSHORT1,PEEL-02,', // 8: shape
      'B0UNKNOWN1,NO-SUCH-SKU,', // 9: unknown SKU
      'B0GARLIC01,GP-STEEL-01,', // 10: repeats row 3: ignored
      'B0GARLIC02,PEEL-02,', // 11: conflicts with row 4
      'B0NOSKU001,,', // 12: empty SKU
      '316769487,PEEL-02,', // 13: 9 digits
      ',,',
    ].join('\r\n');
    const res = await uploadMapping(tenant, 'mapping.csv', csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ fileName: 'mapping.csv', rows: 11, created: 2, updated: 1, unchanged: 1, duplicates: 1, rejected: 6 });
    expect(res.body.rejects).toEqual([
      { rowNumber: 7, column: 'ASIN', value: '3.16769E+08', reason: expect.stringMatching(/scientific notation; its digits are lost/) },
      { rowNumber: 8, column: 'ASIN', value: 'B0TOOSHORT1', reason: expect.stringMatching(/not an ASIN/) },
      { rowNumber: 9, column: 'seller-sku', value: 'NO-SUCH-SKU', reason: expect.stringMatching(/"NO-SUCH-SKU" is not a SKU of the brand/) },
      { rowNumber: 11, column: 'seller-sku', value: 'PEEL-02', reason: expect.stringMatching(/B0GARLIC02 is mapped to "GP-STEEL-01" on row 4/) },
      { rowNumber: 12, column: 'seller-sku', value: null, reason: 'SKU is empty' },
      { rowNumber: 13, column: 'ASIN', value: '316769487', reason: expect.stringMatching(/9 digits/) },
    ]);
    const mappings = await stack.prisma.asinSkuMapping.findMany({ where: { brandId: tenant.brandId! }, orderBy: { asin: 'asc' } });
    expect(mappings.map((m) => [m.asin, m.skuId, m.productName, m.createdById])).toEqual([
      ['B0GARLIC01', garlic, 'Garlic press, steel', tenant.userId],
      ['B0GARLIC02', garlic, null, tenant.userId],
      ['B0PEELER02', peeler, null, tenant.userId],
      ['B0SLICER03', expect.any(String), 'Slicer', tenant.userId],
    ]);
    expect(mappings[3]!.skuId).not.toBe(peeler);

    const again = await uploadMapping(tenant, 'mapping.csv', csv);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 4, duplicates: 1, rejected: 6 });

    // XLSX, the first worksheet, `SKU` header.
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Mapping');
    sheet.addRow(['ASIN', 'SKU']);
    sheet.addRow(['B0XLSX0001', 'SLICE-03']);
    sheet.addRow(['B0GARLIC01', 'PEEL-02']);
    const xlsx = await uploadMapping(tenant, 'mapping.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(xlsx).toMatchObject({ status: 200, body: { rows: 2, created: 1, updated: 1, unchanged: 0, rejected: 0 } });

    // File-level problems.
    const noHeader = await uploadMapping(tenant, 'mapping.csv', 'foo,bar\r\n1,2\r\n');
    expect(noHeader).toMatchObject({ status: 400, body: { detail: expect.stringMatching(/no header row with an ASIN column/) } });
    const other = await newTenant(stack.prisma, 'Other');
    expect((await uploadMapping(other, 'mapping.csv', csv, tenant.brandId!)).status).toBe(404);
  });
});

describe('mapping writes relink SalesDaily in the same transaction', () => {
  test('Amazon rows take the mapped SKU, Shopify rows the lowest ASIN mapped to their SKU; the organic split is untouched', async () => {
    const tenant = await newTenant(stack.prisma);
    const brandId = tenant.brandId!;
    // Amazon rows through the real import path, before any SKU exists: unlinked.
    await importAndWait(tenant, 'amazon-sp-advertised-product-legacy.csv');
    expect(await importAndWait(tenant, 'BusinessReport-by-child-item.csv', { reportDate: '2026-11-24' })).toMatchObject({ status: 'partial' });
    const garlic = await createSku(tenant, 'GP-STEEL-01');
    const peeler = await createSku(tenant, 'PEEL-02');
    // Shopify rows as the orders sync writes them (skuId set, asin from the mapping: none yet), and the no-SKU row.
    await stack.prisma.salesDaily.createMany({
      data: [
        { brandId, channel: 'shopify', skuId: garlic, asin: null, date: new Date('2026-11-24'), totalSales: '100.10', unitsTotal: 2 },
        { brandId, channel: 'shopify', skuId: garlic, asin: null, date: new Date('2026-11-25'), totalSales: '-20.02', unitsTotal: -1 },
        { brandId, channel: 'shopify', skuId: peeler, asin: null, date: new Date('2026-11-24'), totalSales: '30.00', unitsTotal: 3 },
        { brandId, channel: 'shopify', skuId: null, asin: null, date: new Date('2026-11-24'), totalSales: '5.05', unitsTotal: 1 },
      ],
    });
    const rows = async () =>
      (await stack.prisma.salesDaily.findMany({ where: { brandId }, orderBy: [{ channel: 'asc' }, { date: 'asc' }, { asin: 'asc' }, { totalSales: 'asc' }] })).map((r) => ({
        ch: r.channel,
        date: r.date.toISOString().slice(0, 10),
        asin: r.asin,
        sku: r.skuId === garlic ? 'GP' : r.skuId === peeler ? 'PEEL' : r.skuId,
        total: r.totalSales?.toFixed(2) ?? null,
        organic: r.organicSales?.toFixed(2) ?? null,
      }));
    const amazonOf = async (asin: string) => (await rows()).filter((r) => r.ch === 'amazon' && r.asin === asin).map((r) => r.sku);
    const shopify = async () => (await rows()).filter((r) => r.ch === 'shopify').map((r) => [r.date, r.sku, r.asin]).sort(byDateThenSku);
    const splitBefore = (await rows()).map(({ ch, date, total, organic }) => ({ ch, date, total, organic }));
    expect(await amazonOf('B0GARLIC01')).toEqual([null, null]);

    const garlicMapping = await call(tenant, 'POST', '/asin-sku-mappings', { brandId, asin: 'B0GARLIC01', skuCode: 'GP-STEEL-01' });
    expect(garlicMapping.status).toBe(201);
    expect(await amazonOf('B0GARLIC01')).toEqual(['GP', 'GP']);
    expect(await shopify()).toEqual([
      ['2026-11-24', 'GP', 'B0GARLIC01'], ['2026-11-24', 'PEEL', null], ['2026-11-24', null, null], ['2026-11-25', 'GP', 'B0GARLIC01'],
    ].sort(byDateThenSku));

    // A second, lower ASIN for the same SKU: Shopify rows take min(asin); deleting it gives the first back.
    const second = await call(tenant, 'POST', '/asin-sku-mappings', { brandId, asin: 'B0AAAAAAA1', skuCode: 'GP-STEEL-01' });
    expect((await shopify()).filter((r) => r[1] === 'GP').map((r) => r[2])).toEqual(['B0AAAAAAA1', 'B0AAAAAAA1']);
    expect((await call(tenant, 'DELETE', `/asin-sku-mappings/${second.body.id}`)).status).toBe(204);
    expect((await shopify()).filter((r) => r[1] === 'GP').map((r) => r[2])).toEqual(['B0GARLIC01', 'B0GARLIC01']);

    // Moving the ASIN to another SKU moves both sides.
    expect((await call(tenant, 'PATCH', `/asin-sku-mappings/${garlicMapping.body.id}`, { skuCode: 'PEEL-02' })).status).toBe(200);
    expect(await amazonOf('B0GARLIC01')).toEqual(['PEEL', 'PEEL']);
    expect((await shopify()).map((r) => [r[1], r[2]])).toEqual(expect.arrayContaining([['GP', null], ['PEEL', 'B0GARLIC01']]));

    // A bulk upload relinks too: B0PEELER02 joins PEEL-02 (its only ASIN now), B0GARLIC01 goes back to GP-STEEL-01.
    const upload = await uploadMapping(tenant, 'm.csv', 'asin,sku\r\nB0PEELER02,PEEL-02\r\nB0GARLIC01,GP-STEEL-01\r\n');
    expect(upload.body).toMatchObject({ created: 1, updated: 1, salesDailyRelinked: { amazonRows: 3, shopifyRows: 3 } });
    expect(await amazonOf('B0GARLIC01')).toEqual(['GP', 'GP']);
    expect(await amazonOf('B0PEELER02')).toEqual(['PEEL']);
    expect(await shopify()).toEqual([
      ['2026-11-24', 'GP', 'B0GARLIC01'], ['2026-11-24', 'PEEL', 'B0PEELER02'], ['2026-11-24', null, null], ['2026-11-25', 'GP', 'B0GARLIC01'],
    ].sort(byDateThenSku));

    // Deleting a mapping: the ASIN's Amazon rows are unlinked, the SKU's Shopify rows lose the ASIN; the no-SKU row never changes.
    const peelerMapping = (await call(tenant, 'GET', '/asin-sku-mappings?asin=B0PEELER02')).body.items[0];
    expect((await call(tenant, 'DELETE', `/asin-sku-mappings/${peelerMapping.id}`)).status).toBe(204);
    expect(await amazonOf('B0PEELER02')).toEqual([null]);
    expect((await shopify()).find((r) => r[1] === 'PEEL')).toEqual(['2026-11-24', 'PEEL', null]);

    // Relinking never moved money: every row's total and organic split are as before.
    expect((await rows()).map(({ ch, date, total, organic }) => ({ ch, date, total, organic })).sort(byJson)).toEqual(splitBefore.sort(byJson));
  });
});

function byDateThenSku(a: Array<string | null>, b: Array<string | null>): number {
  return `${a[0]}|${a[1] ?? '~'}`.localeCompare(`${b[0]}|${b[1] ?? '~'}`);
}
function byJson(a: unknown, b: unknown): number {
  return JSON.stringify(a).localeCompare(JSON.stringify(b));
}
