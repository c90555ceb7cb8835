import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBrokerFileHandles, BrokerOutOfFileHandlesError } from './assert-broker-file-handles';
import { RabbitManagement } from './rabbitmq';
import { serverSettingsFromEnv } from './store-settings';

describe('assertBrokerFileHandles on the local RabbitMQ', () => {
  const settings = serverSettingsFromEnv();
  const management = new RabbitManagement(settings.rabbitmqManagementUrl);
  const vhost = `t${randomBytes(4).toString('hex')}_file_handles`;

  beforeAll(async () => {
    await management.ensureVhost(vhost, decodeURIComponent(new URL(settings.rabbitmqUrl).username || 'guest'));
    for (const name of ['a', 'b']) {
      await management.request('PUT', `/queues/${vhost}/${name}`, { durable: false, auto_delete: false });
    }
  });

  afterAll(async () => {
    await management.deleteVhost(vhost);
  });

  it("reads the nodes' file handles and counts each vhost's queues", async () => {
    const [node] = await management.nodes();
    expect(node).toMatchObject({ running: true, fd_used: expect.any(Number), fd_total: expect.any(Number) });
    expect(await management.queueCountsByVhost()).toContainEqual({ vhost, queues: 2 });
  });

  it('lets a store start on this broker, and refuses one that would need more than it has', async () => {
    await expect(assertBrokerFileHandles(management)).resolves.toBeUndefined();
    const refused = assertBrokerFileHandles(management, { stores: 1000 });
    await expect(refused).rejects.toBeInstanceOf(BrokerOutOfFileHandlesError);
    await expect(refused).rejects.toThrow(new RegExp(`${vhost}\\s+2 queues`));
  });
});
