import { apiAs, type Json } from './support/http';
import { newTenant, listen, startStack, type TestStack } from './support/stack';

// The keyword merge's two paths, end to end on a real PostgreSQL and Temporal: a file whose identities are all
// distinct goes in as staged; a file that repeats an identity is added up by identity. Both count created, updated
// and unchanged truthfully, on a first import and on re-imports (changed or not).

let stack: TestStack;
let importAndWait: ReturnType<typeof apiAs>['importFile'];
beforeAll(async () => {
  stack = await startStack({ worker: true, api: true });
  importAndWait = apiAs(await listen(stack)).importFile;
});
afterAll(() => stack.close());

const HEADER =
  'Date,Portfolio name,Currency,Campaign Name,Ad Group Name,Targeting,Match Type,Customer Search Term,Impressions,Clicks,' +
  'Spend,7 Day Total Sales ,7 Day Total Orders (#)';

function report(rows: Array<[searchTerm: string, impressions: number, clicks: number, spend: string, sales: string, orders: number]>): string {
  const lines = rows.map(([term, impressions, clicks, spend, sales, orders]) =>
    `"Nov 24, 2026",Kitchen,USD,SP - Garlic Press,Exact KWs,garlic press,EXACT,${term},${impressions},${clicks},$${spend},$${sales},${orders}`,
  );
  return `${HEADER}\r\n${lines.join('\r\n')}\r\n`;
}

async function stored(companyId: string) {
  return stack.prisma.$queryRaw<Json[]>`
    SELECT "searchTerm", "impressions", "clicks", "spend"::text AS spend, "sales"::text AS sales, "orders"
    FROM "KeywordMetric" WHERE "companyId" = ${companyId} ORDER BY "searchTerm"`;
}

function counts(state: Json) {
  return { status: state.syncLog.status, created: state.syncLog.recordsCreated, updated: state.syncLog.recordsUpdated, unchanged: state.syncLog.errorDetails.unchanged };
}

test('distinct identities: created, then unchanged on a re-import, then only the changed row updated', async () => {
  const tenant = await newTenant(stack.prisma);
  const rows: Parameters<typeof report>[0] = [
    ['garlic press', 850, 12, '7.20', '89.97', 3],
    ['garlic crusher', 100, 2, '1.10', '0.00', 0],
    ['garlic mincer', 212, 3, '1.83', '24.99', 1],
  ];
  expect(counts(await importAndWait(tenant, 'a.csv', report(rows)))).toEqual({ status: 'completed', created: 3, updated: 0, unchanged: 0 });
  expect(counts(await importAndWait(tenant, 'a.csv', report(rows)))).toEqual({ status: 'completed', created: 0, updated: 0, unchanged: 3 });
  rows[1] = ['garlic crusher', 100, 3, '1.60', '0.00', 0];
  rows.push(['garlic peeler', 40, 1, '0.50', '9.99', 1]);
  expect(counts(await importAndWait(tenant, 'a.csv', report(rows)))).toEqual({ status: 'completed', created: 1, updated: 1, unchanged: 2 });
  expect(await stored(tenant.companyId)).toEqual([
    { searchTerm: 'garlic crusher', impressions: 100, clicks: 3, spend: '1.60', sales: '0.00', orders: 0 },
    { searchTerm: 'garlic mincer', impressions: 212, clicks: 3, spend: '1.83', sales: '24.99', orders: 1 },
    { searchTerm: 'garlic peeler', impressions: 40, clicks: 1, spend: '0.50', sales: '9.99', orders: 1 },
    { searchTerm: 'garlic press', impressions: 850, clicks: 12, spend: '7.20', sales: '89.97', orders: 3 },
  ]);
});

test('a repeated identity adds up, on a first import and on re-imports, even when one of its rows is all zeros', async () => {
  const tenant = await newTenant(stack.prisma);
  const rows: Parameters<typeof report>[0] = [
    ['garlic press', 850, 12, '7.20', '89.97', 3],
    ['garlic mincer', 212, 3, '1.83', '24.99', 1],
    ['garlic press', 150, 3, '0.80', '10.03', 1],
    // Same identity as the row above it, nothing in it: the sum equals the first row on its own.
    ['garlic mincer', 0, 0, '0.00', '0.00', 0],
  ];
  const expected = [
    { searchTerm: 'garlic mincer', impressions: 212, clicks: 3, spend: '1.83', sales: '24.99', orders: 1 },
    { searchTerm: 'garlic press', impressions: 1000, clicks: 15, spend: '8.00', sales: '100.00', orders: 4 },
  ];
  expect(counts(await importAndWait(tenant, 'dup.csv', report(rows)))).toEqual({ status: 'completed', created: 2, updated: 0, unchanged: 0 });
  expect(await stored(tenant.companyId)).toEqual(expected);
  // Re-import: a row by row upsert would leave "garlic mincer" (equal to its first row) and then overwrite it with
  // the zeros; added up, nothing changes.
  expect(counts(await importAndWait(tenant, 'dup.csv', report(rows)))).toEqual({ status: 'completed', created: 0, updated: 0, unchanged: 2 });
  expect(await stored(tenant.companyId)).toEqual(expected);
  // A re-import whose repeated rows fail nothing row by row: the first equals the stored row (left as it is), the
  // second (zeros) would overwrite it. Added up, nothing changes.
  const mincerOnly: Parameters<typeof report>[0] = [
    ['garlic mincer', 212, 3, '1.83', '24.99', 1],
    ['garlic mincer', 0, 0, '0.00', '0.00', 0],
  ];
  expect(counts(await importAndWait(tenant, 'mincer.csv', report(mincerOnly)))).toEqual({ status: 'completed', created: 0, updated: 0, unchanged: 1 });
  expect(await stored(tenant.companyId)).toEqual(expected);
});
