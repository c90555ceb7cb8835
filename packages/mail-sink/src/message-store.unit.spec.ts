import { describe, expect, it } from 'vitest';
import { MessageStore } from './message-store';
import type { SinkMessage } from './sink-message';

const message = (id: string, to: string[], envelopeTo = to): SinkMessage => ({
  id,
  messageId: `<${id}@test>`,
  from: 'Loja <pedidos@loja.example>',
  to,
  subject: id,
  text: null,
  html: null,
  headers: {},
  receivedAt: new Date().toISOString(),
  envelope: { from: 'pedidos@loja.example', to: envelopeTo },
});

describe('message store', () => {
  it('lists newest first and forgets the oldest beyond its capacity', () => {
    const store = new MessageStore(2);
    store.add(message('a', ['x@example.com']));
    store.add(message('b', ['x@example.com']));
    store.add(message('c', ['x@example.com']));
    expect(store.list().map((m) => m.id)).toEqual(['c', 'b']);
    expect(store.get('a')).toBeUndefined();
    expect(store.get('b')?.subject).toBe('b');
  });

  it('filters by recipient, header or envelope, ignoring case', () => {
    const store = new MessageStore();
    store.add(message('to-ana', ['Ana@Example.com']));
    store.add(message('bcc-ana', ['bia@example.com'], ['bia@example.com', 'ana@example.com']));
    store.add(message('bia', ['bia@example.com']));
    expect(store.list({ to: 'ana@example.com' }).map((m) => m.id)).toEqual(['bcc-ana', 'to-ana']);
    store.clear();
    expect(store.list()).toEqual([]);
  });
});
