import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVERY_EVENT_VERSION } from './catalog';
import {
  baselineEntryOf,
  baselineFileName,
  checkCompatibility,
  type BaselineEntry,
  type CompatibilityReport,
} from './compatibility';

/** The committed baseline: one file per published version of an event, `baseline/<Type>.v<N>.json`. */
export const BASELINE_DIR = join(__dirname, '..', 'baseline');

export function readBaseline(dir = BASELINE_DIR): BaselineEntry[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as BaselineEntry);
}

export function currentEntries(): BaselineEntry[] {
  return EVERY_EVENT_VERSION.map(baselineEntryOf);
}

export function checkAgainstBaseline(dir = BASELINE_DIR): CompatibilityReport {
  return checkCompatibility(readBaseline(dir), currentEntries());
}

/** Records the contracts as they are now; only after the check found nothing breaking. */
export function recordBaseline(dir = BASELINE_DIR): void {
  mkdirSync(dir, { recursive: true });
  for (const entry of currentEntries()) {
    writeFileSync(join(dir, baselineFileName(entry)), `${JSON.stringify(entry, null, 2)}\n`);
  }
}
