export { waitFor } from './wait-for';
export { TestNamespace } from './test-namespace';
export { BrokerProbe } from './broker-probe';
