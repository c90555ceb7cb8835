import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { PrismaService } from '../../prisma/prisma.service';
import { ProductChanges } from '../product-changes';
import { STARTING_CATALOG } from './catalog';

/**
 * Seeds the catalogue on first start. Idempotent, also with several replicas starting at once: a
 * product is inserted only if absent, and only the process that inserted it announces it. Runs at
 * module init, before the consumers start taking messages (a restart with a backlog would otherwise
 * compete with them for connections).
 */
/** A loaded database may take a while to hand out a connection; boot should wait, not fail. */
const SEED_TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 30_000 };

@Injectable()
export class SeedCatalogService implements OnModuleInit {
  private readonly logger = new Logger(SeedCatalogService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly changes: ProductChanges,
  ) {}

  async onModuleInit(): Promise<void> {
    const created = await this.prisma.$transaction(async (tx) => {
      const inserted = [];
      for (const item of STARTING_CATALOG) {
        const rows = await tx.$queryRawUnsafe<Array<{ sku: string }>>(
          `INSERT INTO product (sku, name, price_cents, stock_available, revision, updated_at)
           VALUES ($1, $2, $3, $4, 1, now()) ON CONFLICT (sku) DO NOTHING RETURNING sku`,
          item.sku,
          item.name,
          item.priceCents,
          item.stockAvailable,
        );
        if (rows.length) inserted.push(await tx.product.findUniqueOrThrow({ where: { sku: item.sku } }));
      }
      for (const product of inserted) await this.changes.announce(tx, product);
      return inserted.length;
    }, SEED_TRANSACTION_OPTIONS);
    if (created) this.logger.log({ msg: 'catalogue seeded', products: created });
  }
}
