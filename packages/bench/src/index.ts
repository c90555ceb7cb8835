export { runBench, orderRequest } from './run-bench';
export { parseBenchArgs, type BenchOptions } from './args';
export { writeResults } from './output';
export type {
  BenchReport,
  RateResult,
  BrokerCeiling,
  PostgresCeiling,
  MachineInfo,
  CpuPerOrder,
  UnitCosts,
  OverloadResult,
  OverloadSegment,
} from './results';
