/** A tiny element builder: text always goes in as text, never as HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} missing from index.html`);
  return element as T;
}

/** 850 ms, 3.2 s, 4 min 10 s. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function rate(perSecond: number): string {
  return perSecond === 0 ? '0' : perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond).toString();
}

export const STATUS_LABELS: Record<string, string> = {
  PENDING: 'pending',
  STOCK_RESERVED: 'stock reserved',
  PAID: 'paid',
  IN_PREPARATION: 'in preparation',
  SHIPPED: 'shipped',
  CANCELLED: 'cancelled',
};
