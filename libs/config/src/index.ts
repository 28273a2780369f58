export { ConfigError, loadConfig, envBoolean, envInt, envPort, envUrl } from './load-config';
export { BaseConfigSchema, baseConfigShape, type BaseConfig } from './base-config.schema';
