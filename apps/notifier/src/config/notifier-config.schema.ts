import { z } from 'zod';
import {
  baseConfigShape,
  demoKeysEnvShape,
  envDurationMs,
  envInt,
  envList,
  envPort,
  envUrl,
} from '@fillwire/config';

export const ORDER_EVENT_MODES = ['websocket', 'kafka', 'both'] as const;
export type OrderEventMode = (typeof ORDER_EVENT_MODES)[number];

/** `socketio` is the seeds' name for the WebSocket mode; accepted and normalised. */
const orderEventMode = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? 'websocket' : v.trim().toLowerCase()))
  .transform((v) => (v === 'socketio' ? 'websocket' : v))
  .pipe(z.enum(ORDER_EVENT_MODES, { error: 'expected websocket, socketio, kafka or both' }));

const needsKafka = (mode: unknown): boolean => mode === 'kafka' || mode === 'both';

/** notifier pushes events to screens over WebSocket and, by ORDER_EVENT_MODE, to Kafka. */
export const NotifierConfigSchema = z
  .object({
    ...baseConfigShape,
    PORT: envPort(3001),
    ORDER_EVENT_MODE: orderEventMode,
    KAFKA_BROKERS: envList(),
    KAFKA_ORDER_EVENTS_TOPIC: z
      .string()
      .optional()
      // Unset = the default; set but empty (compose's `${VAR:-}`) is missing, which only kafka mode minds.
      .transform((v) => (v === undefined ? 'fillwire.order-events' : v.trim()))
      .pipe(
        z
          .string()
          .regex(/^$|^[A-Za-z0-9._-]{1,249}$/, 'expected a Kafka topic name (letters, digits, . _ -)'),
      ),
    KAFKA_CLIENT_ID: z
      .string()
      .optional()
      .transform((v) => v?.trim() || 'fillwire-notifier'),
    /** kafkajs connection and request timeout; a send that takes longer is a failed attempt, retried. */
    KAFKA_TIMEOUT: envDurationMs('10s', 100),
    /** A socket that has not authenticated by then is closed with 4401. */
    WS_AUTH_TIMEOUT: envDurationMs('5s', 50),
    /** Server pings this often; a client that has not answered the previous ping is dropped. */
    WS_HEARTBEAT_INTERVAL: envDurationMs('30s', 100),
    /** Bytes queued in a socket beyond which the client is too slow and is closed with 4408. */
    WS_MAX_BUFFERED_BYTES: envInt(1_048_576, 1024),
    /** Frames held for a client while it catches up from lastEventId, beyond which it is closed with 4408. */
    WS_MAX_QUEUED_FRAMES: envInt(10_000, 10),
    /** Frames a resume may replay before the client is sent a resync snapshot instead. */
    WS_MAX_REPLAY_EVENTS: envInt(100_000, 1),
    /** Telegram Bot API base URL; a local fake in tests. */
    TELEGRAM_API_URL: envUrl('https://api.telegram.org', ['http:', 'https:']),
    TELEGRAM_BOT_TOKEN: z
      .string()
      .optional()
      .transform((v) => v?.trim() || undefined),
    /** First retry delay of a sink delivery (Kafka, webhook, Telegram); doubles on every attempt. */
    SINK_RETRY_DELAY: envDurationMs('1s', 10),
    SINK_RETRY_ATTEMPTS: envInt(15, 1, 1000),
    ...demoKeysEnvShape,
  })
  // `when` keeps this rule running even when another variable is bad, so every problem is listed.
  .refine((c) => !needsKafka(c.ORDER_EVENT_MODE) || c.KAFKA_BROKERS.length > 0, {
    path: ['KAFKA_BROKERS'],
    message: 'is required when ORDER_EVENT_MODE is kafka or both (comma-separated host:port list)',
    when: (payload) => {
      const value = payload.value as { ORDER_EVENT_MODE?: unknown; KAFKA_BROKERS?: unknown } | undefined;
      return needsKafka(value?.ORDER_EVENT_MODE) && Array.isArray(value?.KAFKA_BROKERS);
    },
  })
  .refine((c) => !needsKafka(c.ORDER_EVENT_MODE) || c.KAFKA_ORDER_EVENTS_TOPIC !== '', {
    path: ['KAFKA_ORDER_EVENTS_TOPIC'],
    message:
      'is required when ORDER_EVENT_MODE is kafka or both (set it or leave it unset for fillwire.order-events)',
    when: (payload) => {
      const value = payload.value as
        { ORDER_EVENT_MODE?: unknown; KAFKA_ORDER_EVENTS_TOPIC?: unknown } | undefined;
      return needsKafka(value?.ORDER_EVENT_MODE) && typeof value?.KAFKA_ORDER_EVENTS_TOPIC === 'string';
    },
  });
export type NotifierConfig = z.infer<typeof NotifierConfigSchema>;

export function kafkaEnabled(config: Pick<NotifierConfig, 'ORDER_EVENT_MODE'>): boolean {
  return needsKafka(config.ORDER_EVENT_MODE);
}
