import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Database, RecurringSweep, Tracing } from '@loja/messaging';
import { LOGISTICS_CONFIG, type LogisticsConfig } from '../../config/logistics.config';
import { ShipShipmentService } from '../ship-shipment/ship-shipment.service';
import { ShipmentRepository } from '../shipment.repository';

/** Longest timer Node accepts; a later due time is left to the sweep. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Ships due shipments: claims PREPARING rows whose ship_after has passed (FOR UPDATE SKIP LOCKED, so
 * any number of replicas can run it), sets them SHIPPED with carrier and tracking code, and adds
 * PedidoEnviado, all in one transaction. Runs every LOGISTICS_DISPATCH_INTERVAL_MS, at start (what
 * fell due while the service was down, or what another replica prepared and did not ship), and on a
 * timer at the due time of every shipment this process prepares (PrepareShipmentService asks for it
 * once the shipment has committed).
 */
@Injectable()
export class ShipmentDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ShipmentDispatcher.name);
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sweeps: RecurringSweep;

  constructor(
    private readonly database: Database,
    private readonly shipments: ShipmentRepository,
    private readonly shipShipment: ShipShipmentService,
    private readonly tracing: Tracing,
    @Inject(LOGISTICS_CONFIG) private readonly config: LogisticsConfig,
  ) {
    this.sweeps = new RecurringSweep(
      () => this.dispatchDue(),
      config.LOGISTICS_DISPATCH_INTERVAL_MS,
      // Database unavailable or a conflict: nothing was shipped, the next sweep tries again.
      (error) => this.logger.warn({ msg: 'shipment dispatch failed', error: error.message }),
    );
  }

  onApplicationBootstrap(): void {
    this.sweeps.start();
  }

  /** Before messaging drains and flushes the outbox: no new dispatch, the one running finishes. */
  async beforeApplicationShutdown(): Promise<void> {
    const stopped = this.sweeps.stop();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await stopped;
  }

  /** Dispatches when `shipAfter` comes (at once if it has passed). */
  dispatchAt(shipAfter: Date): void {
    if (this.sweeps.isStopped) return;
    const delayMs = Math.max(0, shipAfter.getTime() - Date.now());
    if (delayMs > MAX_TIMER_MS) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.sweeps.request(); // now, or right after the sweep in progress
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** Ships batch after batch while they come back full: there may be more due. */
  private async dispatchDue(): Promise<void> {
    while (!this.sweeps.isStopped && (await this.dispatchBatch()) === this.config.LOGISTICS_DISPATCH_BATCH_SIZE) {
      // a full batch: there may be more
    }
  }

  /** Ships one batch of due shipments; returns how many it claimed. */
  private dispatchBatch(): Promise<number> {
    // A batch ships the parcels of many orders: its own statements belong to no order's trace (each
    // shipment is shipped in its own, see ShipShipmentService).
    return this.tracing.detached(() =>
      this.database.transaction(async (tx) => {
        const due = await this.shipments.claimDue(tx, this.config.LOGISTICS_DISPATCH_BATCH_SIZE);
        for (const shipment of due) await this.shipShipment.execute(tx, shipment);
        return due.length;
      }),
    );
  }
}
