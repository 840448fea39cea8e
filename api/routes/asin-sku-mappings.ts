import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inspectCsv, readCsvRowBatches, UnreadableFileError, type FileRow } from '../../integrations/file-formats/csv-reader';
import { normalizeHeader } from '../../integrations/file-formats/headers';
import { isXlsx, readXlsxRowBatches } from '../../integrations/file-formats/xlsx-reader';
import { Prisma, type PrismaClient } from '../../lib/db';
import { checkAsin } from '../../lib/sales/asin';
import { relinkSalesDaily } from '../../lib/sales/relink-sales-daily';
import { FileStore, FileTooLargeError } from '../../lib/storage/file-store';
import type { AppDependencies } from '../app';
import { decodeCursor, page, pageQuery } from '../pagination';
import { HttpProblem, notFound, problemSchema } from '../plugins/problem-details';
import { authErrorResponses, uuidParam } from '../schemas';

// The ASIN↔SKU mapping of a brand: which of the brand's SKUs an Amazon ASIN is. One mapping per ASIN and brand
// (a SKU may have several ASINs). Every write relinks the brand's SalesDaily rows in the same transaction
// (lib/sales/relink-sales-daily.ts), so Amazon and Shopify rows of one product line up.

type Tx = Prisma.TransactionClient;

const mappingSchema = z
  .object({
    id: z.string(),
    brandId: z.string(),
    asin: z.string(),
    skuId: z.string(),
    skuCode: z.string(),
    productName: z.string().nullable(),
    createdById: z.string(),
    createdAt: z.date(),
  })
  .meta({ id: 'AsinSkuMapping' });

const rejectSchema = z.object({ rowNumber: z.number().int(), column: z.string(), value: z.string().nullable(), reason: z.string() });
const uploadResultSchema = z.object({
  fileName: z.string(),
  rows: z.number().int().describe('data rows read (the header and empty rows not counted)'),
  created: z.number().int(),
  updated: z.number().int().describe('ASINs that were mapped to another SKU (or had another product name) and now follow the file'),
  unchanged: z.number().int(),
  duplicates: z.number().int().describe('rows repeating an earlier row of the file (same ASIN, same SKU): ignored'),
  rejected: z.number().int(),
  rejects: z.array(rejectSchema).describe(`rejected rows, in file order (the first ${1000})`),
  salesDailyRelinked: z.object({ amazonRows: z.number().int(), shopifyRows: z.number().int() }),
});

const asinField = z.string().min(1).max(40).describe('B0 and 8 letters or digits, or an ISBN-10; upper-cased');
const productName = z.string().trim().min(1).max(500);

const include = { sku: { select: { code: true } } } as const;
type MappingRow = Prisma.AsinSkuMappingGetPayload<{ include: typeof include }>;
const view = (m: MappingRow) => ({
  id: m.id,
  brandId: m.brandId,
  asin: m.asin,
  skuId: m.skuId,
  skuCode: m.sku.code,
  productName: m.productName,
  createdById: m.createdById,
  createdAt: m.createdAt,
});

function validAsin(raw: string, location: string): string {
  const check = checkAsin(raw);
  if ('reason' in check) throw new HttpProblem(400, `Invalid request: ${location}: ${check.reason}`, { errors: [{ location, message: check.reason }] });
  return check.asin;
}

/** The brand, if the caller's company owns it: another company's brand is a 404 like an unknown one. */
async function ownBrand(prisma: PrismaClient | Tx, companyId: string, brandId: string): Promise<void> {
  if (!(await prisma.brand.findFirst({ where: { id: brandId, companyId }, select: { id: true } }))) throw notFound('Brand', brandId);
}

/** The SKU named by id or code, which must belong to the brand. */
async function brandSku(tx: Tx, brandId: string, ref: { skuId?: string; skuCode?: string }): Promise<{ id: string; code: string }> {
  if (ref.skuId) {
    const sku = await tx.sKU.findFirst({ where: { id: ref.skuId, brandId }, select: { id: true, code: true } });
    if (!sku) throw new HttpProblem(404, `SKU ${ref.skuId} does not exist in brand ${brandId}`);
    return sku;
  }
  const sku = await tx.sKU.findFirst({ where: { code: ref.skuCode!, brandId }, select: { id: true, code: true } });
  if (!sku) throw new HttpProblem(404, `SKU code "${ref.skuCode}" is not a SKU of brand ${brandId}: create it first (POST /skus)`);
  return sku;
}

const isUniqueViolation = (err: unknown) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
const asinTaken = (asin: string, brandId: string) => new HttpProblem(409, `ASIN ${asin} is already mapped for brand ${brandId}: change that mapping (PATCH) or delete it first`);

// Header names of the upload's two columns (normalized as file imports normalize headers).
const ASIN_HEADERS = ['asin', 'asins', '(child) asin', 'child asin', 'asin1', 'advertised asin', 'amazon asin', 'product asin'];
const SKU_HEADERS = ['sku', 'skus', 'seller-sku', 'seller sku', 'sellersku', 'sku code', 'merchant sku', 'msku', 'advertised sku', 'shopify sku', 'variant sku'];
const NAME_HEADERS = ['product name', 'productname', 'item-name', 'item name', 'title', 'name'];
const HEADER_SCAN_ROWS = 10;
const MAX_REJECTS_ANSWERED = 1000;

async function* fileRows(file: string, fileName: string): AsyncGenerator<FileRow> {
  const handle = await open(file, 'r');
  const head = Buffer.alloc(8);
  try {
    await handle.read(head, 0, 8, 0);
  } finally {
    await handle.close();
  }
  const batches = isXlsx(head) ? readXlsxRowBatches(file, fileName) : readCsvRowBatches(file, await inspectCsv(file, fileName));
  for await (const batch of batches) {
    // The first worksheet of a workbook is the mapping.
    for (const row of batch) if (row.sheetIndex === 0) yield row;
  }
}

interface UploadRow {
  rowNumber: number;
  asin: string;
  skuCode: string;
  productName: string | null;
}

const asinSkuMappingRoutes: FastifyPluginAsyncZod<AppDependencies> = async (app, { prisma, config }) => {
  await app.register(multipart, { limits: { fileSize: config.uploads.maxBytes, files: 1, fields: 5 } });

  app.get(
    '/asin-sku-mappings',
    {
      schema: {
        summary: 'ASIN↔SKU mappings of the company’s brands, by ASIN',
        tags: ['products'],
        querystring: z.object({ brandId: z.uuid().optional(), asin: z.string().min(1).max(40).optional(), skuCode: z.string().min(1).max(100).optional(), ...pageQuery }),
        response: { 200: z.object({ items: z.array(mappingSchema), nextCursor: z.string().nullable() }), ...authErrorResponses, 404: problemSchema },
      },
    },
    async (request) => {
      const { brandId, asin, skuCode, limit, cursor } = request.query;
      if (brandId) await ownBrand(prisma, request.principal.companyId, brandId);
      const after = cursor ? decodeCursor(cursor, 2) : undefined;
      const rows = await prisma.asinSkuMapping.findMany({
        where: {
          brand: { companyId: request.principal.companyId },
          ...(brandId ? { brandId } : {}),
          ...(asin ? { asin: asin.trim().toUpperCase() } : {}),
          ...(skuCode ? { sku: { code: skuCode } } : {}),
          ...(after ? { OR: [{ asin: { gt: after[0]! } }, { asin: after[0]!, id: { gt: after[1]! } }] } : {}),
        },
        include,
        orderBy: [{ asin: 'asc' }, { id: 'asc' }],
        take: limit + 1,
      });
      const result = page(rows, limit, (r) => [r.asin, r.id]);
      return { ...result, items: result.items.map(view) };
    },
  );

  app.post(
    '/asin-sku-mappings',
    {
      schema: {
        summary: 'Map an ASIN to one of the brand’s SKUs',
        description:
          'Name the SKU by `skuCode` or `skuId`; it must belong to the brand (404 otherwise). One mapping per ASIN and brand: ' +
          'an ASIN already mapped answers 409. The brand’s SalesDaily rows follow at once (Amazon rows of the ASIN get the SKU, ' +
          'Shopify rows of the SKU the lowest ASIN mapped to it).',
        tags: ['products'],
        body: z
          .object({ brandId: z.uuid(), asin: asinField, skuCode: z.string().trim().min(1).max(100).optional(), skuId: z.uuid().optional(), productName: productName.optional() })
          .refine((b) => (b.skuCode === undefined) !== (b.skuId === undefined), { message: 'give exactly one of skuCode and skuId', path: ['skuCode'] }),
        response: { 201: mappingSchema, ...authErrorResponses, 404: problemSchema, 409: problemSchema },
      },
    },
    async (request, reply) => {
      const { companyId, userId } = request.principal;
      const { brandId, skuCode, skuId } = request.body;
      const asin = validAsin(request.body.asin, 'body.asin');
      await ownBrand(prisma, companyId, brandId);
      try {
        const created = await prisma.$transaction(async (tx) => {
          const sku = await brandSku(tx, brandId, { skuId, skuCode });
          if (await tx.asinSkuMapping.findUnique({ where: { brandId_asin: { brandId, asin } }, select: { id: true } })) throw asinTaken(asin, brandId);
          const mapping = await tx.asinSkuMapping.create({
            data: { brandId, asin, skuId: sku.id, productName: request.body.productName ?? null, createdById: userId },
            include,
          });
          await relinkSalesDaily(tx, brandId, { asins: [asin], skuIds: [sku.id] });
          return mapping;
        });
        return reply.code(201).send(view(created));
      } catch (err) {
        if (isUniqueViolation(err)) throw asinTaken(asin, brandId);
        throw err;
      }
    },
  );

  const findOwn = (tx: PrismaClient | Tx, id: string, companyId: string) =>
    tx.asinSkuMapping.findFirst({ where: { id, brand: { companyId } }, include });

  app.get(
    '/asin-sku-mappings/:id',
    { schema: { summary: 'One ASIN↔SKU mapping', tags: ['products'], params: uuidParam, response: { 200: mappingSchema, ...authErrorResponses, 404: problemSchema } } },
    async (request) => {
      const mapping = await findOwn(prisma, request.params.id, request.principal.companyId);
      if (!mapping) throw notFound('ASIN↔SKU mapping', request.params.id);
      return view(mapping);
    },
  );

  app.patch(
    '/asin-sku-mappings/:id',
    {
      schema: {
        summary: 'Change a mapping’s ASIN, SKU or product name',
        description: 'SalesDaily rows of the old and the new ASIN and SKU are relinked in the same transaction. An ASIN mapped elsewhere answers 409.',
        tags: ['products'],
        params: uuidParam,
        body: z
          .object({ asin: asinField.optional(), skuCode: z.string().trim().min(1).max(100).optional(), skuId: z.uuid().optional(), productName: productName.nullable().optional() })
          .refine((b) => b.skuCode === undefined || b.skuId === undefined, { message: 'give at most one of skuCode and skuId', path: ['skuCode'] }),
        response: { 200: mappingSchema, ...authErrorResponses, 404: problemSchema, 409: problemSchema },
      },
    },
    async (request) => {
      const { companyId } = request.principal;
      const { skuCode, skuId } = request.body;
      const newAsin = request.body.asin === undefined ? undefined : validAsin(request.body.asin, 'body.asin');
      try {
        return await prisma.$transaction(async (tx) => {
          const before = await findOwn(tx, request.params.id, companyId);
          if (!before) throw notFound('ASIN↔SKU mapping', request.params.id);
          const sku = skuCode !== undefined || skuId !== undefined ? await brandSku(tx, before.brandId, { skuCode, skuId }) : undefined;
          const asin = newAsin ?? before.asin;
          if (asin !== before.asin && (await tx.asinSkuMapping.findUnique({ where: { brandId_asin: { brandId: before.brandId, asin } }, select: { id: true } }))) {
            throw asinTaken(asin, before.brandId);
          }
          const after = await tx.asinSkuMapping.update({
            where: { id: before.id },
            data: { asin, ...(sku ? { skuId: sku.id } : {}), ...(request.body.productName !== undefined ? { productName: request.body.productName } : {}) },
            include,
          });
          await relinkSalesDaily(tx, before.brandId, { asins: [before.asin, after.asin], skuIds: [before.skuId, after.skuId] });
          return view(after);
        });
      } catch (err) {
        // A concurrent write took the ASIN between the check and the update.
        if (isUniqueViolation(err)) throw new HttpProblem(409, `ASIN ${newAsin ?? ''} is already mapped for this brand`);
        throw err;
      }
    },
  );

  app.delete(
    '/asin-sku-mappings/:id',
    {
      schema: {
        summary: 'Delete a mapping',
        description:
          'Amazon rows of the ASIN lose the SKU (skuId NULL) until a report links them by SKU code again; Shopify rows of the SKU take the next lowest ASIN mapped to it, or none.',
        tags: ['products'],
        params: uuidParam,
        response: { 204: z.null(), ...authErrorResponses, 404: problemSchema },
      },
    },
    async (request, reply) => {
      await prisma.$transaction(async (tx) => {
        const mapping = await findOwn(tx, request.params.id, request.principal.companyId);
        if (!mapping) throw notFound('ASIN↔SKU mapping', request.params.id);
        await tx.asinSkuMapping.delete({ where: { id: mapping.id } });
        await relinkSalesDaily(tx, mapping.brandId, { asins: [mapping.asin], skuIds: [mapping.skuId] });
      });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/asin-sku-mappings/uploads',
    {
      schema: {
        summary: 'Upload a file of ASIN↔SKU pairs (multipart/form-data)',
        description:
          'Fields: `file` (CSV — any delimiter, UTF-8 or Windows-1252 — or XLSX, first worksheet) and `brandId`. The header row (within ' +
          `the first ${HEADER_SCAN_ROWS} rows) names the columns: ASIN (\`ASIN\`, \`(Child) ASIN\`, \`asin1\`…), SKU (\`SKU\`, \`seller-sku\`, ` +
          '`MSKU`…), optionally a product name (`product name`, `item-name`, `title`). Every row is checked — ASIN shape (scientific ' +
          'notation from a spreadsheet is refused: its digits are lost), the SKU code must be one of the brand’s SKUs (unknown codes are ' +
          'rejected, not created: a typo would otherwise create a product), one SKU per ASIN within the file — then all valid rows are ' +
          'applied in one transaction: a new ASIN is created, an ASIN mapped to another SKU is moved to the file’s SKU (updated), the same ' +
          'pair is unchanged. Rejected rows come back with row number, column, value and reason, as file imports report them.',
        tags: ['products'],
        consumes: ['multipart/form-data'],
        response: { 200: uploadResultSchema, ...authErrorResponses, 404: problemSchema, 413: problemSchema, 415: problemSchema },
      },
    },
    async (request) => {
      const { companyId, userId } = request.principal;
      if (!request.isMultipart()) throw new HttpProblem(415, 'Send the file as multipart/form-data with the fields "file" and "brandId"');
      const fields: Record<string, string> = {};
      let stored: { path: string; fileName: string; size: number } | undefined;
      // The file is read once and not kept (the mapping is what counts, and the answer holds every rejected row):
      // a directory of its own, removed after.
      const scratch = await mkdtemp(path.join(tmpdir(), 'asin-sku-upload-'));
      try {
        const files = new FileStore(scratch);
        for await (const part of request.parts()) {
          if (part.type === 'field') {
            fields[part.fieldname] = String(part.value);
            continue;
          }
          const fileName = path.basename(part.filename || 'mapping.csv');
          if (!['.csv', '.tsv', '.txt', '.xlsx'].includes(path.extname(fileName).toLowerCase())) {
            part.file.resume();
            throw new HttpProblem(415, `${fileName}: send a .csv or .xlsx file`);
          }
          try {
            const saved = await files.save(part.file, config.uploads.maxBytes);
            stored = { path: files.pathOf(saved.key), fileName, size: saved.size };
          } catch (err) {
            if (err instanceof FileTooLargeError) throw new HttpProblem(413, `${fileName}: ${err.message}`);
            throw err;
          }
        }
        if (!stored) throw new HttpProblem(400, 'No file: send it in the multipart field "file"');
        if (stored.size === 0) throw new HttpProblem(400, `${stored.fileName} is empty`);
        const brandId = z.uuid().safeParse(fields.brandId);
        if (!brandId.success) {
          throw new HttpProblem(400, 'Invalid request: body.brandId: a brand id (UUID) is required', { errors: [{ location: 'body.brandId', message: 'a brand id (UUID) is required' }] });
        }
        await ownBrand(prisma, companyId, brandId.data);

        const { rows, rejects, dataRows, skuTitle } = await readUpload(stored.path, stored.fileName);
        const result = await applyUpload(prisma, brandId.data, userId, rows, rejects, skuTitle);
        rejects.sort((a, b) => a.rowNumber - b.rowNumber);
        return {
          fileName: stored.fileName,
          rows: dataRows,
          ...result.counts,
          rejected: rejects.length,
          rejects: rejects.slice(0, MAX_REJECTS_ANSWERED),
          salesDailyRelinked: result.relinked,
        };
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    },
  );
};

type Reject = z.infer<typeof rejectSchema>;

/** Reads the upload's rows: the header row found, ASIN shape checked, pairs repeated within the file sorted out. */
async function readUpload(file: string, fileName: string): Promise<{ rows: UploadRow[]; rejects: Reject[]; dataRows: number; skuTitle: string }> {
  const rows: UploadRow[] = [];
  const rejects: Reject[] = [];
  let header: { asin: number; sku: number; name: number | undefined; asinTitle: string; skuTitle: string } | undefined;
  const firstRows: string[][] = [];
  let dataRows = 0;
  try {
    for await (const row of fileRows(file, fileName)) {
      const cells = row.cells.map((c) => (c === null || c === undefined ? '' : String(c)));
      if (!header) {
        const names = cells.map((c) => normalizeHeader(c));
        const asin = names.findIndex((n) => ASIN_HEADERS.includes(n));
        const sku = names.findIndex((n) => SKU_HEADERS.includes(n));
        if (asin >= 0 && sku >= 0) {
          const name = names.findIndex((n) => NAME_HEADERS.includes(n));
          header = { asin, sku, name: name >= 0 ? name : undefined, asinTitle: cells[asin]!.replace(/^\ufeff/, '').trim(), skuTitle: cells[sku]!.replace(/^\ufeff/, '').trim() };
          continue;
        }
        firstRows.push(cells);
        if (firstRows.length >= HEADER_SCAN_ROWS) break;
        continue;
      }
      dataRows += 1;
      const rawAsin = cells[header.asin] ?? '';
      const rawSku = (cells[header.sku] ?? '').trim();
      const asin = checkAsin(rawAsin);
      if ('reason' in asin) {
        rejects.push({ rowNumber: row.rowNumber, column: header.asinTitle, value: rawAsin.trim() || null, reason: asin.reason });
        continue;
      }
      if (rawSku === '') {
        rejects.push({ rowNumber: row.rowNumber, column: header.skuTitle, value: null, reason: 'SKU is empty' });
        continue;
      }
      if (rawSku.length > 100) {
        rejects.push({ rowNumber: row.rowNumber, column: header.skuTitle, value: rawSku, reason: 'is longer than 100 characters' });
        continue;
      }
      const name = header.name === undefined ? null : (cells[header.name] ?? '').trim().slice(0, 500) || null;
      rows.push({ rowNumber: row.rowNumber, asin: asin.asin, skuCode: rawSku, productName: name });
    }
  } catch (err) {
    if (err instanceof UnreadableFileError) throw new HttpProblem(400, err.message);
    throw err;
  }
  if (!header) {
    throw new HttpProblem(400, `${fileName}: no header row with an ASIN column (${ASIN_HEADERS.slice(0, 4).join(', ')}…) and a SKU column (${SKU_HEADERS.slice(0, 4).join(', ')}…) in its first ${HEADER_SCAN_ROWS} rows`);
  }
  return { rows, rejects, dataRows, skuTitle: header.skuTitle };
}

/**
 * Applies the valid rows in one transaction: SKU codes resolved in the brand (unknown → rejected), an ASIN given twice
 * with different SKUs rejected after its first row, then one INSERT … ON CONFLICT over all pairs that tells created
 * from updated (RETURNING the old SKU), and the SalesDaily relink of every ASIN and SKU on either side.
 */
async function applyUpload(prisma: PrismaClient, brandId: string, userId: string, rows: UploadRow[], rejects: Reject[], skuTitle: string) {
  return prisma.$transaction(
    async (tx) => {
      const codes = [...new Set(rows.map((r) => r.skuCode))];
      const skus = await tx.sKU.findMany({ where: { brandId, code: { in: codes } }, select: { id: true, code: true } });
      const skuByCode = new Map(skus.map((s) => [s.code, s.id]));
      const firstRowOf = new Map<string, UploadRow>();
      const pairs: Array<UploadRow & { skuId: string }> = [];
      let duplicates = 0;
      for (const row of rows) {
        const skuId = skuByCode.get(row.skuCode);
        if (!skuId) {
          rejects.push({ rowNumber: row.rowNumber, column: skuTitle, value: row.skuCode, reason: `SKU code "${row.skuCode}" is not a SKU of the brand: create it first (POST /skus) or let the Shopify sync bring it` });
          continue;
        }
        const first = firstRowOf.get(row.asin);
        if (first) {
          if (first.skuCode === row.skuCode) duplicates += 1;
          else rejects.push({ rowNumber: row.rowNumber, column: skuTitle, value: row.skuCode, reason: `ASIN ${row.asin} is mapped to "${first.skuCode}" on row ${first.rowNumber}: an ASIN maps to one SKU` });
          continue;
        }
        firstRowOf.set(row.asin, row);
        pairs.push({ ...row, skuId });
      }
      if (pairs.length === 0) return { counts: { created: 0, updated: 0, unchanged: 0, duplicates }, relinked: { amazonRows: 0, shopifyRows: 0 } };
      const written = await tx.$queryRaw<{ asin: string; inserted: boolean; oldSkuId: string | null; skuId: string }[]>`
        WITH input AS (
          SELECT * FROM unnest(${pairs.map((p) => p.asin)}::text[], ${pairs.map((p) => p.skuId)}::text[], ${pairs.map((p) => p.productName)}::text[])
            AS t("asin", "skuId", "productName")
        ),
        old AS (SELECT m."asin", m."skuId" FROM "AsinSkuMapping" m WHERE m."brandId" = ${brandId} AND m."asin" IN (SELECT "asin" FROM input))
        INSERT INTO "AsinSkuMapping" AS m ("id", "brandId", "asin", "skuId", "productName", "createdById", "createdAt")
        SELECT gen_random_uuid(), ${brandId}, i."asin", i."skuId", i."productName", ${userId}, now() FROM input i
        ON CONFLICT ("brandId", "asin") DO UPDATE SET "skuId" = EXCLUDED."skuId", "productName" = coalesce(EXCLUDED."productName", m."productName")
        WHERE (m."skuId", m."productName") IS DISTINCT FROM (EXCLUDED."skuId", coalesce(EXCLUDED."productName", m."productName"))
        RETURNING m."asin", (xmax = 0) AS inserted, (SELECT o."skuId" FROM old o WHERE o."asin" = m."asin") AS "oldSkuId", m."skuId"`;
      const created = written.filter((w) => w.inserted).length;
      const updated = written.length - created;
      const relinked = await relinkSalesDaily(tx, brandId, {
        asins: written.map((w) => w.asin),
        skuIds: written.flatMap((w) => (w.oldSkuId ? [w.skuId, w.oldSkuId] : [w.skuId])),
      });
      return { counts: { created, updated, unchanged: pairs.length - created - updated, duplicates }, relinked };
    },
    { timeout: 60_000 },
  );
}

export default asinSkuMappingRoutes;
