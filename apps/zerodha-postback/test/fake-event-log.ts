import type { PublishResult } from '@fillwire/event-bus';
import type { EventEnvelope } from '@fillwire/events';

/** An in-memory stand-in for the event log with the bus's idempotency by id (unit tests only). */
export class FakeEventLog {
  readonly envelopes: EventEnvelope[] = [];
  down = false;
  private readonly ids = new Map<string, string>();

  publish(envelope: EventEnvelope): Promise<PublishResult> {
    if (this.down) return Promise.reject(new Error('bus down'));
    const existing = this.ids.get(envelope.id);
    if (existing) return Promise.resolve({ entryId: existing, duplicate: true });
    const entryId = `${this.envelopes.length + 1}-0`;
    this.ids.set(envelope.id, entryId);
    this.envelopes.push(envelope);
    return Promise.resolve({ entryId, duplicate: false });
  }
}
