import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { SHIPMENT_DUE_CHANNEL } from '../shipment.repository';

/**
 * LISTENs for shipments announced by ShipmentRepository.create. PostgreSQL delivers a notification
 * only once the creating transaction has committed, so the dispatcher never looks for a shipment
 * before it is visible. Reconnects by itself; what is missed meanwhile the dispatcher's sweep ships.
 */
export class ShipmentDueListener {
  private readonly logger = new Logger(ShipmentDueListener.name);
  private client: Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly onDue: (shipAfter: Date) => void,
    /** Called each time LISTEN is (re)established: what committed while not listening must be looked at. */
    private readonly onListening: () => void,
  ) {}

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'logistics-shipment-listener' });
    let retrying = false;
    const retry = (error?: Error) => {
      if (retrying) return;
      retrying = true;
      if (this.client === client) this.client = undefined;
      client.end().catch(() => undefined);
      if (this.stopped) return;
      if (error) this.logger.warn({ msg: 'shipment listener lost its connection', error: error.message });
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = setTimeout(() => void this.connect(), 1000);
      this.reconnectTimer.unref();
    };
    client.on('error', retry);
    client.on('end', () => retry());
    client.on('notification', (notification) => {
      const shipAfter = new Date(notification.payload ?? '');
      this.onDue(Number.isNaN(shipAfter.getTime()) ? new Date() : shipAfter);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${SHIPMENT_DUE_CHANNEL}`);
      if (this.stopped) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      this.onListening();
    } catch (error) {
      retry(error as Error);
    }
  }
}
