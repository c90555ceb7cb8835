import { sampleOrderRequest } from '@loja/contracts/samples';
import { displayPath } from './paths';
import type { RunningStore } from './start-store';

/** The order the banner's curl line places: 2 × CAMISETA-BASICA-M from the seeded catalogue. */
export const SAMPLE_ORDER = sampleOrderRequest();

/** A shell command that POSTs the sample order (single quotes: the JSON holds none). */
export function sampleOrderCurl(ordersUrl: string): string {
  return `curl -sS -X POST ${ordersUrl}/orders -H 'content-type: application/json' -d '${JSON.stringify(SAMPLE_ORDER)}'`;
}

export interface BannerExtras {
  /** Where the notifications go when the store does not run its own mail sink. */
  externalSmtp?: string;
  shippingDelayMs?: string;
}

/** What the store prints once every service is healthy. */
export function banner(store: RunningStore, extras: BannerExtras = {}): string {
  const { urls } = store;
  const rows: Array<[string, string | undefined]> = [
    ['Saga flow (live)', urls.flow],
    ['Orders API', urls.orders],
    ['OpenAPI UI', urls.openApi],
    ['Inventory products', urls.inventory && `${urls.inventory}/products`],
    ['Payments', urls.payments],
    ['Logistics', urls.logistics],
    ['Notifications', urls.notifications],
    ['RabbitMQ UI', `${urls.rabbitmqUi}   (guest/guest on a local RabbitMQ)`],
    ['Mail UI', urls.mailUi ?? (extras.externalSmtp && `none: e-mails go to ${extras.externalSmtp}`)],
  ];
  const running = Object.keys(store.services);
  const firstLog = running[0] ? store.logFile(running[0] as keyof typeof store.services) : undefined;
  if (firstLog) {
    const dir = displayPath(firstLog).replace(/[^/]+\.log$/, '');
    rows.push(['Logs', `${dir}<service>.log`]);
  }
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const lines = [
    '',
    `Loja store "${store.namespace}" is running: ${running.join(', ')}`,
    '',
    ...rows.filter(([, value]) => value).map(([label, value]) => `  ${label.padEnd(width)}${value}`),
  ];
  if (urls.orders) {
    lines.push(
      '',
      'Place an order (2 × CAMISETA-BASICA-M):',
      `  ${sampleOrderCurl(urls.orders)}`,
      'Follow it with the "id" from the answer (status, timeline, tracking code):',
      `  curl -sS ${urls.orders}/orders/<id>`,
      ...(urls.flow ? [`or watch it move through the saga at ${urls.flow}`] : []),
    );
  }
  if (extras.shippingDelayMs && store.services.logistics) {
    lines.push(
      '',
      `Logistics waits ${extras.shippingDelayMs} ms per shipping step (SHIPPING_DELAY_MS), so you can watch.`,
    );
  }
  lines.push('', 'Ctrl-C stops the store.', '');
  return lines.join('\n');
}
