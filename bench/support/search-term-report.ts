import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';

// A generated Amazon Ads console Sponsored Products search term report (legacy daily CSV layout), written to disk
// row by row (never held in memory), and beside it the same rows as the importer stores them in KeywordMetric, as
// a CSV for `COPY "KeywordMetric" (NORMALIZED_COLUMNS) FROM … (FORMAT csv)`.
//
// The account: 300 campaigns (a fifth each exact, phrase, broad, auto and product targeting), 3 ad groups each,
// 4 targets per ad group (keywords; close-match/loose-match/substitutes/complements; asin="B0…"), and many
// customer search terms per target. The report covers 60 days, sorted by date; a search term is active for about
// 8 days running, then rests. Every row is a distinct identity (date, campaign, ad group, targeting, match type,
// search term), so rows in = rows stored. Metrics are skewed like real traffic (many rows without clicks or
// orders), money is `"$1,234.50"`, rates are percents; the file's rates are what Amazon shows, the stored ones are
// derived by the importer's one rule, which the normalized rows reproduce exactly (integer arithmetic).

export const REPORT_HEADER =
  'Date,Portfolio name,Currency,Campaign Name,Ad Group Name,Targeting,Match Type,Customer Search Term,Impressions,Clicks,' +
  'Click-Thru Rate (CTR),Cost Per Click (CPC),Spend,7 Day Total Sales ,Total Advertising Cost of Sales (ACOS) ,' +
  'Total Return on Advertising Spend (ROAS),7 Day Total Orders (#),7 Day Total Units (#),7 Day Conversion Rate';

/** KeywordMetric's columns in the normalized CSV. The rates are computed (as the importer derives them), not null. */
export const NORMALIZED_COLUMNS =
  '"id","companyId","brandId","source","date","campaignRef","adGroupRef","keyword","matchType","searchTerm","impressions","clicks",' +
  '"spend","orders","sales","ctr","cpc","acos","roas","conversionRate","sourceFileName","metadata","updatedAt"';

export interface GeneratedReport {
  rows: number;
  /** Totals of the file, in cents (exact). */
  spendCents: number;
  salesCents: number;
  campaigns: number;
  adGroups: number;
  targets: number;
  /** Distinct (campaign, ad group, targeting, match type, search term) over all days. */
  searchTerms: number;
}

const DAYS = 60;
const LAST_DAY = Date.UTC(2026, 10, 24); // Nov 24, 2026
const CAMPAIGNS = 300;
const AD_GROUPS_PER_CAMPAIGN = 3;
const TARGETS_PER_AD_GROUP = 4;
const AD_GROUPS = CAMPAIGNS * AD_GROUPS_PER_CAMPAIGN;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PRODUCTS = [
  'garlic press', 'salad spinner', 'knife sharpener', 'silicone spatula', 'cutting board', 'pepper grinder', 'measuring cups',
  'vegetable peeler', 'can opener', 'cheese grater', 'kitchen scale', 'mixing bowls', 'meat thermometer', 'pizza cutter',
  'whisk set', 'citrus juicer', 'spice rack', 'oven mitts', 'dish rack', 'ice cube tray', 'french press', 'tea kettle',
  'rolling pin', 'mandoline slicer', 'herb scissors', 'avocado slicer', 'egg separator', 'baking mat', 'colander', 'tongs',
];
const KEYWORD_VARIANTS = ['', 'stainless steel', 'best', 'heavy duty'];
const MODIFIERS = [
  'for kitchen', 'dishwasher safe', 'set', 'large', 'small', 'black', 'red', 'professional', 'cheap', 'gift', 'with lid',
  'bpa free', 'ergonomic', 'amazon basics', 'oxo', 'under 20', 'for home', 'non slip', 'commercial', 'mini', 'xl', '2 pack',
  'replacement', 'wooden', 'bamboo', 'silicone', 'glass', 'easy clean', 'for mom', 'camping',
];
const AUTO_TARGETS = ['close-match', 'loose-match', 'substitutes', 'complements'];
const KINDS = [
  { label: 'Exact', matchType: 'EXACT' },
  { label: 'Phrase', matchType: 'PHRASE' },
  { label: 'Broad', matchType: 'BROAD' },
  { label: 'Auto', matchType: '-' },
  { label: 'Product Targeting', matchType: '-' },
] as const;

/** A well-mixed 32-bit hash (murmur3's finalizer), for deterministic, repeatable "random" metrics. */
function mix(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
const unit = (x: number) => mix(x) / 4294967296;

/** `num / den` rounded half up to `places` decimals, exactly (integers in, text out), like PostgreSQL's round(). */
function rounded(num: number, den: number, places: number): string {
  const scale = 10 ** places;
  const q = Math.floor((2 * num * scale + den) / (2 * den));
  if (places === 0) return String(q);
  return `${Math.floor(q / scale)}.${String(q % scale).padStart(places, '0')}`;
}

const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const dollars = (cents: number) => `$${grouped(Math.floor(cents / 100))}.${String(cents % 100).padStart(2, '0')}`;
const decimal = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
const percent = (num: number, den: number) => (den > 0 ? `${((num / den) * 100).toFixed(2)}%` : '0.00%');
const csv = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
const title = (text: string) => text.replace(/\b[a-z]/g, (c) => c.toUpperCase());

/** The k-th word sequence over MODIFIERS (bijective numeration: every k ≥ 1 its own non-empty sequence). */
function modifiers(k: number): string {
  const words: string[] = [];
  for (let n = k; n > 0; n = Math.floor(n / MODIFIERS.length)) {
    n -= 1;
    words.push(MODIFIERS[n % MODIFIERS.length]!);
  }
  return words.join(' ');
}

interface Target {
  campaign: string;
  adGroup: string;
  portfolio: string;
  targeting: string;
  /** As the file shows it, and as the importer stores it. */
  matchType: string;
  storedMatchType: string;
  kind: number;
  product: string;
}

function targetOf(t: number): Target {
  const adGroupIndex = t % AD_GROUPS;
  const slot = Math.floor(t / AD_GROUPS); // 0 … TARGETS_PER_AD_GROUP - 1, distinct within the ad group
  const campaignIndex = adGroupIndex % CAMPAIGNS;
  const kind = campaignIndex % KINDS.length;
  const product = PRODUCTS[Math.floor(campaignIndex / KINDS.length) % PRODUCTS.length]!;
  const { label, matchType } = KINDS[kind]!;
  const targeting =
    kind === 3
      ? AUTO_TARGETS[slot]!
      : kind === 4
        ? `asin="B0${(mix(adGroupIndex * 8 + slot) % 36 ** 8).toString(36).toUpperCase().padStart(8, '0')}"`
        : [KEYWORD_VARIANTS[slot], product].filter(Boolean).join(' ');
  return {
    campaign: `SP - ${title(product)}, ${label} - ${String(campaignIndex + 1).padStart(3, '0')}`,
    adGroup: `${title(product)} ${label} ${Math.floor(adGroupIndex / CAMPAIGNS) + 1}`,
    portfolio: kind === 3 ? 'Not grouped' : `${title(product)} Portfolio`,
    targeting,
    matchType,
    storedMatchType: kind === 3 ? 'auto' : kind === 4 ? 'product' : matchType.toLowerCase(),
    kind,
    product,
  };
}

/** The k-th search term of a target: distinct within the target for every k. */
function searchTermOf(target: Target, t: number, k: number): string {
  // Product targets are mostly found through ASIN searches; the others through words around the product.
  if (target.kind === 4 && k % 3 !== 0) return `b0${((k * 7919 + t * 104729) % 36 ** 8).toString(36).padStart(8, '0')}`;
  const words = modifiers(target.kind === 4 ? k + 1 : k);
  const base = target.kind >= 3 ? target.product : target.targeting;
  return words ? `${base} ${words}` : base;
}

async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}

function end(out: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/**
 * Writes a report of `rows` rows to `reportPath` and the same rows, normalized for `tenant`, to `normalizedPath`.
 * `fileName` is the name the upload will carry (KeywordMetric.sourceFileName).
 */
export async function generateSearchTermReport(
  rows: number,
  paths: { report: string; normalized: string },
  tenant: { companyId: string; brandId: string },
  fileName: string,
): Promise<GeneratedReport> {
  const report = createWriteStream(paths.report);
  const normalized = createWriteStream(paths.normalized);
  await write(report, `${REPORT_HEADER}\r\n`);

  const perDay = Math.ceil(rows / DAYS);
  // The search terms in play: each day takes a window of `perDay` of them, moving on by an eighth of a window a day.
  const universe = perDay * 6;
  const shift = Math.max(1, Math.ceil(perDay / 8));
  const targets = Math.min(AD_GROUPS * TARGETS_PER_AD_GROUP, Math.max(1, Math.ceil(universe / 10)));
  const used = new Set<number>();
  const now = new Date().toISOString();
  let spendCents = 0;
  let salesCents = 0;
  let written = 0;
  for (let d = 0; written < rows; d += 1) {
    const day = new Date(LAST_DAY - (DAYS - 1 - d) * 86_400_000);
    const iso = day.toISOString().slice(0, 10);
    const shown = `"${MONTHS[day.getUTCMonth()]} ${String(day.getUTCDate()).padStart(2, '0')}, ${day.getUTCFullYear()}"`;
    for (let r = 0; r < perDay && written < rows; r += 1, written += 1) {
      const combo = (r + d * shift) % universe; // distinct within the day, so (date, combo) is distinct
      if (used.size < universe) used.add(combo);
      const t = combo % targets;
      const target = targetOf(t);
      const searchTerm = searchTermOf(target, t, Math.floor(combo / targets));

      const seed = combo * 64 + d;
      const impressions = 1 + Math.floor(8000 * unit(seed * 5 + 1) ** 3);
      const clicks = Math.min(impressions, Math.floor(impressions * (0.002 + 0.04 * unit(seed * 5 + 2)) + unit(seed * 5 + 3)));
      const cpcCents = 25 + (mix(seed * 5 + 4) % 260);
      const spend = clicks * cpcCents;
      const converting = unit(seed * 5 + 5);
      const orders = clicks === 0 ? 0 : Math.min(clicks, Math.floor(clicks * 0.3 * converting + (converting > 0.8 ? 1 : 0)));
      const priceCents = 1499 + (mix(seed) % 41) * 100;
      const sales = orders * priceCents;
      const units = orders + (orders > 0 && converting > 0.9 ? 1 : 0);
      spendCents += spend;
      salesCents += sales;

      await write(
        report,
        `${shown},${csv(target.portfolio)},USD,${csv(target.campaign)},${csv(target.adGroup)},${csv(target.targeting)},${target.matchType},` +
          `${csv(searchTerm)},${csv(grouped(impressions))},${csv(grouped(clicks))},${percent(clicks, impressions)},` +
          `"${clicks > 0 ? dollars(Math.round(spend / clicks)) : '$0.00'}","${dollars(spend)}","${dollars(sales)}",` +
          `${sales > 0 ? percent(spend, sales) : ''},${spend > 0 ? (sales / spend).toFixed(2) : '0.00'},${orders},${units},${percent(orders, clicks)}\r\n`,
      );
      // As the merge derives them (activities/keyword-metrics/derived-metrics.ts): null when the denominator is 0.
      const ctr = rounded(clicks, impressions, 4);
      const cpc = clicks > 0 ? decimal(Number(rounded(spend, clicks, 0))) : '';
      const acos = sales > 0 && spend < 10_000 * sales ? rounded(spend, sales, 4) : '';
      const roas = spend > 0 ? rounded(sales, spend, 2) : '';
      const conversionRate = clicks > 0 ? rounded(orders, clicks, 4) : '';
      await write(
        normalized,
        `${randomUUID()},${tenant.companyId},${tenant.brandId},csv_amazon,${iso},${csv(target.campaign)},${csv(target.adGroup)},` +
          `${csv(target.targeting)},${target.storedMatchType},${csv(searchTerm)},${impressions},${clicks},${decimal(spend)},${orders},` +
          `${decimal(sales)},${ctr},${cpc},${acos},${roas},${conversionRate},${csv(fileName)},` +
          `"{""currency"": ""USD"", ""7_day_total_units_count"": ""${units}""}",${now}\n`,
      );
    }
  }
  await Promise.all([end(report), end(normalized)]);
  return {
    rows,
    spendCents,
    salesCents,
    campaigns: Math.min(CAMPAIGNS, targets),
    adGroups: Math.min(AD_GROUPS, targets),
    targets,
    searchTerms: used.size,
  };
}
