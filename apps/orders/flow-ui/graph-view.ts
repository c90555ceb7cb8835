import cytoscape, { type Core } from 'cytoscape';
import type { FlowSnapshot } from '../src/flow/flow-snapshot';
import type { SagaGraph } from '../src/flow/saga-graph';
import { rate } from './dom';

/**
 * Where each service sits, in a diamond around the two hubs (orders, which hears from everyone, and
 * payments), with notifications, which only listens, at the side. Fixed, so the picture does not move
 * while the numbers change; about the size of the canvas, so labels are drawn at their own size.
 */
const POSITIONS: Record<string, { x: number; y: number }> = {
  orders: { x: 0, y: 230 },
  inventory: { x: 360, y: 0 },
  payments: { x: 720, y: 230 },
  logistics: { x: 360, y: 460 },
  notifications: { x: 1000, y: 560 },
};

const TITLES: Record<string, string> = {
  orders: 'Orders',
  inventory: 'Inventory',
  payments: 'Payments',
  logistics: 'Logistics',
  notifications: 'Notifications',
};

const INK = '#334155';
const QUIET = '#cbd5e1';
const ACTIVE = '#4f46e5';
const ALERT = '#dc2626';

/** The saga drawn with cytoscape: a node per service, an edge per event and consumer queue. */
export class GraphView {
  private readonly cy: Core;

  constructor(container: HTMLElement, graph: SagaGraph) {
    this.cy = cytoscape({
      container,
      layout: { name: 'preset', padding: 24 },
      userZoomingEnabled: false,
      userPanningEnabled: false,
      boxSelectionEnabled: false,
      autoungrabify: true,
      elements: [
        ...graph.services.map((service) => ({
          data: { id: service, label: TITLES[service] ?? service },
          position: POSITIONS[service] ?? { x: 0, y: 0 },
        })),
        ...graph.edges.map((edge) => ({
          data: { id: edge.id, source: edge.from, target: edge.to, event: edge.event, label: edge.event },
        })),
      ],
      style: [
        {
          selector: 'node',
          style: {
            shape: 'round-rectangle',
            width: 140,
            height: 56,
            'background-color': '#ffffff',
            'border-width': 2,
            'border-color': '#94a3b8',
            label: 'data(label)',
            'text-wrap': 'wrap',
            'text-valign': 'center',
            'text-halign': 'center',
            'font-family': 'Inter, system-ui, sans-serif',
            'font-size': 15,
            'font-weight': 600,
            color: '#0f172a',
          },
        },
        {
          selector: 'node.dead-letters',
          style: { 'border-color': ALERT, 'background-color': '#fef2f2', color: ALERT },
        },
        {
          selector: 'edge',
          style: {
            'curve-style': 'bezier',
            'control-point-step-size': 30,
            width: 1.5,
            'line-color': QUIET,
            'target-arrow-color': QUIET,
            'target-arrow-shape': 'triangle',
            'arrow-scale': 0.9,
            label: 'data(label)',
            'font-family': 'Inter, system-ui, sans-serif',
            'font-size': 11,
            color: '#94a3b8',
            'text-rotation': 'autorotate',
            'text-background-color': '#ffffff',
            'text-background-opacity': 0.92,
            'text-background-padding': '2px',
          },
        },
        {
          selector: 'edge.busy',
          style: {
            width: 'mapData(lastMinute, 1, 300, 2, 6)',
            'line-color': ACTIVE,
            'target-arrow-color': ACTIVE,
            color: INK,
            'font-weight': 600,
          },
        },
      ],
    });
    window.addEventListener('resize', () => this.cy.fit(undefined, 24));
  }

  /** Counts and rates on the edges (Orders' timeline), DLQ depths on the consuming services (the broker). */
  update(snapshot: FlowSnapshot): void {
    const events = new Map(snapshot.events.map((e) => [e.type, e]));
    const deadLettered = new Map<string, number>();
    for (const queue of snapshot.queues ?? []) {
      deadLettered.set(queue.service, (deadLettered.get(queue.service) ?? 0) + queue.deadLettered);
    }
    this.cy.batch(() => {
      this.cy.edges().forEach((edge) => {
        const event = edge.data('event') as string;
        const activity = events.get(event);
        const lastMinute = activity?.lastMinute ?? 0;
        edge.data({
          lastMinute,
          label: lastMinute ? `${event} · ${lastMinute} · ${rate(activity?.perSecond ?? 0)}/s` : event,
        });
        edge.toggleClass('busy', lastMinute > 0);
      });
      this.cy.nodes().forEach((node) => {
        const dlq = deadLettered.get(node.id()) ?? 0;
        const title = TITLES[node.id()] ?? node.id();
        node.data('label', dlq ? `${title}\n${dlq} in DLQ` : title);
        node.toggleClass('dead-letters', dlq > 0);
      });
    });
  }
}
