import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, REDIS_CLIENT } from '@fillwire/observability';
import type Redis from 'ioredis';
import type { NotifierConfig } from '../config/notifier-config.schema';
import { SinkSettingsSchema, type SinkSettings } from './sink-settings.schema';

/** Per-user sink settings in Redis, `<prefix>:notifier:sinks:<userId>` (JSON). */
@Injectable()
export class SinkSettingsRepository {
  private readonly prefix: string;

  constructor(
    @Inject(APP_CONFIG) config: NotifierConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {
    this.prefix = `${config.FILLWIRE_PREFIX}:notifier:sinks`;
  }

  async get(userId: string): Promise<SinkSettings | null> {
    const raw = await this.redis.get(`${this.prefix}:${userId}`);
    if (!raw) return null;
    const parsed = SinkSettingsSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  }

  async set(userId: string, settings: SinkSettings): Promise<void> {
    await this.redis.set(`${this.prefix}:${userId}`, JSON.stringify(settings));
  }
}
