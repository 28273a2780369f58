import type { z } from 'zod';
import {
  BrokerSchema,
  EnvelopeSchema,
  type Broker,
  type Channel,
  type EventEnvelope,
  type EventSource,
} from './envelope.schema';
import { EVENT_CATALOGUE, isEventType, type EventMap, type EventType } from './event-catalogue';
import { EnvelopeError } from './envelope-error';
import {
  newEventId,
  orderReconciledEventId,
  orderTerminalEventId,
  orderUpdateEventId,
  tradeEventId,
} from './event-id';

/** An envelope whose `type` narrows `data`: `switch (e.type) { case 'order.updated': e.data.order ... }`. */
export type TypedEnvelope<K extends EventType = EventType> = {
  [P in K]: Omit<EventEnvelope<EventMap[P]>, 'type'> & { type: P };
}[K];

/** A type and its payload, narrowed together. */
export type TypedEvent<K extends EventType = EventType> = { [P in K]: { type: P; data: EventMap[P] } }[K];

export interface EnvelopeMeta {
  source: EventSource;
  channel?: Channel;
  userId?: string;
  /** Defaults to the payload's account/broker/order id where it has them. */
  accountId?: string;
  broker?: Broker;
  key?: string;
  /** Defaults: deterministic for broker updates (see `eventIdFor`), a ULID otherwise. */
  id?: string;
  /** When the source produced it; defaults to now. */
  ts?: number;
  /** When Fillwire first saw it (pass the gateway's receipt time through); defaults to now. */
  receivedAt?: number;
}

/** Epoch ms with a sub-millisecond fraction. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * The id an event gets when the producer gives none: derived from broker content for broker
 * updates and once-per-order facts (so channels, replicas and retries collapse), a ULID otherwise.
 */
export function eventIdFor(event: TypedEvent): string {
  switch (event.type) {
    case 'order.updated':
      return orderUpdateEventId(event.data.order);
    case 'order.reconciled':
      return orderReconciledEventId(event.data.order);
    case 'order.filled':
      return orderTerminalEventId('filled', event.data.order);
    case 'order.cancelled':
      return orderTerminalEventId('cancelled', event.data.order);
    case 'trade.executed':
      return tradeEventId(event.data);
    default:
      return newEventId();
  }
}

interface Routing {
  accountId?: string;
  broker?: Broker;
  key?: string;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const record = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;

/** Envelope routing fields read from the payload, so producers cannot forget them. */
function routingOf(data: unknown): Routing {
  const d = record(data) ?? {};
  const owner = record(d.order) ?? record(d.intent) ?? d;
  const broker = BrokerSchema.safeParse(owner.broker);
  return {
    accountId: text(owner.accountId),
    broker: broker.success ? broker.data : undefined,
    key: text(owner.brokerOrderId),
  };
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

export interface CreateEnvelopeOptions {
  /**
   * The caller validated `data` against the schema of `type` just now (a gateway's normalizer
   * output, already checked against CanonicalOrderSchema): skip that second pass on the hot path.
   * The envelope fields are still checked. Never set it for data from outside the process.
   */
  trustedData?: boolean;
}

/** Envelopes built (and checked) by createEnvelope, so the publisher need not check them again. */
const checkedEnvelopes = new WeakSet<object>();

/**
 * True for an envelope object returned by createEnvelope (checked when built; envelopes are not
 * mutated after that by convention). A publisher may skip re-validating these; anything else
 * (parsed JSON, hand-built objects) must be validated at the bus boundary.
 */
export function isCheckedEnvelope(value: unknown): boolean {
  return typeof value === 'object' && value !== null && checkedEnvelopes.has(value);
}

/** Build an envelope; `data` is validated against the current schema of `type`. Throws EnvelopeError. */
export function createEnvelope<K extends EventType>(
  type: K,
  data: EventMap[K],
  meta: EnvelopeMeta,
  options: CreateEnvelopeOptions = {},
): TypedEnvelope<K> {
  const entry = EVENT_CATALOGUE[type];
  let payload: unknown = data;
  if (!options.trustedData) {
    const parsed = entry.schema.safeParse(data);
    if (!parsed.success) {
      throw new EnvelopeError(
        'invalid-data',
        `${type} v${entry.version}: invalid data`,
        describeIssues(parsed.error),
      );
    }
    payload = parsed.data;
  }
  const event = { type, data: payload } as TypedEvent;
  const routing = routingOf(payload);
  const now = preciseNow();
  const candidate = {
    id: meta.id ?? eventIdFor(event),
    type,
    version: entry.version,
    ts: meta.ts ?? Math.floor(now),
    receivedAt: meta.receivedAt ?? now,
    source: meta.source,
    channel: meta.channel,
    userId: meta.userId,
    accountId: meta.accountId ?? routing.accountId,
    broker: meta.broker ?? routing.broker,
    key: meta.key ?? routing.key,
  };
  const checked = EnvelopeSchema.safeParse({ ...candidate, data: payload });
  if (!checked.success) {
    throw new EnvelopeError('invalid-envelope', `${type}: invalid envelope`, describeIssues(checked.error));
  }
  const envelope = stripUndefined({ ...checked.data, type, data: payload }) as TypedEnvelope<K>;
  checkedEnvelopes.add(envelope);
  return envelope;
}

function stripUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const key in value) if (value[key] !== undefined) out[key] = value[key];
  return out as T;
}

/**
 * Read an envelope from the bus (object or JSON text). A consumer accepts exactly the versions
 * its catalogue knows; anything else is an EnvelopeError with a reason a dead-letter entry can show.
 */
export function parseEnvelope(input: unknown): TypedEnvelope {
  let raw = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch (error) {
      throw new EnvelopeError('not-json', `envelope is not JSON: ${(error as Error).message}`);
    }
  }
  const envelope = EnvelopeSchema.safeParse(raw);
  if (!envelope.success) {
    throw new EnvelopeError('invalid-envelope', 'invalid envelope', describeIssues(envelope.error));
  }
  const { type, version } = envelope.data;
  if (!isEventType(type)) {
    throw new EnvelopeError('unknown-type', `unknown event type "${type}"`);
  }
  const entry = EVENT_CATALOGUE[type];
  if (version !== entry.version) {
    throw new EnvelopeError(
      'unsupported-version',
      `${type} v${version} is not supported here (this consumer knows v${entry.version})`,
    );
  }
  const data = entry.schema.safeParse(envelope.data.data);
  if (!data.success) {
    throw new EnvelopeError('invalid-data', `${type} v${version}: invalid data`, describeIssues(data.error));
  }
  return { ...envelope.data, type, data: data.data } as TypedEnvelope;
}

export type ParseEnvelopeResult = { ok: true; envelope: TypedEnvelope } | { ok: false; error: EnvelopeError };

/** parseEnvelope without throwing, for consumers that dead-letter bad entries. */
export function safeParseEnvelope(input: unknown): ParseEnvelopeResult {
  try {
    return { ok: true, envelope: parseEnvelope(input) };
  } catch (error) {
    if (error instanceof EnvelopeError) return { ok: false, error };
    throw error;
  }
}
