#!/usr/bin/env node
// `node scripts/check-broker.mjs [stores]`: fails, naming the cause and the fix, when the RabbitMQ broker
// (RABBITMQ_MANAGEMENT_URL) has too few file handles left for `stores` stores (default 1); see
// packages/provisioning/src/broker-file-handles.ts. Needs packages/provisioning built.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const dist = new URL('../packages/provisioning/dist/index.js', import.meta.url);
if (!existsSync(dist)) {
  console.error('packages/provisioning is not built yet: run `npx turbo run build` first.');
  process.exit(1);
}
const { RabbitManagement, assertBrokerFileHandles, serverSettingsFromEnv } = createRequire(import.meta.url)(
  dist.pathname,
);

const stores = Number(process.argv[2] ?? 1);
if (!Number.isInteger(stores) || stores < 1) {
  console.error(`check-broker: the number of stores must be a positive integer, got "${process.argv[2]}"`);
  process.exit(2);
}
try {
  await assertBrokerFileHandles(new RabbitManagement(serverSettingsFromEnv().rabbitmqManagementUrl), { stores });
  console.log(`RabbitMQ: file handles left for ${stores} store${stores === 1 ? '' : 's'}`);
} catch (error) {
  console.error(`\nERROR: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
