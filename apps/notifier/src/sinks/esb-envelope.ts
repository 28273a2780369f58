import { openAlgoEventName, type EventEnvelope, type EventType } from '@fillwire/events';

/** Event names exported to Kafka (seed 002's ESB list). */
export const KAFKA_EVENT_NAMES: ReadonlySet<string> = new Set([
  'order_event',
  'order_update',
  'order_notification',
  'analyzer_update',
  'master_contract_download',
  'password_change',
]);

/** Names a user may pick for their webhook; `order_notification` by default. */
export const WEBHOOK_EVENT_NAMES = [...KAFKA_EVENT_NAMES, 'trade_update', 'position_update'] as const;

/** The envelope agreed with the ESB team (architecture brief), as Kafka message value. */
export interface EsbEnvelope {
  event_type: string;
  /** ISO-8601 time the source produced the event. */
  timestamp: string;
  user_id: string | null;
  source: string;
  data: unknown;
  /** Fillwire's event id: consumers dedupe on it (delivery is at least once). */
  event_id: string;
}

export function esbEventName(envelope: EventEnvelope): string | null {
  return openAlgoEventName(envelope.type as EventType);
}

export function toEsbEnvelope(envelope: EventEnvelope, userId: string | null): EsbEnvelope | null {
  const name = esbEventName(envelope);
  if (!name) return null;
  return {
    event_type: name,
    timestamp: new Date(envelope.ts).toISOString(),
    user_id: userId,
    source: envelope.source,
    data: envelope.data,
    event_id: envelope.id,
  };
}
