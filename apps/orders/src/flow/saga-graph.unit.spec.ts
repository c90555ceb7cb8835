import { ALL_EVENTS, CONSUMER_QUEUES } from '@loja/contracts';
import { describe, expect, it } from 'vitest';
import { sagaGraph } from './saga-graph';

describe('the saga graph of the flow page', () => {
  const graph = sagaGraph();
  const edgesOf = (event: string) =>
    graph.edges
      .filter((e) => e.event === event)
      .map((e) => `${e.from} -> ${e.to}`)
      .sort();

  it('has the five services and draws every event from its producer to each consumer', () => {
    expect(graph.services).toEqual(['orders', 'inventory', 'payments', 'logistics', 'notifications']);
    expect(edgesOf('PedidoCriado')).toEqual([
      'orders -> inventory',
      'orders -> logistics',
      'orders -> notifications',
      'orders -> payments',
    ]);
    expect(edgesOf('PagamentoRejeitado')).toEqual(['payments -> inventory', 'payments -> orders']);
    expect(edgesOf('ProdutoAtualizado')).toEqual(['inventory -> orders']);
    expect(new Set(graph.edges.map((e) => e.event))).toEqual(new Set(ALL_EVENTS.map((e) => e.type)));
  });

  it('names the queue of each edge and the DLQ of each queue', () => {
    const shipped = graph.edges.find((e) => e.event === 'PedidoEnviado' && e.to === 'notifications');
    expect(shipped?.queue).toBe('notifications.email-customer');
    const charge = graph.queues.find((q) => q.name === 'payments.charge-order');
    expect(charge).toMatchObject({ service: 'payments', deadLetterQueue: 'payments.charge-order.dlq' });
    expect(graph.queues.map((q) => q.name)).toEqual(Object.keys(CONSUMER_QUEUES));
  });
});
