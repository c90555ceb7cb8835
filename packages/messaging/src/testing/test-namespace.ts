import { randomBytes } from 'node:crypto';
import {
  RabbitManagement,
  dropNamespaceDatabases,
  migrate,
  provisionServiceDatabase,
  serverSettingsFromEnv,
  withVhost,
  type ServerSettings,
} from '@loja/provisioning';

/**
 * Databases and a vhost of one's own for one test file: `t<random>_<label>` on the local servers, so
 * test runs (and a store running beside them) never see each other's data. `dispose()` drops it all.
 */
export class TestNamespace {
  readonly management: RabbitManagement;
  readonly rabbitmqUrl: string;

  private constructor(
    readonly name: string,
    readonly settings: ServerSettings,
  ) {
    this.management = new RabbitManagement(settings.rabbitmqManagementUrl);
    this.rabbitmqUrl = withVhost(settings.rabbitmqUrl, name);
  }

  static async create(label: string): Promise<TestNamespace> {
    const name = `t${randomBytes(4).toString('hex')}_${label.replace(/[^a-z0-9]/g, '_')}`.slice(0, 40);
    const namespace = new TestNamespace(name, serverSettingsFromEnv());
    const user = new URL(namespace.settings.rabbitmqUrl).username || 'guest';
    await namespace.management.ensureVhost(name, decodeURIComponent(user));
    return namespace;
  }

  /** Creates the service's database and role, applies the migrations in `serviceDir`, returns its URL. */
  async database(service: string, serviceDir: string): Promise<string> {
    const url = await provisionServiceDatabase(this.settings.postgresUrl, this.name, service);
    await migrate(serviceDir, url);
    return url;
  }

  async dispose(): Promise<void> {
    await this.management.deleteVhost(this.name).catch(() => undefined);
    await dropNamespaceDatabases(this.settings.postgresUrl, this.name);
  }
}
