import { Inject, Injectable } from '@nestjs/common';
import { JobQueues, jobId, OnEvent } from '@fillwire/event-bus';
import type { EventEnvelope, OrderNotification } from '@fillwire/events';
import { APP_CONFIG } from '@fillwire/observability';
import type { JobsOptions } from 'bullmq';
import { IdentityAuthenticatorService } from '../auth/identity-authenticator.service';
import { kafkaEnabled, type NotifierConfig } from '../config/notifier-config.schema';
import { KAFKA_EVENT_NAMES, toEsbEnvelope } from './esb-envelope';
import { SINK_QUEUES, type KafkaJob, type TelegramJob, type WebhookJob } from './sink-jobs';
import { SinkSettingsRepository } from './sink-settings.repository';

/** The bus events the sinks consume (group `notifier-sinks`: one replica handles each event). */
export const SINK_EVENT_TYPES = [
  'order.placed',
  'order.updated',
  'order.rejected',
  'order.reconciled',
  'order.notification',
  'trade.executed',
  'position.updated',
  'analyzer.updated',
  'system.master-contract-downloaded',
  'auth.password-changed',
] as const;

/**
 * Turns each event into delivery jobs for Kafka, webhooks and Telegram. Job ids come from the
 * event id, so a redelivered event (a replica died before acking) adds no second job; retries with
 * backoff and the failed set (dead letters) are BullMQ's.
 */
@Injectable()
export class SinkRouterService {
  private readonly jobOptions: JobsOptions;

  constructor(
    @Inject(APP_CONFIG) private readonly config: NotifierConfig,
    private readonly jobs: JobQueues,
    private readonly settings: SinkSettingsRepository,
    private readonly identity: IdentityAuthenticatorService,
  ) {
    this.jobOptions = {
      attempts: config.SINK_RETRY_ATTEMPTS,
      backoff: { type: 'exponential', delay: config.SINK_RETRY_DELAY },
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: false,
    };
  }

  @OnEvent(...SINK_EVENT_TYPES)
  async route(envelope: EventEnvelope): Promise<void> {
    const userId =
      envelope.userId ?? (envelope.accountId ? await this.identity.ownerOf(envelope.accountId) : null);
    const esb = toEsbEnvelope(envelope, userId);
    if (!esb) return;
    if (kafkaEnabled(this.config) && KAFKA_EVENT_NAMES.has(esb.event_type)) {
      const job: KafkaJob = { key: userId, value: esb, receivedAt: envelope.receivedAt };
      await this.jobs.queue<KafkaJob>(SINK_QUEUES.kafka).add('deliver', job, {
        ...this.jobOptions,
        jobId: jobId('kafka', envelope.id),
      });
    }
    if (!userId) return;
    const settings = await this.settings.get(userId);
    if (settings?.webhook?.events.includes(esb.event_type)) {
      const job: WebhookJob = { userId, body: esb, receivedAt: envelope.receivedAt };
      await this.jobs.queue<WebhookJob>(SINK_QUEUES.webhook).add('deliver', job, {
        ...this.jobOptions,
        jobId: jobId('webhook', userId, envelope.id),
      });
    }
    if (settings?.telegram && envelope.type === 'order.notification') {
      const note = envelope.data as OrderNotification;
      const job: TelegramJob = {
        userId,
        chatId: settings.telegram.chatId,
        text: telegramText(note),
        receivedAt: envelope.receivedAt,
      };
      await this.jobs.queue<TelegramJob>(SINK_QUEUES.telegram).add('deliver', job, {
        ...this.jobOptions,
        jobId: jobId('telegram', userId, envelope.id),
      });
    }
  }
}

function telegramText(note: OrderNotification): string {
  const mark = note.level === 'error' ? '⛔' : note.level === 'warning' ? '⚠️' : 'ℹ️';
  return `${mark} ${note.message}${note.accountId ? ` (${note.accountId})` : ''}`;
}
