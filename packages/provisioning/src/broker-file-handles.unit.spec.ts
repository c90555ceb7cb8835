import { describe, expect, it } from 'vitest';
import {
  BROKER_RESERVED_FILE_HANDLES,
  FILE_HANDLES_PER_STORE,
  describeFileHandleShortage,
  fileHandleShortage,
} from './broker-file-handles';
import type { BrokerNode } from './rabbitmq';

// What a RabbitMQ 3.10 node with the default `ulimit -n` reports on GET /api/nodes.
const node = (fdUsed: number, extra: Partial<BrokerNode> = {}): BrokerNode => ({
  name: 'rabbit@localhost',
  running: true,
  fd_used: fdUsed,
  fd_total: 1024,
  sockets_used: 0,
  sockets_total: 832,
  ...extra,
});

describe('file handle headroom of the broker', () => {
  it('needs room for 25 quorum queues of three handles and ten connections per store', () => {
    expect(FILE_HANDLES_PER_STORE).toBe(85);
    expect(BROKER_RESERVED_FILE_HANDLES).toBe(100);
  });

  it('lets a store start while the node has enough handles left before it stops answering', () => {
    expect(fileHandleShortage([node(40)])).toBeUndefined();
    // 1024 - 100 = 924 usable; 924 - 839 = 85: just enough.
    expect(fileHandleShortage([node(839)])).toBeUndefined();
    expect(fileHandleShortage([node(754)], 2)).toBeUndefined();
  });

  it('refuses when fewer are left than a store (or each of several) needs', () => {
    expect(fileHandleShortage([node(840)])).toEqual({
      node: 'rabbit@localhost',
      resource: 'file handles',
      used: 840,
      total: 1024,
      limit: 924,
      left: 84,
      needed: 85,
      stores: 1,
    });
    expect(fileHandleShortage([node(755)], 2)).toMatchObject({ left: 169, needed: 170 });
    expect(fileHandleShortage([node(1000)])).toMatchObject({ left: -76 });
  });

  it('judges every running node, and sockets on their own', () => {
    const other = node(900, { name: 'rabbit@other' });
    expect(fileHandleShortage([node(40), other])?.node).toBe('rabbit@other');
    expect(fileHandleShortage([node(40), { ...other, running: false }])).toBeUndefined();
    expect(fileHandleShortage([node(40, { sockets_used: 825 })])).toMatchObject({
      resource: 'sockets',
      left: 7,
      needed: 10,
    });
  });

  it('does not judge a node that reports no counts', () => {
    expect(fileHandleShortage([{ name: 'rabbit@new', running: true }])).toBeUndefined();
    expect(fileHandleShortage([])).toBeUndefined();
  });

  it('names the cause, the symptom and both fixes, with the vhosts by queue count', () => {
    const message = describeFileHandleShortage(fileHandleShortage([node(900)])!, [
      { vhost: 't1a2b3c4d_orders', queues: 70 },
      { vhost: 'loja', queues: 25 },
      { vhost: '/', queues: 0 },
    ]);
    expect(message).toContain('RabbitMQ node rabbit@localhost has too few file handles left: 900 of 1024 in use');
    expect(message).toContain('stops answering new connections at about 924, so 24 are left');
    expect(message).toContain('a store needs about 85 (25 quorum queues × 3 + 10 connections per store)');
    const forTwo = describeFileHandleShortage(fileHandleShortage([node(900)], 2)!, []);
    expect(forTwo).toContain('where 2 stores need about 170');
    expect(forTwo).not.toContain('Vhosts by queue count');
    expect(message).toContain('Failed to connect to a RabbitMQ broker within a timeout of 30000ms');
    expect(message).toContain('rabbitmqctl delete_vhost <vhost>');
    expect(message).toMatch(/t1a2b3c4d_orders\s+70 queues\n\s+loja\s+25 queues\n\s+\/\s+0 queues/);
    expect(message).toContain('ulimit -n 65536');
  });

  it('never reports a negative number left, and lists at most 20 vhosts', () => {
    const vhosts = Array.from({ length: 25 }, (_, i) => ({ vhost: `t${i}`, queues: 25 - i }));
    const message = describeFileHandleShortage(fileHandleShortage([node(1000)])!, vhosts);
    expect(message).toContain('so 0 are left');
    expect(message).toContain('t19 ');
    expect(message).not.toContain('t20 ');
    expect(message).toContain('… and 5 more');
  });
});
