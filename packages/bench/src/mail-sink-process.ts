import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface MailSinkProcess {
  smtpUrl: string;
  /** `GET` → `{"messages": n}`: e-mails accepted so far. */
  countUrl: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * The bench's counting mail sink (mail-sink-main.ts) as a process of its own rather than inside the
 * bench: whatever it costs shows as the sink's CPU, not as the load generator's.
 */
export async function startMailSinkProcess(): Promise<MailSinkProcess> {
  const entry = join(__dirname, 'mail-sink-main.js');
  if (!existsSync(entry)) throw new Error(`not built: ${entry}; run \`npm run build\` first`);
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const urls = await new Promise<{ smtpUrl: string; countUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('mail sink did not start within 15 s')), 15_000);
    child.once('exit', (code) => reject(new Error(`mail sink exited with ${code}`)));
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const fields = JSON.parse(line) as { smtpUrl?: string; countUrl?: string };
        if (fields.smtpUrl && fields.countUrl) {
          clearTimeout(timer);
          lines.close();
          child.stdout!.resume(); // it prints nothing more; never let a full pipe block it
          resolve({ smtpUrl: fields.smtpUrl, countUrl: fields.countUrl });
        }
      } catch {
        // not the line it prints once listening
      }
    });
  });
  return {
    ...urls,
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
