export { waitFor } from './wait-for';
export { TestNamespace } from './test-namespace';
export { BrokerProbe } from './broker-probe';
export { metricValue, parseMetrics, scrapeMetrics, type MetricSample } from './prometheus-text';
export { countRoundTrips } from './round-trips';
