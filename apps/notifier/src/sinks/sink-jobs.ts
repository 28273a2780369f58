import type { EsbEnvelope } from './esb-envelope';

/** Queue names of the sinks (kebab-case, BullMQ under FILLWIRE_PREFIX). */
export const SINK_QUEUES = {
  kafka: 'notifier-kafka',
  webhook: 'notifier-webhook',
  telegram: 'notifier-telegram',
} as const;
export type SinkName = keyof typeof SINK_QUEUES;

export interface KafkaJob {
  key: string | null;
  value: EsbEnvelope;
  receivedAt: number;
}

export interface WebhookJob {
  userId: string;
  body: EsbEnvelope;
  receivedAt: number;
}

export interface TelegramJob {
  userId: string;
  chatId: string;
  text: string;
  receivedAt: number;
}
