import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { OutboxRelay, type OutboxLag } from '@loja/messaging';
import { ServiceOverloadedError } from '@loja/service-kit';
import { ORDERS_CONFIG, type OrdersConfig } from '../../config/orders.config';
import type { OrdersErrorCode } from '../../errors';
import { decideAdmission } from './admission-policy';

/**
 * Counts the orders being placed, keeps a fresh reading of Orders' outbox lag (one query every
 * ORDERS_ADMISSION_CHECK_INTERVAL_MS, not one per request), and refuses new orders while either is
 * over its limit (admission-policy.ts). A refusal costs next to nothing, so an overloaded Orders keeps
 * its CPU for the orders it took.
 */
@Injectable()
export class PlaceOrderAdmission implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PlaceOrderAdmission.name);
  private lag: OutboxLag = { backlog: 0, oldestAgeMs: 0 };
  private timer: NodeJS.Timeout | undefined;
  private refusing = false;
  private placementsInFlight = 0;

  constructor(
    private readonly relay: OutboxRelay,
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
   * Admits one order, or throws a 503 (ORDERS_OVERLOADED, with Retry-After) while Orders cannot keep
   * up. Returns the function to call once the order is placed (or failed).
   */
  admit(): () => void {
    const lag = { ...this.lag, placementsInFlight: this.placementsInFlight };
    const decision = decideAdmission(lag, {
      maxPlacementsInFlight: this.config.ORDERS_MAX_PLACEMENTS_IN_FLIGHT,
      maxOutboxBacklog: this.config.ORDERS_MAX_OUTBOX_BACKLOG,
      maxOutboxAgeMs: this.config.ORDERS_MAX_OUTBOX_AGE_MS,
    });
    if (decision.accept === this.refusing) {
      this.refusing = !decision.accept;
      this.logger.warn({ msg: decision.accept ? 'accepting orders again' : 'refusing new orders', ...lag });
    }
    if (!decision.accept) {
      throw new ServiceOverloadedError<OrdersErrorCode>(
        'ORDERS_OVERLOADED',
        `orders cannot take new orders now: ${decision.reason}; try again later`,
        decision.retryAfterSeconds,
      );
    }
    this.placementsInFlight++;
    let done = false;
    return () => {
      if (!done) this.placementsInFlight--;
      done = true;
    };
  }

  private async refresh(): Promise<void> {
    try {
      this.lag = await this.relay.lag();
    } catch {
      // Database unavailable: placing the order fails on its own with a 503; keep the last reading.
    }
  }
}
