import { withVhost } from '@loja/provisioning';
import { DlqToolError, ExitCode } from './errors';

export const DEFAULT_RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';
export const DEFAULT_MANAGEMENT_URL = 'http://guest:guest@127.0.0.1:15672';
export const DEFAULT_VHOST = 'loja';

export interface DlqSettings {
  vhost: string;
  /** AMQP URL on `vhost`, with credentials. */
  amqpUrl: string;
  managementUrl: string;
}

/**
 * Where the tool connects. The vhost is the store namespace: `--vhost`, else the vhost in RABBITMQ_URL,
 * else STORE_NAMESPACE, else `loja`. When RABBITMQ_URL and STORE_NAMESPACE name different vhosts the tool
 * refuses to guess: a purge in the wrong store cannot be undone.
 */
export function resolveSettings(env: Readonly<Record<string, string | undefined>>, vhostOption?: string): DlqSettings {
  const rabbitmqUrl = nonEmpty(env.RABBITMQ_URL) ?? DEFAULT_RABBITMQ_URL;
  const managementUrl = nonEmpty(env.RABBITMQ_MANAGEMENT_URL) ?? DEFAULT_MANAGEMENT_URL;
  const urlVhost = vhostOfUrl(rabbitmqUrl, 'RABBITMQ_URL');
  checkUrl(managementUrl, 'RABBITMQ_MANAGEMENT_URL');
  const namespace = nonEmpty(env.STORE_NAMESPACE);
  if (vhostOption === undefined && urlVhost !== undefined && namespace !== undefined && urlVhost !== namespace) {
    throw new DlqToolError(
      `RABBITMQ_URL names vhost "${urlVhost}" but STORE_NAMESPACE is "${namespace}": pass --vhost to choose`,
      ExitCode.usage,
    );
  }
  const vhost = vhostOption ?? urlVhost ?? namespace ?? DEFAULT_VHOST;
  return { vhost, amqpUrl: withVhost(rabbitmqUrl, vhost), managementUrl };
}

/** `url` without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}

function vhostOfUrl(url: string, variable: string): string | undefined {
  const parsed = checkUrl(url, variable);
  const path = parsed.pathname.replace(/^\//, '');
  return path === '' ? undefined : decodeURIComponent(path);
}

function checkUrl(url: string, variable: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new DlqToolError(`${variable} is not a valid URL`, ExitCode.usage);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
