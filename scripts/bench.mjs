#!/usr/bin/env node
// `npm run bench -- [options]`: the store's load benchmark (packages/bench, see its README).
import { existsSync } from 'node:fs';

const cli = new URL('../packages/bench/dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('The bench is not built yet: run `npm run build` first.');
  process.exit(1);
}
await import(cli.href);
