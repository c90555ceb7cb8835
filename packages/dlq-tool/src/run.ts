import { isDeadLetterQueue, originalQueueOfDeadLetterQueue } from '@loja/messaging';
import { parseCommand, USAGE, type Command } from './args';
import { DlqBroker, describeRoute } from './broker';
import { describeMessage } from './dead-lettered-message';
import { DlqToolError, ExitCode, UsageError } from './errors';
import {
  formatLeft,
  formatQueueTable,
  formatReplayed,
  formatReplaySummary,
  formatShow,
  plural,
  showJson,
  type ReplayLine,
} from './format';
import { planReplay } from './replay-plan';
import { resolveSettings, type DlqSettings } from './settings';

/** Where the tool reads and writes: the process's streams in the CLI, buffers in tests. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** For purge's confirmation; no prompt at all unless it is a terminal. */
  stdin?: { isTTY: boolean; question: (prompt: string) => Promise<string> };
}

/** The whole tool: parses `argv`, runs the command, returns the exit code. Never throws. */
export async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  try {
    const command = parseCommand(argv);
    if (command.name === 'help') {
      io.stdout(USAGE);
      return ExitCode.ok;
    }
    const settings = resolveSettings(io.env, command.vhost);
    if (command.name === 'list') return await list(settings, command.json, io);
    assertDeadLetterQueue(command.queue);
    switch (command.name) {
      case 'show':
        return await show(settings, command, io);
      case 'replay':
        return await replay(settings, command, io);
      case 'purge':
        return await purge(settings, command, io);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n\n${USAGE}`);
      return error.exitCode;
    }
    if (error instanceof DlqToolError) {
      io.stderr(`error: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr(`error: ${(error as Error).message ?? String(error)}\n`);
    return ExitCode.error;
  }
}

function assertDeadLetterQueue(queue: string): void {
  if (!isDeadLetterQueue(queue)) {
    throw new DlqToolError(
      `"${queue}" is not a dead-letter queue (their names end in .dlq); did you mean "${queue}.dlq"?`,
    );
  }
}

async function withBroker<T>(settings: DlqSettings, work: (broker: DlqBroker) => Promise<T>): Promise<T> {
  const broker = await DlqBroker.connect(settings);
  try {
    return await work(broker);
  } finally {
    await broker.close();
  }
}

async function list(settings: DlqSettings, json: boolean, io: CliIo): Promise<ExitCode> {
  const queues = await withBroker(settings, (broker) => broker.deadLetterQueues());
  io.stdout(json ? toJson({ vhost: settings.vhost, queues }) : formatQueueTable(settings.vhost, queues));
  return ExitCode.ok;
}

async function show(settings: DlqSettings, command: Extract<Command, { name: 'show' }>, io: CliIo): Promise<ExitCode> {
  const { depth, messages } = await withBroker(settings, (broker) => broker.peek(command.queue, command.limit));
  const described = messages.map((m) => describeMessage(m, originalQueueOfDeadLetterQueue(command.queue)));
  io.stdout(
    command.json
      ? toJson(showJson(command.queue, settings.vhost, depth, described))
      : formatShow(command.queue, settings.vhost, depth, described),
  );
  return ExitCode.ok;
}

async function replay(
  settings: DlqSettings,
  command: Extract<Command, { name: 'replay' }>,
  io: CliIo,
): Promise<ExitCode> {
  const originalQueue = originalQueueOfDeadLetterQueue(command.queue);
  const replayed: Array<ReplayLine & { exchange: string; routingKey: string }> = [];
  const left: Array<ReplayLine & { reason: string }> = [];
  const seenIds = new Set<string>();
  await withBroker(settings, (broker) =>
    broker.replay(
      command.queue,
      (message) =>
        planReplay(message, { originalQueue, ids: command.ids, direct: command.direct, connectedUser: broker.user }),
      {
        ...(command.limit !== undefined && { limit: command.limit }),
        onOutcome: ({ message, result }) => {
          const { messageId, type, correlationId } = describeMessage(message, originalQueue);
          const line: ReplayLine = { messageId, type, correlationId };
          if (messageId) seenIds.add(messageId);
          if (result.replayed) {
            replayed.push({ ...line, exchange: result.exchange, routingKey: result.routingKey });
            if (!command.json) io.stdout(formatReplayed(line, describeRoute(result.exchange, result.routingKey)));
          } else {
            left.push({ ...line, reason: result.reason });
            if (!command.json) io.stdout(formatLeft(line, result.reason));
          }
        },
      },
    ),
  );
  const notFound = command.ids.filter((id) => !seenIds.has(id));
  const limitReached = command.limit !== undefined && replayed.length >= command.limit;
  if (command.json) {
    io.stdout(toJson({ vhost: settings.vhost, queue: command.queue, replayed, left, notFound }));
  } else {
    io.stdout(
      formatReplaySummary(command.queue, settings.vhost, {
        replayed: replayed.length,
        left: left.length,
        notFound,
        limitReached,
      }),
    );
  }
  return left.length > 0 || notFound.length > 0 ? ExitCode.error : ExitCode.ok;
}

async function purge(
  settings: DlqSettings,
  command: Extract<Command, { name: 'purge' }>,
  io: CliIo,
): Promise<ExitCode> {
  const stdin = io.stdin;
  if (!command.yes && !stdin?.isTTY) {
    throw new DlqToolError(`refusing to purge ${command.queue} without --yes: stdin is not a terminal to confirm on`);
  }
  return withBroker(settings, async (broker) => {
    const { messages } = await broker.depth(command.queue);
    if (!command.yes && stdin) {
      if (messages === 0) {
        io.stdout(`${command.queue} (vhost "${settings.vhost}") is already empty.\n`);
        return ExitCode.ok;
      }
      const answer = await stdin.question(
        `This deletes ${plural(messages, 'message')} from ${command.queue} in vhost "${settings.vhost}" for good.\n` +
          `Type the queue name to confirm: `,
      );
      if (answer.trim() !== command.queue) {
        io.stderr('Purge cancelled: the name did not match.\n');
        return ExitCode.error;
      }
    }
    const purged = await broker.purge(command.queue);
    io.stdout(
      command.json
        ? toJson({ vhost: settings.vhost, queue: command.queue, purged })
        : `Purged ${plural(purged, 'message')} from ${command.queue} (vhost "${settings.vhost}").\n`,
    );
    return ExitCode.ok;
  });
}

function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
