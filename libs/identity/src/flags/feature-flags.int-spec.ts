import type { FlagsUpdated } from '@fillwire/events';
import { testPrefix, testRedisUrl } from '@fillwire/testing';
import Redis from 'ioredis';
import { IdentityRepository } from '../identity.repository';
import { IdentityService } from '../identity.service';
import { FeatureFlagsReader } from './feature-flags-reader';
import { FeatureFlagsRepository } from './feature-flags.repository';
import { FeatureFlagsService } from './feature-flags.service';

describe('feature flags on Redis', () => {
  let redis: Redis;
  let prefix: string;
  let published: FlagsUpdated[];
  let service: FeatureFlagsService;
  let reader: FeatureFlagsReader;
  const defaults = { useEventDrivenOrders: true, rolloutPercent: 0 };

  beforeAll(async () => {
    redis = new Redis(await testRedisUrl());
  });
  afterAll(async () => {
    await redis.quit();
  });
  beforeEach(async () => {
    prefix = testPrefix('flags');
    published = [];
    service = new FeatureFlagsService(new FeatureFlagsRepository(redis, prefix, defaults), (event) => {
      published.push(event);
      return Promise.resolve();
    });
    reader = new FeatureFlagsReader({ redis, prefix, defaults, refreshMs: 50 });
    await reader.start();
  });
  afterEach(() => reader.stop());

  it('starts from the config, then follows admin changes; each change is published once', async () => {
    expect(reader.modeForUser('demo')).toBe('polling');
    const changed = new Promise((resolve) => reader.onChange(resolve));
    await service.update({ rolloutPercent: 100 }, 'admin');
    await changed;
    expect(reader.modeForUser('demo')).toBe('event-driven');
    expect(published).toEqual([{ flags: expect.objectContaining({ rolloutPercent: 100, version: 1, updatedBy: 'admin' }), changed: ['rolloutPercent'] }]);
    await service.update({ rolloutPercent: 100 }, 'admin');
    expect(published).toHaveLength(1);
  });

  it('rollback: the global switch wins over opt-ins and the percentage', async () => {
    await service.update({ rolloutPercent: 100, users: { vip: 'event-driven', careful: 'polling' } }, 'admin');
    await reader.refresh();
    expect([reader.modeForUser('vip'), reader.modeForUser('careful'), reader.modeForUser('other')]).toEqual([
      'event-driven',
      'polling',
      'event-driven',
    ]);
    await service.update({ useEventDrivenOrders: false }, 'admin');
    await reader.refresh();
    expect(reader.decide('vip')).toMatchObject({ mode: 'polling', reason: 'global-off' });
    await service.update({ useEventDrivenOrders: true, rolloutPercent: 0, users: { careful: 'default' } }, 'admin');
    await reader.refresh();
    expect([reader.modeForUser('vip'), reader.modeForUser('careful')]).toEqual(['event-driven', 'polling']);
    expect(reader.current.optOut).toEqual([]);
  });

  it('maps accounts to their owners', async () => {
    const identity = new IdentityService(new IdentityRepository(redis, prefix));
    await identity.addUser({ id: 'u1' });
    await identity.linkAccount('u1', 'zerodha', 'ZZ1');
    await service.update({ users: { u1: 'event-driven' } }, null);
    await reader.refresh();
    expect(reader.modeForAccount('ZZ1')).toBe('event-driven');
    expect(reader.modeForAccount('unknown')).toBe('event-driven');
    await service.update({ useEventDrivenOrders: false }, null);
    await reader.refresh();
    expect(reader.modeForAccount('unknown')).toBe('polling');
  });

  it('concurrent changes are all kept', async () => {
    await Promise.all(['a', 'b', 'c', 'd'].map((u) => service.update({ users: { [u]: 'event-driven' } }, u)));
    expect((await service.get()).optIn).toEqual(['a', 'b', 'c', 'd']);
    expect((await service.get()).version).toBe(4);
  });
});
