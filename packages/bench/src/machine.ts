import { readFileSync } from 'node:fs';
import { availableParallelism, release, totalmem, type } from 'node:os';
import { RabbitManagement, type ServerSettings } from '@loja/provisioning';
import { Client } from 'pg';
import { machineBusyPercent } from './cpu-sampler';
import type { MachineInfo } from './results';

/**
 * PostgreSQL settings that decide what a commit costs, and autovacuum: without it the dead row versions
 * of every update stay, and what PostgreSQL spends per order grows during a run.
 */
const POSTGRES_SETTINGS = [
  'synchronous_commit',
  'fsync',
  'wal_sync_method',
  'shared_buffers',
  'max_connections',
  'autovacuum',
];

/** What the results are relative to: CPU, memory, Node, kernel, and the two servers' versions. */
export async function machineInfo(servers: ServerSettings): Promise<MachineInfo> {
  return {
    cpuModel: cpuModel(),
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    nodeVersion: process.version,
    kernel: `${type()} ${release()}`,
    busyBeforePercent: await machineBusyPercent(3000),
    postgres: await postgresInfo(servers.postgresUrl).catch(() => null),
    rabbitmq: await rabbitInfo(servers.rabbitmqManagementUrl).catch(() => null),
  };
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => /^model name\s*:/.test(l));
    return line?.split(':')[1]?.trim().replace(/\s+/g, ' ') || 'unknown CPU';
  } catch {
    return 'unknown CPU';
  }
}

async function postgresInfo(url: string): Promise<MachineInfo['postgres']> {
  const client = new Client({ connectionString: url, application_name: 'bench-machine-info' });
  await client.connect();
  try {
    const version =
      (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?';
    const { rows } = await client.query<{ name: string; setting: string; unit: string | null }>(
      'SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1)',
      [POSTGRES_SETTINGS],
    );
    const settings: Record<string, string> = {};
    for (const name of POSTGRES_SETTINGS) {
      const row = rows.find((r) => r.name === name);
      if (row) settings[name] = name === 'shared_buffers' ? blocks(row.setting, row.unit) : row.setting;
    }
    return { version: version.split(' ')[0] ?? version, settings };
  } finally {
    await client.end();
  }
}

/** shared_buffers is reported in 8 kB blocks. */
function blocks(setting: string, unit: string | null): string {
  const bytes = Number(setting) * (unit === '8kB' ? 8192 : 1);
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)}GB` : `${Math.round(bytes / 2 ** 20)}MB`;
}

async function rabbitInfo(managementUrl: string): Promise<MachineInfo['rabbitmq']> {
  const overview = await new RabbitManagement(managementUrl).request<{
    rabbitmq_version?: string;
    erlang_version?: string;
  }>('GET', '/overview');
  return { version: overview.rabbitmq_version ?? '?', erlang: overview.erlang_version ?? '?' };
}
