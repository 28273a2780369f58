import { z } from 'zod';
import { baseConfigShape, demoKeysEnvShape, envList, envPort } from '@fillwire/config';

export const ORDER_EVENT_MODES = ['websocket', 'kafka', 'both'] as const;

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
      .transform((v) => v?.trim() || 'fillwire.order-events'),
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
  });
export type NotifierConfig = z.infer<typeof NotifierConfigSchema>;
