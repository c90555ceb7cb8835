import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface MailSinkProcess {
  smtpUrl: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * The mail sink as a process of its own rather than inside the bench (as the store launcher would
 * run it): at hundreds of e-mails a second it costs real CPU, which must show as the sink's, not as
 * the load generator's.
 */
export async function startMailSinkProcess(rootDir: string): Promise<MailSinkProcess> {
  const entry = join(rootDir, 'packages', 'mail-sink', 'dist', 'main.js');
  if (!existsSync(entry)) throw new Error(`not built: packages/mail-sink/dist/main.js; run \`npm run build\` first`);
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH ?? '', MAIL_SINK_SMTP_PORT: '0', MAIL_SINK_HTTP_PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const smtpUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('mail sink did not start within 15 s')), 15_000);
    child.once('exit', (code) => reject(new Error(`mail sink exited with ${code}`)));
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const fields = JSON.parse(line) as { smtpUrl?: string };
        if (fields.smtpUrl) {
          clearTimeout(timer);
          resolve(fields.smtpUrl);
        }
      } catch {
        // not a log line
      }
    });
  });
  return {
    smtpUrl,
    pid: child.pid!,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      await stopChild(child);
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
