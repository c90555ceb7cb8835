import type { FlowSnapshot, OrderPath, OrderProgress, QueueActivity } from '../src/flow/flow-snapshot';
import { duration, el, rate, STATUS_LABELS } from './dom';

const HAPPY_PATH = ['PENDING', 'STOCK_RESERVED', 'PAID', 'IN_PREPARATION', 'SHIPPED'];

/** The latest orders, each with its status and how far along the happy path it got. */
export function renderOrders(
  list: HTMLElement,
  orders: OrderProgress[],
  now: Date,
  selected: string | undefined,
  pick: (id: string) => void,
): void {
  if (orders.length === 0) {
    list.replaceChildren(el('li', { class: 'empty' }, 'No orders yet: POST /orders and watch them arrive here.'));
    return;
  }
  list.replaceChildren(
    ...orders.map((order) => {
      const reached = order.status === 'CANCELLED' ? -1 : HAPPY_PATH.indexOf(order.status);
      const steps = el(
        'span',
        { class: 'steps' },
        ...HAPPY_PATH.map((status, i) =>
          el('span', { class: `step ${i <= reached ? 'done' : ''}`, title: STATUS_LABELS[status] ?? status }),
        ),
      );
      const row = el(
        'li',
        {
          class: `order ${order.id === selected ? 'selected' : ''}`,
          'data-order-id': order.id,
          'data-status': order.status,
          tabindex: '0',
        },
        el('code', { class: 'order-id', title: order.id }, order.id.slice(0, 8)),
        statusChip(order.status, order.cancellationReason),
        steps,
        el('span', { class: 'age' }, `${duration(now.getTime() - Date.parse(order.createdAt))} ago`),
      );
      row.addEventListener('click', () => pick(order.id));
      row.addEventListener('keydown', (e) => e.key === 'Enter' && pick(order.id));
      return row;
    }),
  );
}

function statusChip(status: string, reason: string | null): HTMLElement {
  const label = STATUS_LABELS[status] ?? status;
  return el(
    'span',
    { class: `chip ${status.toLowerCase()}`, title: reason ?? label },
    reason ? `${label} · ${reason.toLowerCase().replaceAll('_', ' ')}` : label,
  );
}

/** Every consumer queue: consumers, depth, rates and its DLQ's depth. */
export function renderQueues(body: HTMLElement, queues: QueueActivity[] | null): void {
  if (!queues) {
    body.replaceChildren(el('tr', {}, el('td', { colspan: '7', class: 'empty' }, 'queue figures unavailable')));
    return;
  }
  body.replaceChildren(
    ...queues.map((q) =>
      el(
        'tr',
        { 'data-queue': q.name },
        el('td', {}, el('code', {}, q.name)),
        el('td', { class: `num ${q.consumers === 0 ? 'warn' : ''}` }, String(q.consumers)),
        el('td', { class: 'num' }, String(q.messagesReady)),
        el('td', { class: 'num' }, String(q.messagesUnacknowledged)),
        el('td', { class: 'num' }, rate(q.publishRate)),
        el('td', { class: 'num' }, rate(q.ackRate)),
        el(
          'td',
          { class: 'num' },
          el(
            'span',
            { class: `badge ${q.deadLettered > 0 ? 'alert' : ''}`, 'data-dlq': q.deadLetterQueue },
            String(q.deadLettered),
          ),
        ),
      ),
    ),
  );
}

/** The figures of the top bar. */
export function renderStats(container: HTMLElement, snapshot: FlowSnapshot): void {
  const created = snapshot.events.find((e) => e.type === 'PedidoCriado');
  const shipped = snapshot.events.find((e) => e.type === 'PedidoEnviado');
  const cancelled = snapshot.events.find((e) => e.type === 'PedidoCancelado');
  const dlq = snapshot.queues?.reduce((sum, q) => sum + q.deadLettered, 0);
  const waiting = snapshot.queues?.reduce((sum, q) => sum + q.messages, 0);
  const stat = (label: string, value: string, attributes: Record<string, string> = {}) =>
    el(
      'div',
      { class: 'stat', ...attributes },
      el('span', { class: 'value' }, value),
      el('span', { class: 'label' }, label),
    );
  container.replaceChildren(
    stat('orders/s', rate(created?.perSecond ?? 0)),
    stat('shipped, last min', String(shipped?.lastMinute ?? 0)),
    stat('cancelled, last min', String(cancelled?.lastMinute ?? 0)),
    stat('in queues', waiting === undefined ? '–' : String(waiting)),
    stat('dead-lettered', dlq === undefined ? '–' : String(dlq), {
      'data-testid': 'dlq-total',
      class: `stat ${dlq ? 'alert' : ''}`,
    }),
  );
}

/** One order's path: each event, the time the order then spent, how long the event took to arrive. */
export function renderPath(container: HTMLElement, hint: HTMLElement, path: OrderPath): void {
  hint.textContent = '';
  hint.append(el('code', {}, path.id));
  const longest = Math.max(1, ...path.steps.map((s) => s.spentMs ?? 0));
  const header = el(
    'div',
    { class: 'path-head' },
    statusChip(path.status, path.cancellationReason),
    el(
      'span',
      { class: 'total' },
      `${duration(path.totalMs)} ${path.status === 'SHIPPED' || path.status === 'CANCELLED' ? 'end to end' : 'so far'}`,
    ),
    path.trackingCode ? el('span', { class: 'muted' }, `tracking ${path.trackingCode}`) : '',
    path.traceUrl
      ? el(
          'a',
          { class: 'trace', href: path.traceUrl, target: '_blank', rel: 'noopener' },
          `trace ${path.traceId.slice(0, 8)}… ↗`,
        )
      : el('span', { class: 'muted', title: 'set FLOW_TRACE_URL to link a tracing UI' }, `trace id ${path.traceId}`),
  );
  const steps = el(
    'ol',
    { class: 'path' },
    ...path.steps.map((step) =>
      el(
        'li',
        { 'data-step': step.type },
        el('span', { class: 'event' }, step.type),
        el('span', { class: 'status' }, STATUS_LABELS[step.status] ?? step.status),
        el(
          'span',
          { class: 'bar-wrap' },
          el('span', { class: 'bar', style: `width: ${(((step.spentMs ?? 0) / longest) * 100).toFixed(1)}%` }),
        ),
        el('span', { class: 'spent' }, step.spentMs === null ? 'final' : duration(step.spentMs)),
        el(
          'span',
          {
            class: `delivery ${step.deliveredInMs > 1000 ? 'slow' : ''}`,
            title: 'from the event to Orders recording it: queue, broker and retries',
          },
          `arrived in ${duration(step.deliveredInMs)}`,
        ),
      ),
    ),
  );
  container.replaceChildren(header, steps);
}
