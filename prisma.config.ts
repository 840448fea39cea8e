import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';
import { databaseUrlForTools } from './lib/config/database-url';

// The schema's `env("DATABASE_URL")` must resolve even for `prisma generate`, which connects to nothing.
process.env.DATABASE_URL = databaseUrlForTools();

// Prisma's JS schema engine talks to PostgreSQL through the same `pg` driver adapter as the runtime client,
// so migrations need no native engine binary (see ../shared/notes/environment.md).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () => new PrismaPg({ connectionString: databaseUrlForTools() }),
});
