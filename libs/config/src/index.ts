export { ConfigError, loadConfig, envBoolean, envInt, envPort, envUrl } from './load-config';
export { BaseConfigSchema, baseConfigShape, type BaseConfig } from './base-config.schema';
export {
  envDurationMs,
  envList,
  envRequired,
  isDemoEnv,
  withModeDefaults,
  type ModeDefaults,
} from './service-config.schema';
export {
  demoKeysEnvShape,
  featureFlagsEnvShape,
  kiteEnvShape,
  kiteModeDefaults,
  mergeModeDefaults,
  reconcileEnvShape,
  xtsEnvShape,
  xtsModeDefaults,
} from './service-env.schema';
