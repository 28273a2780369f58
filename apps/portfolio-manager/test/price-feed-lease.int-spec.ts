import Redis from 'ioredis';
import { testPrefix, testRedisUrl, waitFor } from '@fillwire/testing';
import { PriceFeedLease, type PriceFeedLeaseListener } from '../src/automation/price-feed-lease';

/** Records what the lease loop reports. */
class Events implements PriceFeedLeaseListener {
  readonly seen: string[] = [];
  onAcquired(): void {
    this.seen.push('acquired');
  }
  onLost(reason: string): void {
    this.seen.push(`lost: ${reason}`);
  }
}

describe('PriceFeedLease on a real Redis', () => {
  let redis: Redis;
  const clients: Redis[] = [];
  const leases: PriceFeedLease[] = [];

  beforeAll(async () => {
    redis = new Redis(await testRedisUrl());
  });
  afterEach(async () => {
    await Promise.all(leases.splice(0).map((l) => l.stop()));
    // Not twice: a second disconnect waits 2 s for a close that already happened.
    clients.splice(0).forEach((c) => c.status !== 'end' && c.disconnect());
    jest.restoreAllMocks();
  });
  afterAll(async () => {
    await redis.quit();
  });

  const lease = (key: string, ttlMs: number, extra: { now?: () => number; client?: Redis } = {}) => {
    const l = new PriceFeedLease(extra.client ?? redis, { key, ttlMs, now: extra.now });
    leases.push(l);
    return l;
  };

  it('is taken by one replica at a time, with its token and the TTL', async () => {
    const key = `${testPrefix('lease')}:price-feed`;
    const [a, b] = [lease(key, 60_000), lease(key, 60_000)];
    expect(await a.tryAcquire()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    expect([a.held, b.held]).toEqual([true, false]);
    expect(await a.holder()).toBe(a.token);
    expect(a.token).not.toBe(b.token);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    // Taking it again while ours confirms it.
    expect(await a.tryAcquire()).toBe(true);
  });

  it('renews only for its holder', async () => {
    const key = `${testPrefix('lease')}:price-feed`;
    const [a, b] = [lease(key, 60_000), lease(key, 60_000)];
    await a.tryAcquire();
    await redis.pexpire(key, 5_000);
    expect(await a.renew()).toBe(true);
    expect(await redis.pttl(key)).toBeGreaterThan(5_000);
    await redis.pexpire(key, 5_000);
    expect(await b.renew()).toBe(false);
    expect(await redis.pttl(key)).toBeLessThanOrEqual(5_000);
    expect(await a.holder()).toBe(a.token);
  });

  it('is lost when it expires: another takes it, the old holder cannot renew it back', async () => {
    const key = `${testPrefix('lease')}:price-feed`;
    const [a, b] = [lease(key, 150), lease(key, 60_000)];
    expect(await a.tryAcquire()).toBe(true);
    await waitFor(async () => (await redis.exists(key)) === 0, { what: 'lease key expired' });
    expect(await b.tryAcquire()).toBe(true);
    expect(await a.renew()).toBe(false);
    expect(a.held).toBe(false);
    expect(await a.holder()).toBe(b.token);
  });

  it('counts as held only until the last confirmed renewal + TTL, whatever Redis says', async () => {
    let now = 1_000_000;
    const a = lease(`${testPrefix('lease')}:price-feed`, 3_000, { now: () => now });
    await a.tryAcquire();
    now += 2_999;
    expect(a.held).toBe(true);
    now += 1;
    expect(a.held).toBe(false);
  });

  it('is released on stop, and a release never deletes another holder’s lease', async () => {
    const key = `${testPrefix('lease')}:price-feed`;
    const [a, b] = [lease(key, 60_000), lease(key, 60_000)];
    await a.tryAcquire();
    await a.release();
    expect(await redis.exists(key)).toBe(0);
    expect(await b.tryAcquire()).toBe(true);
    await a.release();
    expect(await b.holder()).toBe(b.token);
    await b.stop();
    expect(await redis.exists(key)).toBe(0);
  });

  it('loop: one of two replicas holds it; the other takes over when the holder loses Redis', async () => {
    const key = `${testPrefix('lease')}:price-feed`;
    const client = new Redis(await testRedisUrl());
    clients.push(client);
    // A TTL long enough that a busy machine does not make a miss a renewal by accident.
    const [a, b] = [lease(key, 1_500, { client }), lease(key, 1_500)];
    const [ea, eb] = [new Events(), new Events()];
    const renewals = jest.spyOn(client, 'eval');
    const attempts = jest.spyOn(redis, 'set');
    a.start(ea);
    await waitFor(() => ea.seen.includes('acquired'), { what: 'a acquires' });
    b.start(eb);
    // b keeps trying while a renews, and cannot get in.
    await waitFor(() => renewals.mock.calls.length >= 3 && attempts.mock.calls.length >= 3, {
      what: 'three renewals by a and three tries by b',
    });
    expect(eb.seen).toEqual([]);
    expect(await b.holder()).toBe(a.token);

    // a's Redis goes away (like a dead replica's): its lease runs out, a says so, b takes over.
    client.disconnect();
    await waitFor(() => eb.seen.includes('acquired'), { timeoutMs: 10_000, what: 'b takes over' });
    await waitFor(() => ea.seen.some((e) => e.startsWith('lost:')), { what: 'a notices' });
    expect(a.held).toBe(false);
    expect(b.held).toBe(true);
    expect(await b.holder()).toBe(b.token);
  });
});
