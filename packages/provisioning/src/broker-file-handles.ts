import type { BrokerNode, VhostQueueCount } from './rabbitmq';

/**
 * Why a store can fail to start with nothing but "Failed to connect to a RabbitMQ broker within a timeout
 * of 30000ms": a RabbitMQ 3.10 node that runs out of file handles still accepts TCP connections, and never
 * answers them. Every quorum queue holds handles for its log, so leftover vhosts (test runs, old stores)
 * use them up. These numbers say how many a store needs, so the launcher and the test command can refuse
 * to start with the cause and the fix instead.
 */

/**
 * Handles of its limit the broker keeps out of reach of queues and connections: with `ulimit -n` 1024,
 * `rabbitmqctl eval 'file_handle_cache:get_limit().'` says 927, and the node stops answering new
 * connections once about that many are in use.
 */
export const BROKER_RESERVED_FILE_HANDLES = 100;

/** A store's quorum queues: ten consumer queues, their ten DLQs, five shared retry delay queues. */
export const QUORUM_QUEUES_PER_STORE = 25;

/** Handles one quorum queue holds once its log has been written and read (its segment files). */
export const FILE_HANDLES_PER_QUORUM_QUEUE = 3;

/** AMQP connections of a store (five services, a replica or two, the launcher, a test's probes): one socket each. */
export const CONNECTIONS_PER_STORE = 10;

/** Free file handles one running store needs on its broker node: 85. */
export const FILE_HANDLES_PER_STORE = QUORUM_QUEUES_PER_STORE * FILE_HANDLES_PER_QUORUM_QUEUE + CONNECTIONS_PER_STORE;

export interface FileHandleShortage {
  node: string;
  /** File handles or sockets: sockets have a limit of their own (a share of the handles). */
  resource: 'file handles' | 'sockets';
  used: number;
  total: number;
  /** Where the node stops answering. */
  limit: number;
  left: number;
  needed: number;
  /** Stores the check made room for. */
  stores: number;
}

/**
 * The first running node without room for `stores` more stores, or undefined when all have room. A node
 * that does not report its counts (fields missing) is not judged.
 */
export function fileHandleShortage(nodes: readonly BrokerNode[], stores = 1): FileHandleShortage | undefined {
  for (const node of nodes) {
    if (node.running === false) continue;
    if (typeof node.fd_used === 'number' && typeof node.fd_total === 'number') {
      const limit = node.fd_total - BROKER_RESERVED_FILE_HANDLES;
      const needed = stores * FILE_HANDLES_PER_STORE;
      const left = limit - node.fd_used;
      if (left < needed) {
        return {
          node: node.name,
          resource: 'file handles',
          used: node.fd_used,
          total: node.fd_total,
          limit,
          left,
          needed,
          stores,
        };
      }
    }
    if (typeof node.sockets_used === 'number' && typeof node.sockets_total === 'number') {
      const needed = stores * CONNECTIONS_PER_STORE;
      const left = node.sockets_total - node.sockets_used;
      if (left < needed) {
        const { sockets_used: used, sockets_total: total } = node;
        return { node: node.name, resource: 'sockets', used, total, limit: total, left, needed, stores };
      }
    }
  }
  return undefined;
}

/** What to tell the user: the cause, the symptom it explains, and the two fixes, with the vhosts to look at. */
export function describeFileHandleShortage(shortage: FileHandleShortage, vhosts: readonly VhostQueueCount[]): string {
  const { node, resource, used, total, limit, left, needed, stores } = shortage;
  const who = stores === 1 ? 'a store needs' : `${stores} stores need`;
  const cause =
    resource === 'file handles'
      ? `RabbitMQ node ${node} has too few file handles left: ${used} of ${total} in use, and it stops answering ` +
        `new connections at about ${limit}, so ${Math.max(left, 0)} are left where ${who} about ${needed} ` +
        `(${QUORUM_QUEUES_PER_STORE} quorum queues × ${FILE_HANDLES_PER_QUORUM_QUEUE} + ${CONNECTIONS_PER_STORE} ` +
        'connections per store).'
      : `RabbitMQ node ${node} has too few sockets left: ${used} of ${total} in use, so ${Math.max(left, 0)} are ` +
        `left where ${who} about ${needed} (${CONNECTIONS_PER_STORE} connections per store).`;
  const width = Math.max(5, ...vhosts.map((v) => v.vhost.length));
  const listed = vhosts
    .slice(0, 20)
    .map((v) => `      ${v.vhost.padEnd(width)}  ${v.queues} queue${v.queues === 1 ? '' : 's'}`);
  if (vhosts.length > listed.length) listed.push(`      … and ${vhosts.length - listed.length} more`);
  return [
    cause,
    'Such a broker accepts TCP connections and never answers them: services fail with ' +
      '"Failed to connect to a RabbitMQ broker within a timeout of 30000ms".',
    'Fix it by either:',
    '  - deleting the vhosts you no longer need (every quorum queue holds file handles; test runs that were',
    '    interrupted leave t<hex>_<name> vhosts behind): rabbitmqctl delete_vhost <vhost>',
    ...(listed.length > 0 ? ['    Vhosts by queue count:', ...listed] : []),
    "  - or raising the broker's open-file limit and restarting it: rabbitmqctl stop, then",
    '    `ulimit -n 65536 && rabbitmq-server -detached` (LimitNOFILE=65536 under systemd).',
  ].join('\n');
}
