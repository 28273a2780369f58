import { Logger } from '@nestjs/common';
import type { BusLogger } from '../bus-logger';

/** The bus and engine log through the app's logger (pino, see NestPinoLogger in @fillwire/observability): object first, then message. */
export function nestBusLogger(context: string): BusLogger {
  const logger = new Logger(context);
  return {
    info: (obj, msg) => logger.log(obj, msg),
    warn: (obj, msg) => logger.warn(obj, msg),
    error: (obj, msg) => logger.error(obj, msg),
  };
}
