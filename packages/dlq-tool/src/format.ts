import type { DeadLetteredMessage } from './dead-lettered-message';

/** Longest part of a non-JSON body printed by `show` (the JSON output always has all of it). */
export const TEXT_BODY_LIMIT = 2000;

export interface QueueRow {
  name: string;
  messages: number;
  consumers: number;
}

export function formatQueueTable(vhost: string, rows: readonly QueueRow[]): string {
  if (rows.length === 0) return `No dead-letter queues in vhost "${vhost}".\n`;
  const table = [
    ['QUEUE', 'MESSAGES', 'CONSUMERS'],
    ...rows.map((r) => [r.name, String(r.messages), String(r.consumers)]),
  ];
  const widths = [0, 1, 2].map((column) => Math.max(...table.map((row) => row[column]!.length)));
  const lines = table.map(([name, messages, consumers]) =>
    [name!.padEnd(widths[0]!), messages!.padStart(widths[1]!), consumers!.padStart(widths[2]!)].join('  '),
  );
  const total = rows.reduce((sum, row) => sum + row.messages, 0);
  const nonEmpty = rows.filter((row) => row.messages > 0).length;
  return [
    `Dead-letter queues in vhost "${vhost}":`,
    ...lines,
    `${plural(total, 'message')} in ${nonEmpty} of ${plural(rows.length, 'queue')}.`,
    '',
  ].join('\n');
}

export function formatShow(
  queue: string,
  vhost: string,
  depth: number,
  messages: readonly DeadLetteredMessage[],
): string {
  const header =
    depth === 0
      ? `${queue} (vhost "${vhost}") is empty.`
      : `${queue} (vhost "${vhost}"): ${plural(depth, 'message')}, showing ${messages.length}; all left in the queue.`;
  return [header, ...messages.map((message, i) => formatMessage(message, i + 1, messages.length)), ''].join('\n');
}

export function formatMessage(message: DeadLetteredMessage, position: number, count: number): string {
  const lines = [
    '',
    `--- ${position}/${count} ${'-'.repeat(60)}`,
    field('message id', message.messageId ?? '(none)'),
    field('event type', message.type ?? '(none)'),
    field('correlation id', message.correlationId ? `${message.correlationId} (order)` : '(none)'),
  ];
  if (message.publishedAt) lines.push(field('published at', message.publishedAt));
  lines.push(
    field(
      'replays to',
      message.route
        ? `${message.route.exchange || '(default exchange)'} / ${message.route.routingKey}`
        : '(no original route; replay --direct sends it to the original queue)',
    ),
  );
  const failure = Object.entries(message.failure);
  if (failure.length > 0) {
    lines.push('failure headers:');
    const width = Math.max(...failure.map(([name]) => name.length));
    for (const [name, value] of failure) lines.push(`  ${name.padEnd(width)}  ${indentRest(scalar(value), width + 4)}`);
  }
  if (message.deaths.length > 0) {
    lines.push('x-death (dead-lettered by the broker):');
    for (const death of message.deaths) {
      const parts = [
        `queue ${death.queue ?? '?'}`,
        `reason ${death.reason ?? '?'}`,
        ...(death.count !== undefined ? [`count ${death.count}`] : []),
        ...(death.time ? [`at ${death.time}`] : []),
        `from ${death.exchange || '(default exchange)'} / ${death.routingKeys.join(', ') || '?'}`,
      ];
      lines.push(`  ${parts.join(', ')}`);
    }
  }
  if (failure.length === 0 && message.deaths.length === 0) lines.push('failure headers: (none)');
  const headers = Object.entries(message.headers);
  if (headers.length > 0) {
    lines.push('other headers:');
    for (const [name, value] of headers) lines.push(`  ${name}: ${scalar(value)}`);
  }
  lines.push(`body (${plural(message.bodyBytes, 'byte')}${'json' in message.body ? ', JSON' : ''}):`);
  lines.push(indent(formatBody(message.body), 2));
  return lines.join('\n');
}

/** Pretty JSON, or the text with control characters escaped and cut at `limit` characters. */
export function formatBody(body: DeadLetteredMessage['body'], limit = TEXT_BODY_LIMIT): string {
  if ('json' in body) return JSON.stringify(body.json, null, 2);
  const escaped = escapeControl(body.text);
  if (escaped.length <= limit) return escaped === '' ? '(empty)' : escaped;
  return `${escaped.slice(0, limit)}... (${escaped.length - limit} more characters; --json shows all)`;
}

/** Machine output of `show`: the body as JSON when it is JSON, else as text under `bodyText`. */
export function showJson(queue: string, vhost: string, depth: number, messages: readonly DeadLetteredMessage[]) {
  return {
    vhost,
    queue,
    depth,
    messages: messages.map(({ body, ...rest }) => ({
      ...rest,
      ...('json' in body ? { body: body.json } : { bodyText: body.text }),
    })),
  };
}

export interface ReplayLine {
  messageId?: string;
  type?: string;
  correlationId?: string;
}

export function formatReplayed(line: ReplayLine, destination: string): string {
  return `replayed  ${identify(line)} -> ${destination}\n`;
}

export function formatLeft(line: ReplayLine, reason: string): string {
  return `left      ${identify(line)}: ${reason}\n`;
}

export function formatReplaySummary(
  queue: string,
  vhost: string,
  {
    replayed,
    left,
    notFound,
    limitReached = false,
  }: { replayed: number; left: number; notFound: readonly string[]; limitReached?: boolean },
): string {
  const lines = [`${plural(replayed, 'message')} replayed from ${queue} (vhost "${vhost}").`];
  if (left > 0) lines.push(`${plural(left, 'message')} left in the DLQ (see above).`);
  if (notFound.length > 0) {
    lines.push(`Not found in ${queue}${limitReached ? ' before --limit was reached' : ''}: ${notFound.join(', ')}.`);
  }
  return `${lines.join('\n')}\n`;
}

function identify({ messageId, type, correlationId }: ReplayLine): string {
  return [
    messageId ?? '(no message id)',
    type ?? '(no type)',
    ...(correlationId ? [`order ${correlationId}`] : []),
  ].join(' ');
}

function field(label: string, value: string): string {
  return `${`${label}:`.padEnd(16)}${value}`;
}

function scalar(value: unknown): string {
  return typeof value === 'string' ? escapeControl(value) : JSON.stringify(value);
}

// C0 and C1 control characters but tab and newline: a hostile body or header must not drive the terminal.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function escapeControl(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
}

function indentRest(text: string, spaces: number): string {
  const [first, ...rest] = text.split('\n');
  return [first, ...rest.map((line) => ' '.repeat(spaces) + line)].join('\n');
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
