import { ReadinessRegistry } from './readiness.registry';

describe('ReadinessRegistry', () => {
  it('is ready with no checks', async () => {
    await expect(new ReadinessRegistry().run()).resolves.toEqual({ status: 'ok', checks: {}, failing: [] });
  });

  it('lists every failing check with its reason', async () => {
    const registry = new ReadinessRegistry();
    registry.register('redis', () => undefined);
    registry.register('kite:AB1234', () => 'socket disconnected');
    registry.register('xts:JN0001', () => Promise.reject(new Error('login failed')));
    registry.register('flag', () => false);
    const report = await registry.run();
    expect(report.status).toBe('unavailable');
    expect(report.failing.sort()).toEqual(['flag', 'kite:AB1234', 'xts:JN0001']);
    expect(report.checks.redis.ok).toBe(true);
    expect(report.checks['kite:AB1234']).toMatchObject({ ok: false, error: 'socket disconnected' });
    expect(report.checks['xts:JN0001']).toMatchObject({ ok: false, error: 'login failed' });
    expect(report.checks.flag).toMatchObject({ ok: false, error: 'not ready' });
  });

  it('fails a check that hangs instead of hanging the probe', async () => {
    const registry = new ReadinessRegistry(20);
    registry.register('stuck', () => new Promise<void>(() => undefined));
    const report = await registry.run();
    expect(report.checks.stuck).toMatchObject({ ok: false, error: 'timed out after 20 ms' });
  });

  it('a check that throws synchronously fails alone', async () => {
    const registry = new ReadinessRegistry();
    registry.register('bad', () => {
      throw new Error('sync');
    });
    registry.register('good', () => true);
    const report = await registry.run();
    expect(report.failing).toEqual(['bad']);
  });

  it('unregisters only its own check', async () => {
    const registry = new ReadinessRegistry();
    const remove = registry.register('broker', () => 'down');
    registry.register('broker', () => undefined);
    remove();
    expect(registry.names()).toEqual(['broker']);
    await expect(registry.run()).resolves.toMatchObject({ status: 'ok' });
  });
});
