export { repoRoot, SERVICES, type Service } from './repo';
export {
  loadComposeProject,
  interpolate,
  parsePort,
  healthcheckCommand,
  InterpolationError,
  type ComposeProject,
  type ServiceSpec,
} from './compose-file';
export { readEnvFile } from './env-file';
export { parseDockerfile, substitute, execForm, findStage, type Dockerfile, type Stage } from './dockerfile';
export { dockerIgnore } from './dockerignore';
export { buildNatively, hostPath, skipSystemPackages, type NativeBuildResult, type StageResult } from './native-build';
export * from './broker-definitions';
export { defaultPortOf, publishedEventTypesOf, processEnvReads, envReadBy, type EnvReads } from './service-facts';
export { DEFINITIONS_TEMPLATE, renderDefinitionsTemplate } from './write-definitions';
