// Prints the closing line of a test run, `N passed, N failed`, from vitest's JSON report.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.log(`no test report at ${file}: ${error.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const passed = report.numPassedTests;
let failed = report.numFailedTests;
// Errors outside any test (a file that does not load, a crash in a hook, an unhandled rejection)
// fail the run too.
if (report.success === false && failed === 0) failed = 1;
const skipped = report.numPendingTests + (report.numTodoTests ?? 0);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
