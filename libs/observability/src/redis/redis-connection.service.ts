import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../observability-tokens';
import { ReadinessRegistry } from '../health/readiness.registry';

/**
 * Connects the service's Redis client at boot without blocking it (a service whose Redis is down
 * still boots, answers /health and reports 503 on /ready until Redis is back), registers the Redis
 * readiness check and closes the client last on shutdown, after workers have stopped.
 */
@Injectable()
export class RedisConnectionService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisConnectionService.name);
  private wasReady = false;
  private reportedDown = false;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    this.redis.on('ready', () => {
      this.logger.log(this.wasReady ? 'Redis reconnected' : 'Redis connected');
      this.wasReady = true;
      this.reportedDown = false;
    });
    // ioredis emits an error per failed attempt; one line per outage is enough.
    this.redis.on('error', (err: Error) => {
      if (this.reportedDown) return;
      this.reportedDown = true;
      this.logger.warn({ error: err.message }, 'Redis unreachable, retrying in the background');
    });
    this.readiness.register('redis', () => this.ping());
    // The first failure is already reported by the 'error' listener; retries continue.
    this.redis.connect().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status === 'end') return;
    let timer: NodeJS.Timeout | undefined;
    // Bounded: a client between reconnect attempts never emits 'end' after disconnect().
    const ended = new Promise<void>((resolve) => {
      this.redis.once('end', () => resolve());
      timer = setTimeout(resolve, 1000);
    });
    if (this.redis.status === 'ready') {
      // QUIT lets replies in flight arrive; a Redis that stops answering is cut off by the timer.
      await Promise.race([this.redis.quit().catch(() => undefined), ended]);
    }
    this.redis.disconnect();
    await ended;
    clearTimeout(timer);
    this.logger.log('Redis connection closed');
  }

  private async ping(): Promise<string | undefined> {
    // Not connected: say so at once rather than queueing a PING until Redis returns.
    if (this.redis.status !== 'ready') return `redis is ${this.redis.status}`;
    await this.redis.ping();
    return undefined;
  }
}
