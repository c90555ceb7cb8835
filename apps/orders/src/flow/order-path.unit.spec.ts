import { describe, expect, it } from 'vitest';
import { orderPath, traceUrl } from './order-path';

const at = (ms: number) => new Date(Date.UTC(2026, 11, 2, 12, 0, 0) + ms);
const entry = (
  type: string,
  status: 'PENDING' | 'STOCK_RESERVED' | 'PAID' | 'SHIPPED',
  ms: number,
  deliveredMs = 5,
) => ({
  type,
  status,
  occurredAt: at(ms),
  recordedAt: at(ms + deliveredMs),
});

describe("an order's path on the flow page", () => {
  const trace = { traceId: 'abc', traceUrl: null };

  it('gives the time spent after each event, and how long each event took to reach Orders', () => {
    const path = orderPath(
      {
        id: 'o-1',
        status: 'SHIPPED',
        cancellationReason: null,
        trackingCode: 'BR1',
        timeline: [
          entry('PedidoCriado', 'PENDING', 0, 0),
          entry('EstoqueReservado', 'STOCK_RESERVED', 40),
          entry('PagamentoAprovado', 'PAID', 1240, 700),
          entry('PedidoEnviado', 'SHIPPED', 1300),
        ],
      },
      trace,
      at(60_000),
    );
    expect(path.steps.map((s) => s.spentMs)).toEqual([40, 1200, 60, null]);
    expect(path.steps.map((s) => s.deliveredInMs)).toEqual([0, 5, 700, 5]);
    expect(path.totalMs).toBe(1300);
  });

  it('counts the last step of an order still moving until now', () => {
    const path = orderPath(
      {
        id: 'o-2',
        status: 'PAID',
        cancellationReason: null,
        trackingCode: null,
        timeline: [entry('PedidoCriado', 'PENDING', 0), entry('PagamentoAprovado', 'PAID', 100)],
      },
      trace,
      at(2100),
    );
    expect(path.steps.at(-1)?.spentMs).toBe(2000);
    expect(path.totalMs).toBe(2100);
  });

  it('links a trace only when a tracing UI is configured', () => {
    expect(traceUrl(undefined, 'abc')).toBeNull();
    expect(traceUrl('http://localhost:16686/trace/{traceId}', 'abc')).toBe('http://localhost:16686/trace/abc');
  });
});
