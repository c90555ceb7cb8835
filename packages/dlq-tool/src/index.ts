export { run, type CliIo } from './run';
export { ExitCode } from './errors';
