// Regenerates schemas/events.schema.json from the zod schemas: `npm run schemas -w @loja/contracts`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSON_SCHEMA_FILE, renderEventJsonSchemas } from './json-schema';

const target = join(__dirname, '..', JSON_SCHEMA_FILE);
writeFileSync(target, renderEventJsonSchemas());
console.log(`wrote ${target}`);
