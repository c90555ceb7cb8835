import { describeFileHandleShortage, fileHandleShortage } from './broker-file-handles';
import type { RabbitManagement } from './rabbitmq';

export class BrokerOutOfFileHandlesError extends Error {
  readonly code = 'BROKER_OUT_OF_FILE_HANDLES';
}

/**
 * Fails with the cause and the fix when a node of the broker has too few file handles (or sockets) left for
 * `stores` more stores; see broker-file-handles.ts. Run before provisioning a store or starting tests.
 */
export async function assertBrokerFileHandles(management: RabbitManagement, { stores = 1 } = {}): Promise<void> {
  const shortage = fileHandleShortage(await management.nodes(), stores);
  if (!shortage) return;
  throw new BrokerOutOfFileHandlesError(describeFileHandleShortage(shortage, await management.queueCountsByVhost()));
}
