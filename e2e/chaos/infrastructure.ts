import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { waitFor } from '@loja/messaging/testing';

const run = promisify(execFile);

/**
 * Restarts of the local servers, as an operator (or a crash) would do them. Only for a machine whose
 * servers belong to this test run: CI's, or a developer's own.
 */
export async function restartRabbitMq(managementUrl: string): Promise<void> {
  await run('rabbitmqctl', ['stop_app'], { timeout: 60_000 });
  await run('rabbitmqctl', ['start_app'], { timeout: 120_000 });
  await waitFor(
    'RabbitMQ management API back',
    async () => {
      const url = new URL(managementUrl);
      const auth = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString(
        'base64',
      );
      url.username = '';
      url.password = '';
      const response = await fetch(new URL('/api/overview', url), { headers: { authorization: `Basic ${auth}` } });
      return response.ok;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}

export async function restartPostgres(): Promise<void> {
  const version = readdirSync('/etc/postgresql').sort().at(-1)!;
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart', '-m', 'fast'], {
    timeout: 120_000,
  });
  await waitFor(
    'PostgreSQL back',
    async () => {
      await run('pg_isready', ['-q', '-h', '127.0.0.1']);
      return true;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}
