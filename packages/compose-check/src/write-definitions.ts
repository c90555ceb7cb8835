import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDefinitionsTemplate } from './broker-definitions';
import { repoRoot } from './repo';

/** `npm run definitions -w @loja/compose-check`: rewrites infra/rabbitmq/definitions.template.json. */
export const DEFINITIONS_TEMPLATE = 'infra/rabbitmq/definitions.template.json';

export function renderDefinitionsTemplate(): string {
  return `${JSON.stringify(buildDefinitionsTemplate(), null, 2)}\n`;
}

if (require.main === module) {
  const target = join(repoRoot(), DEFINITIONS_TEMPLATE);
  writeFileSync(target, renderDefinitionsTemplate());
  console.log(`wrote ${target}`);
}
