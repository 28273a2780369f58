import type { DeliveryReport } from '@fillwire/event-engine';
import type { EventEnvelope } from '@fillwire/events';
import { errorMessage } from '../bus-logger';
import type { EventHandler } from '../event-consumer';
import type { BridgeEngine } from '../event-bus-bridge';

/** The engine calls the bridge needs, plus `putAndWait` to learn how an event's handlers did. */
export interface AwaitableEngine {
  putAndWait(event: EventEnvelope): Promise<DeliveryReport>;
  registerGeneral: BridgeEngine['registerGeneral'];
  unregisterGeneral: BridgeEngine['unregisterGeneral'];
}

type Outcome = { report: DeliveryReport } | { error: unknown };

/**
 * Makes a bus entry's fate follow its local handlers: the consumer acks it only once every engine
 * handler is done with it, and when one failed (or the queue refused it) the entry stays pending, is
 * retried and finally dead-lettered on the bus, where GET /admin/dlq shows it. The bridge's own
 * handler puts the event (and marks it as from the bus, so it is never forwarded back); `put` here
 * remembers the delivery report that `consumerHandler` then awaits.
 */
export class EngineDelivery {
  readonly bridgeEngine: BridgeEngine;
  private readonly pending = new Map<object, Promise<Outcome>>();

  constructor(engine: AwaitableEngine) {
    this.bridgeEngine = {
      put: (event) => {
        this.pending.set(
          event,
          engine.putAndWait(event).then(
            (report): Outcome => ({ report }),
            (error: unknown): Outcome => ({ error }),
          ),
        );
        return true;
      },
      registerGeneral: (handler) => engine.registerGeneral(handler),
      unregisterGeneral: (handler) => engine.unregisterGeneral(handler),
    };
  }

  /** Wraps the bridge's handler for the EventConsumer. */
  consumerHandler(bridgeHandler: EventHandler): EventHandler {
    return async (envelope, ctx) => {
      const take = (): Promise<Outcome> | undefined => {
        const found = this.pending.get(envelope);
        this.pending.delete(envelope);
        return found;
      };
      try {
        await bridgeHandler(envelope, ctx);
      } catch (err) {
        // Nothing may stay behind in the map.
        void take();
        throw err;
      }
      const outcome = take();
      if (!outcome) throw new Error(`${envelope.type} ${envelope.id} never reached the local engine`);
      const result = await outcome;
      if ('error' in result) throw result.error;
      const { report } = result;
      if (!report.accepted)
        throw new Error(`local engine refused ${envelope.type} ${envelope.id}: queue full`);
      if (report.errors.length === 1) throw report.errors[0];
      if (report.errors.length > 1)
        throw new Error(
          `${report.errors.length} handlers failed: ${report.errors.map(errorMessage).join('; ')}`,
        );
    };
  }
}
