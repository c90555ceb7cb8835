#!/usr/bin/env node
import { createInterface } from 'node:readline/promises';
import { run } from './run';

// `npm run dlq -- show x.dlq | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

async function question(prompt: string): Promise<string> {
  // Prompts go to stderr so stdout stays clean for pipes.
  const readline = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await readline.question(prompt);
  } finally {
    readline.close();
  }
}

void run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  stdin: { isTTY: Boolean(process.stdin.isTTY), question },
}).then((code) => {
  process.exitCode = code;
});
