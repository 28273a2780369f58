import {
  Global,
  Module,
  type DynamicModule,
  type FactoryProvider,
  type ModuleMetadata,
  type Provider,
} from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { BaseConfig } from '@fillwire/config';
import { EventEngine } from '@fillwire/event-engine';
import { APP_CONFIG, MetricsService } from '@fillwire/observability';
import { BusAdminService } from '../bus-admin.service';
import { EventBusBridge } from '../event-bus-bridge';
import { EventConsumer } from '../event-consumer';
import { EventPublisher } from '../event-publisher';
import { JobQueues } from '../job-queues';
import { LagMonitor } from '../lag-monitor';
import { AdminTokenGuard } from './admin-token.guard';
import { DeadLetterController } from './dead-letter.controller';
import { EngineDelivery } from './engine-delivery';
import {
  resolveEventBusOptions,
  type EventBusModuleOptions,
  type FillwireEventMap,
  type ResolvedEventBusOptions,
} from './event-bus-options';
import { EventBusLifecycleService } from './event-bus-lifecycle.service';
import { BUS_CONNECTION, EVENT_BUS_OPTIONS, type BusConnection } from './event-bus.tokens';
import { EventHandlerDiscoveryService } from './event-handler-discovery.service';
import { ManagedJobQueues } from './managed-job-queues';
import { nestBusLogger } from './nest-bus-logger';

export interface EventBusModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  /** Tokens given to `useFactory`, e.g. `[APP_CONFIG]`. */
  inject?: FactoryProvider['inject'];
  useFactory: (...args: never[]) => EventBusModuleOptions | Promise<EventBusModuleOptions>;
}

type Options = ResolvedEventBusOptions;

const providers: Provider[] = [
  {
    provide: BUS_CONNECTION,
    inject: [EVENT_BUS_OPTIONS, APP_CONFIG],
    useFactory: (o: Options, config: BaseConfig): BusConnection => ({
      url: o.redisUrl ?? config.REDIS_URL,
      prefix: o.prefix ?? config.FILLWIRE_PREFIX,
    }),
  },
  {
    provide: EventEngine,
    inject: [EVENT_BUS_OPTIONS],
    useFactory: (o: Options) =>
      new EventEngine<FillwireEventMap>({ ...o.engine, logger: nestBusLogger('EventEngine') }),
  },
  {
    provide: EngineDelivery,
    inject: [EventEngine],
    useFactory: (engine: EventEngine<FillwireEventMap>) => new EngineDelivery(engine),
  },
  {
    provide: EventPublisher,
    inject: [EVENT_BUS_OPTIONS, BUS_CONNECTION, MetricsService],
    useFactory: (o: Options, c: BusConnection, metrics: MetricsService) =>
      new EventPublisher({ ...c, registry: metrics.registry, retention: o.retention }),
  },
  {
    provide: EventBusBridge,
    inject: [EVENT_BUS_OPTIONS, EngineDelivery, EventPublisher],
    useFactory: (o: Options, delivery: EngineDelivery, publisher: EventPublisher) =>
      new EventBusBridge(delivery.bridgeEngine, publisher, {
        busBound: { types: o.publishTypes },
        logger: nestBusLogger('EventBusBridge'),
      }),
  },
  {
    provide: EventConsumer,
    inject: [EVENT_BUS_OPTIONS, BUS_CONNECTION, EventBusBridge, EngineDelivery, MetricsService],
    useFactory: (
      o: Options,
      c: BusConnection,
      bridge: EventBusBridge,
      delivery: EngineDelivery,
      metrics: MetricsService,
    ): EventConsumer | null =>
      o.consume
        ? new EventConsumer({
            ...c,
            ...o.consume.settings,
            group: o.consume.group,
            filter: o.consume.filter,
            handler: delivery.consumerHandler(bridge.handler),
            registry: metrics.registry,
            logger: nestBusLogger('EventConsumer'),
          })
        : null,
  },
  {
    provide: JobQueues,
    inject: [BUS_CONNECTION, MetricsService],
    useFactory: (c: BusConnection, metrics: MetricsService) =>
      new ManagedJobQueues({ ...c, registry: metrics.registry, logger: nestBusLogger('JobQueues') }),
  },
  {
    provide: BusAdminService,
    inject: [EVENT_BUS_OPTIONS, BUS_CONNECTION, JobQueues],
    useFactory: (o: Options, c: BusConnection, jobs: JobQueues) =>
      new BusAdminService({ ...c, jobs, retention: o.retention }),
  },
  {
    provide: LagMonitor,
    inject: [EVENT_BUS_OPTIONS, BUS_CONNECTION, MetricsService],
    useFactory: (o: Options, c: BusConnection, metrics: MetricsService) =>
      new LagMonitor({
        ...c,
        retention: o.retention,
        registry: metrics.registry,
        logger: nestBusLogger('LagMonitor'),
      }),
  },
  AdminTokenGuard,
  EventHandlerDiscoveryService,
  EventBusLifecycleService,
];

const exported = [
  EVENT_BUS_OPTIONS,
  EventEngine,
  EventPublisher,
  EventBusBridge,
  EventConsumer,
  JobQueues,
  BusAdminService,
  LagMonitor,
];

/**
 * The bus for one service, global: inject `EventEngine` (register handlers; put events),
 * `EventPublisher`, `JobQueues`, `BusAdminService`, `LagMonitor` anywhere. Needs ObservabilityModule
 * (bootService adds it) for APP_CONFIG, metrics and readiness. See nest/README.md.
 */
@Global()
@Module({})
export class EventBusModule {
  static forRoot(options: EventBusModuleOptions): DynamicModule {
    const resolved = resolveEventBusOptions(options);
    return EventBusModule.build([], { provide: EVENT_BUS_OPTIONS, useValue: resolved });
  }

  /** Options from a factory, e.g. `{ inject: [APP_CONFIG], useFactory: (config) => ({ … }) }`. */
  static forRootAsync(options: EventBusModuleAsyncOptions): DynamicModule {
    return EventBusModule.build(options.imports ?? [], {
      provide: EVENT_BUS_OPTIONS,
      inject: options.inject ?? [],
      useFactory: async (...args: never[]) => resolveEventBusOptions(await options.useFactory(...args)),
    });
  }

  private static build(
    imports: NonNullable<ModuleMetadata['imports']>,
    optionsProvider: Provider,
  ): DynamicModule {
    return {
      module: EventBusModule,
      global: true,
      imports: [DiscoveryModule, ...imports],
      controllers: [DeadLetterController],
      providers: [optionsProvider, ...providers],
      exports: exported,
    };
  }
}
