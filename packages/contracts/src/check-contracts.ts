// The compatibility gate: `npm run contracts:check`. Exits 1, naming each event and field, when the
// contracts break a published version recorded in baseline/ (see compatibility.ts).
import { checkAgainstBaseline } from './baseline';
import { describeBreakingChange } from './compatibility';

const report = checkAgainstBaseline();
for (const note of report.unrecorded) {
  console.log(`not in the baseline yet: ${note} (npm run schemas -w @loja/contracts records it)`);
}
if (report.breaking.length) {
  console.error(`contracts:check: ${report.breaking.length} breaking change(s) to published event versions:`);
  for (const change of report.breaking) console.error(`  ${describeBreakingChange(change)}`);
  console.error('Publish a new version instead (defineNextVersion, ADR 0008), and keep the published one as it was.');
  process.exit(1);
}
console.log('contracts:check: every published event version is still accepted');
