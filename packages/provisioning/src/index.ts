export * from './store-settings';
export { provisionServiceDatabase, dropNamespaceDatabases, derivedPassword } from './postgres';
export { RabbitManagement, type BrokerNode, type QueueStats, type VhostQueueCount } from './rabbitmq';
export { migrate } from './migrate';
export * from './broker-file-handles';
export { assertBrokerFileHandles, BrokerOutOfFileHandlesError } from './assert-broker-file-handles';
export { throughLocalSocket } from './postgres-socket';
