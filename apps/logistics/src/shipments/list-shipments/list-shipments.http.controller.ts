import { Controller, Get, Query } from '@nestjs/common';
import { parseRequest } from '@loja/service-kit';
import { z } from 'zod';
import { ShipmentRepository } from '../shipment.repository';

const ListShipmentsQuery = z.strictObject({ orderId: z.uuid() });

/** Operators (and tests): the shipments of one order; at most one, by design. */
@Controller('shipments')
export class ListShipmentsController {
  constructor(private readonly shipments: ShipmentRepository) {}

  @Get()
  async list(@Query() query: unknown) {
    const { orderId } = parseRequest(ListShipmentsQuery, query);
    const shipments = await this.shipments.listByOrder(orderId);
    return shipments.map((s) => ({
      id: s.id,
      orderId: s.orderId,
      status: s.status,
      carrier: s.carrier,
      trackingCode: s.trackingCode,
      shipAfter: s.shipAfter.toISOString(),
      shippedAt: s.shippedAt?.toISOString() ?? null,
      shippingAddress: s.details.shippingAddress,
      lines: s.details.lines,
      createdAt: s.createdAt.toISOString(),
    }));
  }
}
