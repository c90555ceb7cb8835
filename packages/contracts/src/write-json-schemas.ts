// Regenerates what is generated from the contracts, `npm run schemas -w @loja/contracts`:
// schemas/events.schema.json, schemas/asyncapi.json, and the baseline of published versions (which it
// refuses to overwrite with a breaking change: see check-contracts.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkAgainstBaseline, recordBaseline } from './baseline';
import { describeBreakingChange } from './compatibility';
import { ASYNCAPI_FILE, renderAsyncApi } from './asyncapi';
import { JSON_SCHEMA_FILE, renderEventJsonSchemas } from './json-schema';

for (const [file, text] of [
  [JSON_SCHEMA_FILE, renderEventJsonSchemas()],
  [ASYNCAPI_FILE, renderAsyncApi()],
] as const) {
  writeFileSync(join(__dirname, '..', file), text);
  console.log(`wrote ${file}`);
}

const report = checkAgainstBaseline();
if (report.breaking.length) {
  console.error('baseline not recorded: the contracts break published versions:');
  for (const change of report.breaking) console.error(`  ${describeBreakingChange(change)}`);
  process.exit(1);
}
recordBaseline();
console.log(`recorded the baseline${report.unrecorded.length ? `: ${report.unrecorded.join('; ')}` : ''}`);
