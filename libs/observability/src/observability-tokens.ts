import { Inject } from '@nestjs/common';

/** The service's parsed config object (its own schema's output, validated once at boot). */
export const APP_CONFIG = Symbol('fillwire:app-config');
/** The service name, e.g. `order-api` (log `service` field, metric `service` label, Redis client name). */
export const SERVICE_NAME = Symbol('fillwire:service-name');
/** The service's root pino logger (for code that logs pino-style: `logger.child({ context }).info(obj, msg)`). */
export const PINO_LOGGER = Symbol('fillwire:pino-logger');
/** The service's shared ioredis client. */
export const REDIS_CLIENT = Symbol('fillwire:redis-client');

export const InjectAppConfig = (): ParameterDecorator => Inject(APP_CONFIG);
export const InjectServiceName = (): ParameterDecorator => Inject(SERVICE_NAME);
export const InjectRedis = (): ParameterDecorator => Inject(REDIS_CLIENT);
export const InjectPinoLogger = (): ParameterDecorator => Inject(PINO_LOGGER);
