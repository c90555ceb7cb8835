import { isAddressedTo, type SinkMessage } from './sink-message';

/** Received e-mails in memory, newest first; the oldest are forgotten beyond `capacity`. */
export class MessageStore {
  private messages: SinkMessage[] = [];

  constructor(private readonly capacity = 1000) {}

  add(message: SinkMessage): void {
    this.messages.unshift(message);
    if (this.messages.length > this.capacity) this.messages.length = this.capacity;
  }

  list(filter: { to?: string } = {}): SinkMessage[] {
    const { to } = filter;
    return to ? this.messages.filter((m) => isAddressedTo(m, to)) : [...this.messages];
  }

  get(id: string): SinkMessage | undefined {
    return this.messages.find((m) => m.id === id);
  }

  clear(): void {
    this.messages = [];
  }
}
