import { Injectable, Module, OnModuleInit, type INestApplication } from '@nestjs/common';
import { loadConfig, BaseConfigSchema } from '@fillwire/config';
import { testPrefix, testRedisUrl, freePort } from '@fillwire/testing';
import type Redis from 'ioredis';
import { createServiceApp } from './boot/boot-service';
import { ReadinessRegistry } from './health/readiness.registry';
import { MetricsService } from './metrics/metrics.service';
import { InjectAppConfig, InjectRedis } from './observability-tokens';

/** A feature module as apps will write them: injects Redis, metrics, readiness and config. */
@Injectable()
class ProbeService implements OnModuleInit {
  brokerUp = true;
  constructor(
    @InjectRedis() readonly redis: Redis,
    readonly metrics: MetricsService,
    private readonly readiness: ReadinessRegistry,
    @InjectAppConfig() readonly config: { FILLWIRE_PREFIX: string },
  ) {}

  onModuleInit(): void {
    this.readiness.register('broker', () => (this.brokerUp ? undefined : 'broker socket closed'));
    this.metrics.counter({ name: 'probe_events_total', help: 'probe' }).inc();
  }
}

@Module({ providers: [ProbeService] })
class ProbeModule {}

async function bootProbe(
  redisUrl: string,
): Promise<{ app: INestApplication; base: string; probe: ProbeService }> {
  const config = loadConfig('probe', BaseConfigSchema, {
    REDIS_URL: redisUrl,
    FILLWIRE_PREFIX: testPrefix('obs'),
    LOG_LEVEL: 'warn',
  });
  const app = await createServiceApp(ProbeModule, 'probe', config);
  await app.listen(await freePort(), '127.0.0.1');
  return { app, base: await app.getUrl(), probe: app.get(ProbeService) };
}

describe('ObservabilityModule (in-process, real Redis)', () => {
  it('serves health, readiness with registered checks and metrics, and closes Redis on shutdown', async () => {
    const { app, base, probe } = await bootProbe(await testRedisUrl());
    try {
      await expect(fetch(`${base}/health`).then((r) => r.json())).resolves.toEqual({ status: 'ok' });

      await probe.redis.ping();
      const ready = await fetch(`${base}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({
        status: 'ok',
        checks: { redis: { ok: true }, broker: { ok: true } },
      });

      probe.brokerUp = false;
      const notReady = await fetch(`${base}/ready`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toMatchObject({ status: 'unavailable', failing: ['broker'] });

      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await metrics.text();
      expect(text).toContain('fillwire_probe_events_total{service="probe"} 1');
      expect(text).toContain(
        'fillwire_http_request_duration_seconds_count{service="probe",method="GET",route="/ready",status="503"} 1',
      );

      const clients = (await probe.redis.client('LIST')) as string;
      expect(clients).toContain(`name=${probe.config.FILLWIRE_PREFIX}:probe`);
    } finally {
      await app.close();
    }
    expect(probe.redis.status).toBe('end');
  });
});
