import { createEvent, CONSUMER_QUEUES, PedidoCriado, routingKeysOf, type ConsumerQueueName } from '@loja/contracts';
import { sampleData } from '@loja/contracts/samples';

/** A message that can never be handled, and where the store must put it. */
export interface Poison {
  messageId: string;
  kind: 'not-json' | 'wrong-schema' | 'unknown-type' | 'huge-body';
  routingKey: string;
  body: Buffer;
  /** Every DLQ it must end in: one per queue bound to its routing key. */
  expectedDlqs: string[];
}

const dlqsFor = (routingKey: string) =>
  (Object.keys(CONSUMER_QUEUES) as ConsumerQueueName[])
    .filter((queue) => routingKeysOf(queue).includes(routingKey))
    .map((queue) => `${queue}.dlq`);

export function makePoison(kind: Poison['kind'], routingKey: string, index: number): Poison {
  const messageId = `poison-${kind}-${index}`;
  const valid = createEvent(PedidoCriado, sampleData(PedidoCriado), { source: 'orders', correlationId: 'poison' });
  const bodies: Record<Poison['kind'], () => unknown> = {
    'not-json': () => '{"id": oops',
    'wrong-schema': () => ({ ...valid, data: { ...valid.data, lines: [], totalCents: 'ten' } }),
    'unknown-type': () => ({ ...valid, type: 'PedidoTeletransportado' }),
    'huge-body': () => ({ ...valid, data: { ...valid.data, notes: 'x'.repeat(2 * 1024 * 1024) } }),
  };
  const body = bodies[kind]();
  return {
    messageId,
    kind,
    routingKey,
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    expectedDlqs: dlqsFor(routingKey),
  };
}
