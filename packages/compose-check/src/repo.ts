import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SERVICES, type Service } from '@loja/provisioning';

export { SERVICES, type Service };

/** The repository root: the nearest folder above this package holding turbo.json. */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'turbo.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no turbo.json above ${from}`);
    dir = parent;
  }
  return dir;
}
