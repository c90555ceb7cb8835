#!/usr/bin/env node
// `npm run dlq -- <command> [queue] [options]`: the dead-letter queue tool (packages/dlq-tool, see its README).
import { existsSync } from 'node:fs';

const cli = new URL('../packages/dlq-tool/dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('The DLQ tool is not built yet: run `npm run build` first.');
  process.exit(1);
}
await import(cli.href);
