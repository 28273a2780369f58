import { DynamicModule, INestApplication, Logger as NestLogger, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig, type BaseConfig } from '@fillwire/config';
import type { z } from 'zod';
import { NestPinoLogger } from '../logger/nest-pino-logger';
import { ObservabilityModule } from '../observability.module';

export type ServiceConfig = BaseConfig & { PORT: number };

export interface BootOptions<S extends z.ZodType<ServiceConfig>> {
  /** Service name, e.g. `order-api`. */
  name: string;
  /** The service's env schema (baseConfigShape + its own variables). */
  configSchema: S;
  /** Defaults to process.env; the only place the environment is read. */
  env?: Record<string, string | undefined>;
  /** A shutdown that has not finished by then is abandoned with exit code 1. */
  shutdownTimeoutMs?: number;
  /** Called on the created app before it listens (e.g. notifier's WebSocket adapter). */
  configure?: (app: INestApplication) => void;
}

@Module({})
class ServiceRootModule {}

/**
 * Creates a service's Nest app (not listening yet): the app module plus ObservabilityModule with
 * its config, logging through pino from the first line. Tests use it to run a service in-process.
 */
export async function createServiceApp<C extends BaseConfig>(
  appModule: Type | DynamicModule,
  service: string,
  config: C,
): Promise<INestApplication> {
  const app = await NestFactory.create(
    { module: ServiceRootModule, imports: [ObservabilityModule.forRoot({ service, config }), appModule] },
    { bufferLogs: true },
  );
  app.useLogger(app.get(NestPinoLogger));
  app.flushLogs();
  return app;
}

/**
 * The whole of a service's main.ts: validate the environment (every problem listed, exit 1, before
 * anything starts), create the app, close it on SIGTERM/SIGINT (Nest shutdown hooks: workers first,
 * Redis last; then exit 0), listen on HOST:PORT.
 */
export async function bootService<S extends z.ZodType<ServiceConfig>>(
  appModule: Type | DynamicModule,
  { name, configSchema, env = process.env, shutdownTimeoutMs = 10_000, configure }: BootOptions<S>,
): Promise<INestApplication | undefined> {
  // An IPC channel from a supervisor (npm start) must not keep a process alive that has to exit.
  process.channel?.unref();
  let config: z.infer<S>;
  try {
    config = loadConfig(name, configSchema, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
    return undefined;
  }
  const logger = new NestLogger('Boot');
  try {
    const app = await createServiceApp(appModule, name, config);
    configure?.(app);
    // useProcessExit: exit 0 once the hooks are done (the default re-raises the signal: exit 143).
    app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        logger.log(`${signal} received, shutting down`);
        setTimeout(() => {
          logger.error(`shutdown did not finish within ${shutdownTimeoutMs} ms, exiting`);
          process.exit(1);
        }, shutdownTimeoutMs).unref();
      });
    }
    // Under a supervisor with an IPC channel (npm start): shut down when it is gone, even after a
    // SIGKILL of the supervisor, instead of living on as an orphan.
    if (process.send) {
      process.once('disconnect', () => {
        logger.warn('supervisor gone, shutting down');
        process.kill(process.pid, 'SIGTERM');
      });
    }
    await app.listen(config.PORT, config.HOST);
    logger.log(`${name} listening on http://${config.HOST}:${config.PORT}/`);
    return app;
  } catch (err) {
    logger.error({ err }, `${name} failed to start`);
    process.exit(1);
  }
}
