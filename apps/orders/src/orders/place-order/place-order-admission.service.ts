import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { OutboxRelay, type OutboxLag } from '@loja/messaging';
import { ServiceOverloadedError } from '@loja/service-kit';
import { ORDERS_CONFIG, type OrdersConfig } from '../../config/orders.config';
import type { OrdersErrorCode } from '../../errors';
import { OrderRepository } from '../order.repository';
import { decideAdmission } from './admission-policy';

/**
 * Counts the orders being placed, keeps a fresh reading of Orders' outbox lag and of its orders not
 * final yet (two queries every ORDERS_ADMISSION_CHECK_INTERVAL_MS, not per request), and refuses new orders while either is
 * over its limit (admission-policy.ts). A refusal costs next to nothing, so an overloaded Orders keeps
 * its CPU for the orders it took.
 */
@Injectable()
export class PlaceOrderAdmission implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PlaceOrderAdmission.name);
  private lag: OutboxLag & { ordersInFlight: number } = { backlog: 0, oldestAgeMs: 0, ordersInFlight: 0 };
  private timer: NodeJS.Timeout | undefined;
  private refusing = false;
  private placementsInFlight = 0;
  /** Placements finished since the last reading began: in flight until a reading includes them. */
  private placedSinceReading = 0;
  private reading = false;

  constructor(
    private readonly relay: OutboxRelay,
    private readonly orders: OrderRepository,
    @Inject(ORDERS_CONFIG) private readonly config: OrdersConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.refresh(), this.config.ORDERS_ADMISSION_CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /**
   * The refusal a new order would get now (ORDERS_OVERLOADED, with Retry-After), or undefined: what
   * admit() decides, counting nothing. Orders also asks it before reading a POST's body
   * (refuse-while-overloaded.ts), so a refusal costs next to nothing.
   */
  refusal(): ServiceOverloadedError<OrdersErrorCode> | undefined {
    const lag = {
      ...this.lag,
      ordersInFlight: this.lag.ordersInFlight + this.placedSinceReading + this.placementsInFlight,
      placementsInFlight: this.placementsInFlight,
    };
    const decision = decideAdmission(lag, {
      maxPlacementsInFlight: this.config.ORDERS_MAX_PLACEMENTS_IN_FLIGHT,
      maxOutboxBacklog: this.config.ORDERS_MAX_OUTBOX_BACKLOG,
      maxOutboxAgeMs: this.config.ORDERS_MAX_OUTBOX_AGE_MS,
      maxOrdersInFlight: this.config.ORDERS_MAX_ORDERS_IN_FLIGHT,
    });
    if (decision.accept === this.refusing) {
      this.refusing = !decision.accept;
      this.logger.warn({ msg: decision.accept ? 'accepting orders again' : 'refusing new orders', ...lag });
    }
    if (decision.accept) return undefined;
    return new ServiceOverloadedError<OrdersErrorCode>(
      'ORDERS_OVERLOADED',
      `orders cannot take new orders now: ${decision.reason}; try again later`,
      decision.retryAfterSeconds,
    );
  }

  /**
   * Admits one order, or throws refusal() while Orders cannot keep up. Returns the function to call
   * once the order is placed (or failed).
   */
  admit(): () => void {
    const refusal = this.refusal();
    if (refusal) throw refusal;
    this.placementsInFlight++;
    let done = false;
    return () => {
      if (!done) {
        this.placementsInFlight--;
        this.placedSinceReading++;
      }
      done = true;
    };
  }

  private async refresh(): Promise<void> {
    if (this.reading) return; // one reading at a time: each accounts for the placements before it
    this.reading = true;
    try {
      const placedBefore = this.placedSinceReading;
      const [outbox, ordersInFlight] = await Promise.all([this.relay.lag(), this.orders.countInFlight()]);
      this.lag = { ...outbox, ordersInFlight };
      this.placedSinceReading -= placedBefore;
    } catch {
      // Database unavailable: placing the order fails on its own with a 503; keep the last reading.
    } finally {
      this.reading = false;
    }
  }
}
