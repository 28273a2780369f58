import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '@fillwire/observability';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import type { NotifierConfig } from '../config/notifier-config.schema';

/**
 * kafkajs producer, connected on first use. Retries are BullMQ's (jobs wait while Kafka is down),
 * so kafkajs gives up fast; a failed send drops the connection so the next attempt starts clean.
 */
@Injectable()
export class KafkaProducerAdapter implements OnApplicationShutdown {
  private readonly kafka: Kafka;
  private producer?: Promise<Producer>;
  private readonly timeout: number;

  constructor(@Inject(APP_CONFIG) config: NotifierConfig) {
    this.timeout = config.KAFKA_TIMEOUT;
    this.kafka = new Kafka({
      clientId: config.KAFKA_CLIENT_ID,
      brokers: config.KAFKA_BROKERS,
      connectionTimeout: config.KAFKA_TIMEOUT,
      requestTimeout: config.KAFKA_TIMEOUT,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    });
  }

  async send(topic: string, messages: { key: string | null; value: string }[]): Promise<void> {
    const producer = await this.connected();
    try {
      await producer.send({ topic, messages, acks: -1, timeout: this.timeout });
    } catch (err) {
      await this.reset();
      throw err;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.reset();
  }

  private connected(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = this.kafka.producer({
        allowAutoTopicCreation: true,
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: { retries: 0 },
      });
      try {
        await producer.connect();
      } catch (err) {
        this.producer = undefined;
        throw err;
      }
      return producer;
    })();
    return this.producer;
  }

  private async reset(): Promise<void> {
    const pending = this.producer;
    this.producer = undefined;
    const producer = await pending?.catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
  }
}
