/**
 * Acknowledges a channel's deliveries with as few frames as possible, never one before its time.
 *
 * A delivery is settled once its outcome is safe (its transaction committed, or its copy to a retry
 * queue or DLQ was confirmed). Deliveries settle out of order (a retry waits for a confirm while later
 * messages commit), so this acks, with `multiple`, the highest delivery tag below which every
 * delivery is settled: one frame, and one settle command in the quorum queue, for a whole batch.
 * A batch's deliveries settle one after another once its COMMIT returns; the ack goes out once they
 * all have (at the end of that turn of the event loop, as a microtask), not once per delivery.
 *
 * One window per channel: delivery tags count per channel, and a closed channel's deliveries are
 * redelivered by the broker on the next one (the inbox absorbs those already handled).
 */
export class AckWindow {
  /** Tags delivered and not acked yet, in delivery order: pending, settled, or rejected (nacked alone). */
  private readonly outstanding = new Map<number, 'pending' | 'settled' | 'rejected'>();
  private flushQueued = false;

  constructor(private readonly ack: (deliveryTag: number, multiple: boolean) => void) {}

  /** Called for every delivery, in the order the channel delivers them. */
  delivered(deliveryTag: number): void {
    this.outstanding.set(deliveryTag, 'pending');
  }

  /** The delivery's outcome is safe: ack it, with every earlier one that is settled too. */
  settle(deliveryTag: number): void {
    this.close(deliveryTag, 'settled');
  }

  /**
   * The delivery was rejected on its own (nack): the broker holds it no more, so it must not be acked,
   * but it no longer holds back the acks of later deliveries either.
   */
  rejected(deliveryTag: number): void {
    this.close(deliveryTag, 'rejected');
  }

  /** Deliveries not acked yet (settled ones wait for an earlier one). */
  get pending(): number {
    return this.outstanding.size;
  }

  private close(deliveryTag: number, state: 'settled' | 'rejected'): void {
    if (this.outstanding.get(deliveryTag) !== 'pending') return;
    this.outstanding.set(deliveryTag, state);
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  private flush(): void {
    const done: number[] = [];
    let highestSettled: number | undefined;
    for (const [tag, tagState] of this.outstanding) {
      if (tagState === 'pending') break;
      done.push(tag);
      if (tagState === 'settled') highestSettled = tag;
    }
    if (done.length === 0) return;
    for (const tag of done) {
      this.outstanding.delete(tag);
      if (tag === highestSettled) break;
    }
    // Rejected tags after the last settled one stay until a later settle covers (and drops) them.
    if (highestSettled !== undefined) this.ack(highestSettled, done.indexOf(highestSettled) > 0);
  }
}
