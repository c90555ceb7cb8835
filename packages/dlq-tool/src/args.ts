import { parseArgs } from 'node:util';
import { UsageError } from './errors';

export const DEFAULT_SHOW_LIMIT = 20;

interface Common {
  /** Vhost given on the command line; otherwise it comes from the environment (see settings.ts). */
  vhost?: string;
  json: boolean;
}

export type Command =
  | { name: 'help' }
  | ({ name: 'list' } & Common)
  | ({ name: 'show'; queue: string; limit: number } & Common)
  | ({ name: 'replay'; queue: string; ids: string[]; limit?: number; direct: boolean } & Common)
  | ({ name: 'purge'; queue: string; yes: boolean } & Common);

export const USAGE = `Usage: npm run dlq -- <command> [queue] [options]

Commands:
  list                       dead-letter queues (*.dlq) of the vhost and their depth
  show <queue>               the messages of a DLQ with their failure headers; leaves them in place
  replay <queue>             republishes messages to their original exchange and routing key
  purge <queue>              deletes every message of a DLQ

Options:
  --limit <n>                show: at most n messages (default ${DEFAULT_SHOW_LIMIT}); replay: at most n
  --id <messageId>           replay: only this message (repeatable)
  --direct                   replay: send to the original queue only (default exchange) instead of
                             the original exchange, so no other subscriber of the event sees it again
  --yes                      purge: do not ask for confirmation (required when stdin is not a terminal)
  --json                     machine-readable output
  --vhost <name>             vhost (store namespace); default: RABBITMQ_URL's vhost, STORE_NAMESPACE, "loja"
  -h, --help                 this text

Environment:
  RABBITMQ_URL               AMQP URL (default amqp://guest:guest@127.0.0.1:5672/loja)
  RABBITMQ_MANAGEMENT_URL    management API (default http://guest:guest@127.0.0.1:15672)
  STORE_NAMESPACE            vhost when RABBITMQ_URL names none

Exit codes: 0 done, 1 error (nothing or not everything done), 2 wrong usage.
`;

/** Options each command accepts, besides --json, --vhost and --help. */
const ALLOWED: Record<string, readonly string[]> = {
  list: [],
  show: ['limit'],
  replay: ['limit', 'id', 'direct'],
  purge: ['yes'],
};

/** Parses the command line; throws UsageError with a one-line reason when it makes no sense. */
export function parseCommand(argv: readonly string[]): Command {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return { name: 'help' };

  const [name, queue, ...extra] = positionals;
  if (name === undefined) throw new UsageError('missing command');
  const allowed = ALLOWED[name];
  if (!allowed) throw new UsageError(`unknown command "${name}"`);
  for (const option of ['limit', 'id', 'direct', 'yes'] as const) {
    if (values[option] !== undefined && !allowed.includes(option)) {
      throw new UsageError(`--${option} does not apply to ${name}`);
    }
  }
  const common: Common = {
    json: values.json ?? false,
    ...(values.vhost !== undefined && { vhost: vhostOf(values.vhost) }),
  };

  if (name === 'list') {
    if (queue !== undefined) throw new UsageError(`unexpected argument "${queue}": list takes no queue`);
    return { name, ...common };
  }
  if (queue === undefined || queue === '')
    throw new UsageError(`${name} needs a queue, e.g. inventory.reserve-stock.dlq`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const limit = values.limit === undefined ? undefined : positiveInteger(values.limit);

  switch (name) {
    case 'show':
      return { name, queue, limit: limit ?? DEFAULT_SHOW_LIMIT, ...common };
    case 'replay':
      return {
        name,
        queue,
        ids: values.id ?? [],
        ...(limit !== undefined && { limit }),
        direct: values.direct ?? false,
        ...common,
      };
    default:
      return { name: 'purge', queue, yes: values.yes ?? false, ...common };
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      limit: { type: 'string' },
      id: { type: 'string', multiple: true },
      direct: { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      json: { type: 'boolean' },
      vhost: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function positiveInteger(text: string): number {
  if (!/^[1-9][0-9]*$/.test(text)) throw new UsageError(`--limit must be a positive integer, got "${text}"`);
  return Number(text);
}

function vhostOf(text: string): string {
  if (text === '') throw new UsageError('--vhost must not be empty');
  return text;
}
