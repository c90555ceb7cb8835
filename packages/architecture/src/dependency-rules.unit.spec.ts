import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ICruiseResult, IConfiguration } from 'dependency-cruiser' with { 'resolution-mode': 'import' };

/**
 * The rules of `.dependency-cruiser.cjs`, the file `npm run lint` checks, run the same way here: each
 * fixture under `fixtures/<rule>/` is a small tree laid out like the repository that breaks that rule
 * and no other, and the repository itself breaks none.
 */

const REPO_ROOT = resolve(__dirname, '../../..');
const FIXTURES = resolve(__dirname, '../fixtures');
const config = createRequire(__filename)(join(REPO_ROOT, '.dependency-cruiser.cjs')) as IConfiguration;

/** The names of the rules broken under `baseDir`, one entry per broken import. */
async function brokenRules(baseDir: string, sources: string[]): Promise<string[]> {
  // dependency-cruiser ships as ES modules only: imported at run time from this CommonJS-compiled file.
  const { cruise } = await import('dependency-cruiser');
  const { output } = await cruise(
    sources,
    {
      ...config.options,
      baseDir,
      validate: true,
      ruleSet: { forbidden: config.forbidden },
      // The fixtures are excluded from the repository's run, not from their own.
      exclude: baseDir === REPO_ROOT ? config.options?.exclude : undefined,
    },
    config.options?.enhancedResolveOptions,
  );
  const result = output as ICruiseResult;
  return result.summary.violations.map((violation) => violation.rule.name);
}

const ruleNames = (config.forbidden ?? []).map((rule) => rule.name ?? 'a rule without a name');

describe('dependency rules', () => {
  it('have a fixture each, and each fixture is named after a rule', () => {
    expect(readdirSync(FIXTURES).sort()).toEqual([...ruleNames].sort());
  });

  it.each(ruleNames)(
    '%s fails on a tree that breaks it, and no other rule does',
    { timeout: 120_000 },
    async (rule) => {
      const broken = await brokenRules(
        join(FIXTURES, rule),
        ['apps', 'packages'].filter(existsIn(join(FIXTURES, rule))),
      );
      expect(broken.length).toBeGreaterThan(0);
      expect(new Set(broken)).toEqual(new Set([rule]));
    },
  );

  // Every source of the repository, parsed by TypeScript: seconds, a minute on a busy machine.
  it('hold in the repository', { timeout: 180_000 }, async () => {
    expect(await brokenRules(REPO_ROOT, ['apps', 'packages', 'e2e'])).toEqual([]);
  });
});

function existsIn(dir: string) {
  const entries = new Set(readdirSync(dir));
  return (name: string) => entries.has(name);
}
