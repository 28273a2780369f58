import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { EventEngine } from '@fillwire/event-engine';
import { MetricsService, ReadinessRegistry } from '@fillwire/observability';
import { errorMessage } from '../bus-logger';
import { BusAdminService } from '../bus-admin.service';
import { EventBusBridge } from '../event-bus-bridge';
import { EventConsumer } from '../event-consumer';
import { EventPublisher } from '../event-publisher';
import { JobQueues } from '../job-queues';
import { LagMonitor } from '../lag-monitor';
import type { FillwireEventMap, ResolvedEventBusOptions } from './event-bus-options';
import { EVENT_BUS_OPTIONS } from './event-bus.tokens';
import { EventHandlerDiscoveryService } from './event-handler-discovery.service';
import { unhandledTypes } from './handler-coverage';
import { ManagedJobQueues } from './managed-job-queues';

/** How long boot waits for Redis before going on without it (Redis down must not block boot). */
const JOIN_WAIT_MS = 3000;

/**
 * Starts and stops the bus in the right order.
 *
 * Boot (after every module's onModuleInit): `@OnEvent` handlers registered, the handler check,
 * engine, bridge, publisher connection, queues, lag monitor, then the consumer joins its group.
 * Shutdown: stop consuming and drain the bus handlers in flight (onModuleDestroy, before the HTTP
 * server closes); once HTTP is closed (onApplicationShutdown): job workers finish their active jobs,
 * the engine drains what is queued (bus-bound events are still published), then queues, admin and
 * publisher connections close. Every wait is bounded by `drainTimeoutMs`.
 */
@Injectable()
export class EventBusLifecycleService
  implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  private readonly logger = new Logger('EventBus');
  private joined = false;
  private stopping = false;
  private joining?: Promise<void>;
  private removeReadiness?: () => void;

  constructor(
    @Inject(EVENT_BUS_OPTIONS) private readonly options: ResolvedEventBusOptions,
    private readonly engine: EventEngine<FillwireEventMap>,
    private readonly publisher: EventPublisher,
    private readonly bridge: EventBusBridge,
    @Inject(EventConsumer) private readonly consumer: EventConsumer | null,
    @Inject(JobQueues) private readonly jobs: ManagedJobQueues,
    private readonly admin: BusAdminService,
    private readonly lagMonitor: LagMonitor,
    private readonly readiness: ReadinessRegistry,
    private readonly metrics: MetricsService,
    private readonly discovery: EventHandlerDiscoveryService,
  ) {}

  onModuleInit(): void {
    const found = this.discovery.registerAll(this.engine);
    if (found.size) this.logger.log({ handlers: Object.fromEntries(found) }, '@OnEvent handlers registered');
    this.removeReadiness = this.readiness.register('event-bus', () => this.check());
    this.registerEngineMetrics();
  }

  async onApplicationBootstrap(): Promise<void> {
    const consume = this.options.consume;
    if (consume) {
      const missing = unhandledTypes(this.engine.stats(), consume.types, consume.all);
      if (missing.length)
        throw new Error(
          `${this.options.service} consumes event types with no handler registered: ${missing.join(', ')}. ` +
            'Register one (engine.register or @OnEvent) in a constructor or onModuleInit, or stop consuming the type.',
        );
    }
    // Joining the group and connecting the publisher share one bounded wait.
    const joining = this.consumer ? this.join(this.consumer) : undefined;
    // Connected before the engine forwards anything (a fail-fast publish while connecting would
    // fail), but bounded: ioredis' first connect() does not settle while Redis is down.
    const connecting = this.publisher.connect(JOIN_WAIT_MS).catch((err: unknown) => {
      this.logger.warn({ err: errorMessage(err) }, 'event bus publisher not connected yet; retrying');
    });
    if (!(await within(connecting, JOIN_WAIT_MS)))
      this.logger.warn('event bus not reachable yet; publishing fails until it is');
    this.engine.start();
    this.bridge.start();
    for (const queue of this.options.queues) this.jobs.queue(queue);
    if (this.options.lagIntervalMs > 0) {
      this.lagMonitor.start(this.options.lagIntervalMs);
      this.lagMonitor
        .check()
        .catch((err: unknown) => this.logger.warn({ err: errorMessage(err) }, 'event bus lag check failed'));
    }
    await joining;
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.lagMonitor.close();
    if (this.consumer) {
      // Resolves once the handlers in flight are done and acked (entries read but not handled stay
      // pending for another replica). With Redis gone nothing can be acked, and the consumer's own
      // close takes seconds to give up on it: it finishes in the background instead.
      const drain = this.options.drainTimeoutMs;
      const reachable = await this.reachable();
      if (!(await within(this.consumer.close(drain), reachable ? drain + 3000 : 1000)))
        this.logger.warn({ group: this.consumer.group }, 'event consumer still closing; going on');
      await within(this.joining, 1000);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // With Redis gone nothing in flight can complete; waiting would only delay the exit.
    const reachable = await this.reachable();
    const budget = reachable ? this.options.drainTimeoutMs : 500;
    if (!(await within(this.jobs.closeWorkers(), budget))) {
      this.logger.warn(
        { budgetMs: budget },
        'job workers still busy at shutdown; their jobs will be retried',
      );
      await within(this.jobs.closeWorkers(true), 1000);
    }
    if (!(await within(this.engine.stop({ drain: true }), budget))) {
      this.logger.warn({ queued: this.engine.stats().queued }, 'engine did not drain in time; stopping it');
      void this.engine.stop();
    }
    this.bridge.stop();
    await within(this.jobs.close(), reachable ? budget : 1000);
    await this.admin.close();
    await this.publisher.close();
    this.removeReadiness?.();
  }

  private async join(consumer: EventConsumer): Promise<void> {
    this.joining = consumer.start().then(
      () => {
        this.joined = true;
        this.logger.log({ group: consumer.group, consumer: consumer.name }, 'consuming events');
      },
      (err: unknown) =>
        this.logger.error(
          { group: consumer.group, err: errorMessage(err) },
          'event consumer failed to start',
        ),
    );
    if (!(await within(this.joining, JOIN_WAIT_MS)))
      this.logger.warn(
        { group: consumer.group },
        'event bus not reachable yet; joining the group in the background',
      );
  }

  /** Whether the bus answers now (the publisher's connection is up), decided within half a second. */
  private reachable(): Promise<boolean> {
    const connected = this.publisher.connect(300).then(
      () => true,
      () => false,
    );
    return valueWithin(connected, 500, false);
  }

  private async check(): Promise<string | undefined> {
    if (this.stopping) return 'shutting down';
    await this.publisher.connect(1000);
    if (this.consumer && !this.joined) return `consumer group ${this.consumer.group} not joined yet`;
    return undefined;
  }

  private registerEngineMetrics(): void {
    const engine = this.engine;
    this.metrics.gauge({
      name: 'fillwire_engine_queued_events',
      help: 'Events queued in the in-process engine, per priority',
      labelNames: ['priority'],
      collect() {
        const { queued } = engine.stats();
        this.set({ priority: 'critical' }, queued.critical);
        this.set({ priority: 'normal' }, queued.normal);
        this.set({ priority: 'low' }, queued.low);
      },
    });
    this.metrics.gauge({
      name: 'fillwire_engine_in_flight_handlers',
      help: 'Async engine handler calls not yet settled',
      collect() {
        this.set(engine.stats().inFlight);
      },
    });
    this.metrics.gauge({
      name: 'fillwire_engine_dead_letters_events',
      help: 'Failed engine handler calls kept in the engine dead-letter list',
      collect() {
        this.set(engine.stats().deadLetters);
      },
    });
  }
}

/** True when `promise` settled within `ms`; never rejects. */
function within(promise: Promise<unknown> | undefined, ms: number): Promise<boolean> {
  const settled = Promise.resolve(promise).then(
    () => true,
    () => true,
  );
  return valueWithin(settled, ms, false);
}

/** What `promise` resolves to, or `late` if that takes longer than `ms`. */
async function valueWithin<T>(promise: Promise<T>, ms: number, late: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(late), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
