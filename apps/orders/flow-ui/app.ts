import './style.css';
import type { FlowSetup, FlowSnapshot, OrderPath } from '../src/flow/flow-snapshot';
import { byId, el } from './dom';
import { GraphView } from './graph-view';
import { renderOrders, renderPath, renderQueues, renderStats } from './panels';

/**
 * The flow page: the saga graph, the latest orders, the queues and one order's path, redrawn from
 * every snapshot the server pushes over Server-Sent Events (one feed for every viewer).
 */
let selected: string | undefined = new URLSearchParams(location.hash.slice(1)).get('order') ?? undefined;
let selectedUpdatedAt: string | undefined;
let latest: FlowSnapshot | undefined;

async function main(): Promise<void> {
  const setup = (await (await fetch('api/setup')).json()) as FlowSetup;
  const graph = new GraphView(byId('graph'), setup.graph);
  const stream = new EventSource('api/stream');
  const live = byId('live');
  const liveText = byId('live-text');

  stream.addEventListener('open', () => {
    live.className = 'live on';
    liveText.textContent = `live · every ${setup.refreshIntervalMs / 1000} s`;
  });
  stream.addEventListener('error', () => {
    live.className = 'live off';
    liveText.textContent = 'reconnecting…';
  });
  stream.addEventListener('snapshot', (message) => {
    latest = JSON.parse((message as MessageEvent<string>).data) as FlowSnapshot;
    graph.update(latest);
    draw(latest);
  });
  if (selected) void showPath(selected);
}

function draw(snapshot: FlowSnapshot): void {
  const now = new Date(snapshot.at);
  renderStats(byId('stats'), snapshot);
  renderOrders(byId('orders'), snapshot.orders, now, selected, (id) => void showPath(id));
  renderQueues(byId('queues'), snapshot.queues);
  const error = byId('broker-error');
  error.hidden = snapshot.brokerError === null;
  error.textContent = snapshot.brokerError ?? '';
  // The picked order's path is fetched again only when an event moved it, not at every refresh.
  const picked = snapshot.orders.find((o) => o.id === selected);
  if (picked && picked.updatedAt !== selectedUpdatedAt) void showPath(picked.id);
}

async function showPath(id: string): Promise<void> {
  selected = id;
  history.replaceState(null, '', `#order=${id}`);
  const response = await fetch(`api/orders/${encodeURIComponent(id)}`);
  if (!response.ok) {
    byId('path').replaceChildren(el('p', { class: 'empty' }, `order ${id} not found`));
    return;
  }
  const path = (await response.json()) as OrderPath;
  selectedUpdatedAt = latest?.orders.find((o) => o.id === id)?.updatedAt;
  renderPath(byId('path'), byId('path-hint'), path);
  if (latest) renderOrders(byId('orders'), latest.orders, new Date(latest.at), selected, (next) => void showPath(next));
}

void main();
