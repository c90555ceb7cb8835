import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Messaging's tables (outbox_message, inbox_message) live in every service's database, so each
 * service's Prisma schema and migrations carry a copy. Messaging's SQL assumes one shape: these
 * checks fail as soon as one copy drifts from the others (a column, an index, a migration step).
 */
const REPO = join(__dirname, '../../../..');
const SERVICES = ['orders', 'inventory', 'payments', 'logistics', 'notifications'];
const TABLES = /"?(outbox_message|inbox_message)"?/;

const normalise = (text: string) => text.replace(/--.*$/gm, '').replace(/\s+/g, ' ').trim();

/** The model blocks of messaging's tables in a Prisma schema, comments dropped. */
function messagingModels(schemaPath: string): string[] {
  const schema = readFileSync(schemaPath, 'utf8').replace(/\/\/\/?.*$/gm, '');
  return ['OutboxMessage', 'InboxMessage'].map((model) => {
    const block = schema.match(new RegExp(`model ${model} \\{[^}]*\\}`));
    if (!block) throw new Error(`${schemaPath} has no model ${model}`);
    return normalise(block[0]);
  });
}

/** Every migration statement that touches messaging's tables, in the order the migrations run. */
function messagingMigrationSteps(migrationsDir: string): string[] {
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .flatMap((name) => readFileSync(join(migrationsDir, name, 'migration.sql'), 'utf8').split(';'))
    .map(normalise)
    .filter((statement) => TABLES.test(statement));
}

describe("messaging's tables are the same in every service", () => {
  const reference = SERVICES[0]!;
  const prismaDir = (service: string) => join(REPO, 'apps', service, 'prisma');

  it.each(SERVICES.slice(1))('%s: same Prisma models as orders', (service) => {
    expect(messagingModels(join(prismaDir(service), 'schema.prisma'))).toEqual(
      messagingModels(join(prismaDir(reference), 'schema.prisma')),
    );
  });

  it.each(SERVICES.slice(1))('%s: same migration steps as orders', (service) => {
    expect(messagingMigrationSteps(join(prismaDir(service), 'migrations'))).toEqual(
      messagingMigrationSteps(join(prismaDir(reference), 'migrations')),
    );
  });

  it("messaging's own test schema has the same models", () => {
    expect(messagingModels(join(REPO, 'packages/messaging/test/prisma/schema.prisma'))).toEqual(
      messagingModels(join(prismaDir(reference), 'schema.prisma')),
    );
  });

  it('finds the steps it compares (the check cannot pass on nothing)', () => {
    const steps = messagingMigrationSteps(join(prismaDir(reference), 'migrations'));
    expect(steps.some((step) => step.startsWith('CREATE TABLE "outbox_message"'))).toBe(true);
    expect(steps.some((step) => step.startsWith('CREATE TABLE "inbox_message"'))).toBe(true);
  });
});
