import {
  RabbitManagement,
  assertNamespace,
  dropNamespaceDatabases,
  serverSettingsFromEnv,
  type ServerSettings,
} from '@loja/provisioning';

/** Deletes a store's vhost (queues and messages with it) and its databases and roles. */
export async function dropStore(namespace: string, servers: ServerSettings = serverSettingsFromEnv()): Promise<void> {
  assertNamespace(namespace);
  await new RabbitManagement(servers.rabbitmqManagementUrl).deleteVhost(namespace);
  await dropNamespaceDatabases(servers.postgresUrl, namespace);
}
