#!/usr/bin/env node
import { join, relative, resolve } from 'node:path';
import { USAGE, parseBenchArgs, type Parsed } from './args';
import { timestampFolder, writeResults } from './output';
import { REPO_ROOT, runBench } from './run-bench';

async function main(): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }

  // First Ctrl-C: stop sending, clean up (store, namespace), write what was measured. Second: exit now.
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write(`\nbench: ${signal}, finishing up (again to quit at once)\n`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const started = Date.now();
  const log = (line: string) => {
    const t = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
    process.stdout.write(`[${t}s] ${line}\n`);
  };
  try {
    const report = await runBench(parsed.options, { log, signal: abort.signal });
    const dir = parsed.options.out
      ? resolve(parsed.options.out)
      : join(REPO_ROOT, 'bench-results', timestampFolder(report.startedAt));
    const markdown = writeResults(dir, report);
    process.stdout.write(`\n${markdown}\n`);
    log(`results in ${relative(process.cwd(), dir) || '.'}/ (results.json, results.md, latency-vs-rate.svg)`);
    return report.failed ? 1 : 0;
  } catch (error) {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

void main().then((code) => process.exit(code));
