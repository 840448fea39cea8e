import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config';
import { createPrismaClient } from '../lib/db';
import { createTenant } from '../lib/tenants';

const USAGE = `Usage: npm run tenant:create -- --company "Acme Inc" --email ops@acme.example [--name "Ada"] [--brand "Acme"]

Creates a company, its first user (and brand) and an API token for that user, and prints the token once.
Uses DATABASE_URL (see README, "Configuration").`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      company: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      brand: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.company || !values.email || !/^[^@\s]+@[^@\s]+$/.test(values.email)) {
    console.error(`${!values.company ? '--company is required' : '--email must be an e-mail address'}\n\n${USAGE}`);
    return 2;
  }
  const prisma = createPrismaClient({ ...loadConfig().database, poolSize: 1 });
  try {
    const tenant = await createTenant(prisma, {
      companyName: values.company,
      userEmail: values.email,
      userName: values.name,
      brandName: values.brand,
    });
    if (values.json) console.log(JSON.stringify(tenant));
    else {
      console.log(`company ${tenant.companyId}\nuser    ${tenant.userId}${tenant.brandId ? `\nbrand   ${tenant.brandId}` : ''}`);
      console.log(`token   ${tenant.token}\n\nKeep the token: it is shown once. Use it as "Authorization: Bearer <token>".`);
    }
    return 0;
  } finally {
    await prisma.$disconnect();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error & { code?: string }) => {
    console.error(err.code === 'P2002' ? 'A user with this e-mail already exists.' : err.message);
    process.exit(1);
  },
);
