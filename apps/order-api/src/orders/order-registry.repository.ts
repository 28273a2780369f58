import { Inject, Injectable } from '@nestjs/common';
import { BrokerSchema, ProtectionSchema } from '@fillwire/events';
import { APP_CONFIG, REDIS_CLIENT } from '@fillwire/observability';
import type Redis from 'ioredis';
import { z } from 'zod';
import type { OrderApiConfig } from '../config/order-api-config.schema';

export const PlacedOrderSchema = z.object({
  orderId: z.string(),
  broker: BrokerSchema,
  accountId: z.string(),
  userId: z.string(),
  idempotencyKey: z.string().nullable(),
  clientTag: z.string().nullable(),
  /** When the request arrived and how long the broker took to accept it. */
  receivedAt: z.number(),
  brokerLatencyMs: z.number(),
  eventId: z.string().nullable(),
  protection: ProtectionSchema.optional(),
});
export type PlacedOrder = z.infer<typeof PlacedOrderSchema>;

/** Orders placed through order-api: who placed them and how (ownership, timeline start). */
@Injectable()
export class OrderRegistryRepository {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: OrderApiConfig,
  ) {}

  async save(order: PlacedOrder): Promise<void> {
    await this.redis.set(this.key(order.orderId), JSON.stringify(order), 'EX', 7 * 86_400);
  }

  async get(orderId: string): Promise<PlacedOrder | null> {
    const json = await this.redis.get(this.key(orderId));
    if (json === null) return null;
    const parsed = PlacedOrderSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  }

  private key(orderId: string): string {
    return `${this.config.FILLWIRE_PREFIX}:order-api:order:${orderId}`;
  }
}
