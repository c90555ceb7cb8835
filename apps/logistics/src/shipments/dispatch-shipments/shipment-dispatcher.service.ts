import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Database } from '@loja/messaging';
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
  private interval: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private dispatchAgain = false;
  private stopped = true;

  constructor(
    private readonly database: Database,
    private readonly shipments: ShipmentRepository,
    private readonly shipShipment: ShipShipmentService,
    @Inject(LOGISTICS_CONFIG) private readonly config: LogisticsConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.interval = setInterval(() => this.requestDispatch(), this.config.LOGISTICS_DISPATCH_INTERVAL_MS);
    this.interval.unref();
    this.requestDispatch();
  }

  /** Before messaging drains and flushes the outbox: no new dispatch, the one running finishes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.interval);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.running;
  }

  /** Dispatches when `shipAfter` comes (at once if it has passed). */
  dispatchAt(shipAfter: Date): void {
    if (this.stopped) return;
    const delayMs = Math.max(0, shipAfter.getTime() - Date.now());
    if (delayMs > MAX_TIMER_MS) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.requestDispatch();
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** Dispatches now, or right after the dispatch in progress (coalesces timers and sweeps). */
  requestDispatch(): void {
    if (this.stopped) return;
    if (this.running) {
      this.dispatchAgain = true;
      return;
    }
    this.running = this.dispatchUntilDone().finally(() => {
      this.running = undefined;
    });
  }

  private async dispatchUntilDone(): Promise<void> {
    do {
      this.dispatchAgain = false;
      try {
        while (!this.stopped && (await this.dispatchBatch()) === this.config.LOGISTICS_DISPATCH_BATCH_SIZE) {
          // a full batch: there may be more
        }
      } catch (error) {
        // Database unavailable or a conflict: nothing was shipped, the next sweep tries again.
        this.logger.warn({ msg: 'shipment dispatch failed', error: (error as Error).message });
        return;
      }
    } while (this.dispatchAgain && !this.stopped);
  }

  /** Ships one batch of due shipments; returns how many it claimed. */
  private dispatchBatch(): Promise<number> {
    return this.database.transaction(async (tx) => {
      const due = await this.shipments.claimDue(tx, this.config.LOGISTICS_DISPATCH_BATCH_SIZE);
      for (const shipment of due) await this.shipShipment.execute(tx, shipment);
      return due.length;
    });
  }
}
