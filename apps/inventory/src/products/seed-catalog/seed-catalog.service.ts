import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Database } from '@loja/messaging';
import { ProductChanges } from '../product-changes.service';
import { ProductRepository } from '../product.repository';
import { STARTING_CATALOG } from './catalog';

/**
 * Seeds the catalogue on first start. Idempotent, also with several replicas starting at once: a
 * product is inserted only if absent, and only the process that inserted it announces it. Runs at
 * module init, before the consumers start taking messages (a restart with a backlog would otherwise
 * compete with them for connections).
 */
@Injectable()
export class SeedCatalogService implements OnModuleInit {
  private readonly logger = new Logger(SeedCatalogService.name);

  constructor(
    private readonly database: Database,
    private readonly products: ProductRepository,
    private readonly changes: ProductChanges,
  ) {}

  async onModuleInit(): Promise<void> {
    const created = await this.database.transaction(async (tx) => {
      let inserted = 0;
      for (const item of STARTING_CATALOG) {
        const product = await this.products.insertIfAbsent(tx, item);
        if (!product) continue;
        this.changes.announce(tx, product);
        inserted++;
      }
      return inserted;
    });
    if (created) this.logger.log({ msg: 'catalogue seeded', products: created });
  }
}
