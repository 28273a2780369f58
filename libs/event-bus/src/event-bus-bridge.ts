import type { EventEnvelope } from '@fillwire/events';
import { errorMessage, silentLogger, type BusLogger } from './bus-logger';
import type { EventHandler } from './event-consumer';
import { compileFilter, type EventFilter } from './event-filter';
import type { PublishResult } from './event-publisher';

/**
 * The least the bridge needs from an in-process engine; @fillwire/event-engine's EventEngine fits.
 * `put` returning false means the event was dropped (queue full).
 */
export interface BridgeEngine {
  put(event: EventEnvelope): boolean | void;
  registerGeneral(handler: (event: { type: string; data: unknown }) => void | Promise<void>): void;
  unregisterGeneral(handler: (event: { type: string; data: unknown }) => void | Promise<void>): void;
  /** When present, the bridge acks a bus event only after the local handlers are done with it. */
  idle?(): Promise<void>;
}

export interface BridgePublisher {
  publish(envelope: EventEnvelope): Promise<PublishResult>;
}

/**
 * Joins a service's local engine to the bus, so handlers never know which transport delivered an
 * event: a general handler forwards bus-bound types from the engine to the bus, and `handler` (give
 * it to an EventConsumer) puts events consumed from the bus into the engine.
 *
 * Events that came from the bus are never forwarded back (tracked by object identity; a middleware
 * that replaces the object would cause a re-publish, which the publish dedup then drops).
 */
export class EventBusBridge {
  /** Pass to `new EventConsumer({ handler })`. */
  readonly handler: EventHandler;
  private readonly fromBus = new WeakSet<object>();
  private readonly busBound: (event: EventEnvelope) => boolean;
  private readonly logger: BusLogger;
  private readonly forward = async (event: { type: string; data: unknown }): Promise<void> => {
    if (this.fromBus.has(event) || !isEnvelope(event) || !this.busBound(event)) return;
    try {
      await this.publisher.publish(event);
    } catch (err) {
      // Rethrown: the engine isolates it, counts it and keeps the event in its dead-letter list.
      this.logger.error(
        { eventId: event.id, type: event.type, err: errorMessage(err) },
        'could not forward event to the bus',
      );
      throw err;
    }
  };

  constructor(
    private readonly engine: BridgeEngine,
    private readonly publisher: BridgePublisher,
    opts: {
      /** Which local events go on the bus, e.g. `{ types: ['order.*', 'trade.executed'] }`; none when omitted. */
      busBound?: EventFilter;
      logger?: BusLogger;
    } = {},
  ) {
    const matches = compileFilter(opts.busBound);
    this.busBound = opts.busBound?.types?.length ? matches : () => false;
    this.logger = opts.logger ?? silentLogger;
    this.handler = async (envelope) => {
      this.fromBus.add(envelope);
      // A full queue must not ack the entry: throwing leaves it pending for a retry.
      if (this.engine.put(envelope) === false)
        throw new Error(`local engine refused ${envelope.type} ${envelope.id}: queue full`);
      await this.engine.idle?.();
    };
  }

  start(): void {
    this.engine.registerGeneral(this.forward);
  }

  stop(): void {
    this.engine.unregisterGeneral(this.forward);
  }

  /** Publishes straight to the bus and awaits it, for producers that must know (e.g. to answer a postback). */
  publish(envelope: EventEnvelope): Promise<PublishResult> {
    return this.publisher.publish(envelope);
  }
}

function isEnvelope(event: { type: string; data: unknown }): event is EventEnvelope {
  const e = event as Partial<EventEnvelope>;
  return typeof e.id === 'string' && typeof e.receivedAt === 'number' && typeof e.version === 'number';
}
