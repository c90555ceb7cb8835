import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'test/prisma/schema.prisma',
  migrations: { path: 'test/prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
