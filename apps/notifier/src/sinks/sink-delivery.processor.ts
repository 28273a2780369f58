import { createHmac } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { JobQueues } from '@fillwire/event-bus';
import { APP_CONFIG, MetricsService } from '@fillwire/observability';
import axios from 'axios';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Histogram } from 'prom-client';
import { kafkaEnabled, type NotifierConfig } from '../config/notifier-config.schema';
import { KafkaProducerAdapter } from './kafka-producer.adapter';
import { SINK_QUEUES, type KafkaJob, type SinkName, type TelegramJob, type WebhookJob } from './sink-jobs';
import { SinkSettingsRepository } from './sink-settings.repository';

export const SIGNATURE_HEADER = 'x-fillwire-signature';

/** `sha256=<hex>` over the exact bytes sent, keyed with the user's webhook secret. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Workers of the three sink queues. A thrown error is a failed attempt: BullMQ retries it with backoff. */
@Injectable()
export class SinkDeliveryProcessor implements OnModuleInit {
  private readonly logger = new Logger(SinkDeliveryProcessor.name);
  private readonly latency: Histogram<'sink'>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: NotifierConfig,
    private readonly jobs: JobQueues,
    private readonly kafka: KafkaProducerAdapter,
    private readonly settings: SinkSettingsRepository,
    metrics: MetricsService,
  ) {
    this.latency = metrics.histogram({
      name: 'fillwire_notifier_sink_delivery_latency_seconds',
      help: 'From first receipt of an event to its delivery by a sink (retries included)',
      labelNames: ['sink'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
    });
    const queues = this.jobs;
    metrics.gauge({
      name: 'fillwire_notifier_sink_lag_jobs',
      help: 'Deliveries not done yet (waiting, delayed for a retry, or running), by sink',
      labelNames: ['sink'],
      async collect() {
        for (const [sink, name] of Object.entries(SINK_QUEUES)) {
          const counts = await queues
            .queue(name)
            .getJobCounts('waiting', 'delayed', 'active', 'prioritized')
            .catch(() => null);
          if (counts)
            this.set(
              { sink },
              Object.values(counts).reduce((a, b) => a + b, 0),
            );
        }
      },
    });
  }

  onModuleInit(): void {
    if (kafkaEnabled(this.config)) {
      this.jobs.worker<KafkaJob>(SINK_QUEUES.kafka, (job) => this.deliverKafka(job), { concurrency: 16 });
    }
    this.jobs.worker<WebhookJob>(SINK_QUEUES.webhook, (job) => this.deliverWebhook(job), { concurrency: 16 });
    this.jobs.worker<TelegramJob>(SINK_QUEUES.telegram, (job) => this.deliverTelegram(job), {
      concurrency: 4,
    });
  }

  private async deliverKafka(job: Job<KafkaJob>): Promise<void> {
    const { key, value } = job.data;
    await this.kafka.send(this.config.KAFKA_ORDER_EVENTS_TOPIC, [{ key, value: JSON.stringify(value) }]);
    this.observe('kafka', job.data.receivedAt);
  }

  private async deliverWebhook(job: Job<WebhookJob>): Promise<void> {
    const settings = await this.settings.get(job.data.userId);
    // Removed since it was queued: nothing to deliver to, and no retry will change that.
    if (!settings?.webhook) throw new UnrecoverableError('webhook no longer configured');
    const body = JSON.stringify(job.data.body);
    const response = await axios.post(settings.webhook.url, body, {
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: webhookSignature(settings.webhook.secret, body),
        'x-fillwire-event': job.data.body.event_type,
        'x-fillwire-delivery': job.data.body.event_id,
      },
      timeout: 10_000,
      validateStatus: () => true,
      maxRedirects: 0,
    });
    if (response.status < 200 || response.status >= 300) {
      throw new Error(`webhook answered HTTP ${response.status}`);
    }
    this.observe('webhook', job.data.receivedAt);
  }

  private async deliverTelegram(job: Job<TelegramJob>): Promise<void> {
    const token = this.config.TELEGRAM_BOT_TOKEN;
    if (!token) throw new UnrecoverableError('TELEGRAM_BOT_TOKEN is not set');
    const url = `${this.config.TELEGRAM_API_URL.replace(/\/$/, '')}/bot${token}/sendMessage`;
    const response = await axios.post(
      url,
      { chat_id: job.data.chatId, text: job.data.text },
      { timeout: 10_000, validateStatus: () => true },
    );
    const ok = (response.data as { ok?: boolean } | undefined)?.ok === true;
    if (response.status !== 200 || !ok) {
      // The bot API's 400/403 (wrong chat, bot blocked) will not heal by retrying.
      const message = `telegram answered HTTP ${response.status}`;
      if (response.status === 400 || response.status === 403) throw new UnrecoverableError(message);
      throw new Error(message);
    }
    this.observe('telegram', job.data.receivedAt);
  }

  private observe(sink: SinkName, receivedAt: number): void {
    this.latency.observe(
      { sink },
      Math.max(0, performance.timeOrigin + performance.now() - receivedAt) / 1000,
    );
    this.logger.debug({ sink }, 'delivered');
  }
}
