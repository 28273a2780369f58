import { z } from 'zod';

/** Which service produced an event. */
export const EventSourceSchema = z.enum([
  'order-api',
  'zerodha-postback',
  'jainam-gateway',
  'portfolio-manager',
  'notifier',
  'paper',
  'cli',
  'test',
]);
export type EventSource = z.infer<typeof EventSourceSchema>;

/** The way a broker update reached us; `internal` for events we create ourselves. */
export const ChannelSchema = z.enum([
  'postback',
  'ticker',
  'socket',
  'polling',
  'reconciliation',
  'rest',
  'internal',
]);
export type Channel = z.infer<typeof ChannelSchema>;

export const BrokerSchema = z.enum(['zerodha', 'jainam', 'paper']);
export type Broker = z.infer<typeof BrokerSchema>;

/**
 * The envelope every event travels in, on the bus and in the log (see docs/events.md).
 * `data` is validated separately against the schema of `type`@`version`.
 */
export const EnvelopeSchema = z.object({
  /** Deterministic from the broker's content for broker updates, a ULID otherwise. */
  id: z.string().min(1).max(128),
  // `timer` (vn.py's in-process event) is the one name without a domain.
  type: z
    .string()
    .regex(/^[a-z]+(\.[a-z][a-z-]*)*$/, 'event type must be domain.entity[.action] in lowercase'),
  version: z.number().int().positive(),
  /** When the source produced it (broker/exchange time where known), epoch ms. */
  ts: z.number().finite(),
  /** When Fillwire first saw it, epoch ms with a sub-ms fraction. */
  receivedAt: z.number().finite(),
  source: EventSourceSchema,
  channel: ChannelSchema.optional(),
  userId: z.string().min(1).optional(),
  accountId: z.string().min(1).optional(),
  broker: BrokerSchema.optional(),
  /** Ordering key: the broker order id where there is one. */
  key: z.string().optional(),
  data: z.unknown(),
});
export type EventEnvelope<T = unknown> = Omit<z.infer<typeof EnvelopeSchema>, 'data'> & { data: T };
