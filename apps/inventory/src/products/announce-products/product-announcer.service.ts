import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Database, RecurringSweep, Tracing } from '@loja/messaging';
import { INVENTORY_CONFIG, type InventoryConfig } from '../../config/inventory.config';
import { ProductChanges } from '../product-changes.service';
import { ProductRepository } from '../product.repository';

/**
 * Announces the stock the saga moves: every INVENTORY_ANNOUNCE_INTERVAL_MS (and once at start), one
 * transaction takes the products whose revision moved past the one last announced, records them as
 * announced and adds a ProdutoAtualizado per product with its state now. However many orders reserved
 * or released a SKU in that time, it costs one event, not one per reservation batch: the replica in
 * Orders is at most one interval (plus the relay) behind, and the saga never waits for it.
 *
 * The mark and the event commit together, so a crash before COMMIT leaves the products to announce
 * for the next run, and any number of replicas can run it (see ProductRepository.claimUnannounced).
 * Changes an administrator makes (restock, seeding) are announced in their own transaction instead.
 */
@Injectable()
export class ProductAnnouncer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ProductAnnouncer.name);
  private readonly sweeps: RecurringSweep;

  constructor(
    private readonly database: Database,
    private readonly products: ProductRepository,
    private readonly changes: ProductChanges,
    private readonly tracing: Tracing,
    @Inject(INVENTORY_CONFIG) config: InventoryConfig,
  ) {
    this.sweeps = new RecurringSweep(
      async () => {
        await this.announceChanged();
      },
      config.INVENTORY_ANNOUNCE_INTERVAL_MS,
      // Database unavailable: the products stay unannounced and the next run takes them.
      (error) => this.logger.warn({ msg: 'product announcement failed', error: error.message }),
    );
  }

  onApplicationBootstrap(): void {
    this.sweeps.start();
  }

  /** Before messaging drains and flushes the outbox: no new run, the one running finishes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.sweeps.stop();
  }

  /** Announces every product changed since its last announcement; returns how many it announced. */
  announceChanged(): Promise<number> {
    // One event per product serves the changes of many orders: it belongs to none of their traces.
    return this.tracing.detached(() =>
      this.database.transaction(async (tx) => {
        const changed = await this.products.claimUnannounced(tx);
        for (const product of changed) this.changes.announce(tx, product);
        return changed.length;
      }),
    );
  }
}
