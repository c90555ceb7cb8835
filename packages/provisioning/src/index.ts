export * from './store-settings';
export { provisionServiceDatabase, dropNamespaceDatabases, derivedPassword } from './postgres';
export { RabbitManagement } from './rabbitmq';
export { migrate } from './migrate';
