import { ReadPacer, UpdateDeduper, type DeliveryMeta } from '@fillwire/broker-adapters';
import { sampleOrder, type CanonicalOrder, type TypedEnvelope } from '@fillwire/events';
import { AccountConnectionService } from './account-connection.service';
import { OrderBookSyncService } from './order-book-sync.service';
import { FakeXtsAccount, RecordingMetrics, RecordingSink, authError, silentLogger } from './testing-fakes';

const flush = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

function setup(options: { eventDriven?: boolean; maxAuthFailures?: number } = {}) {
  const port = new FakeXtsAccount();
  const sink = new RecordingSink();
  const metrics = new RecordingMetrics();
  const emitted: Array<[string, DeliveryMeta['channel']]> = [];
  const scheduled: Array<{ fn: () => void; ms: number }> = [];
  let now = 1_000_000;
  const deduper = new UpdateDeduper();
  const service = new AccountConnectionService({
    port,
    userId: 'demo',
    eventDriven: options.eventDriven ?? true,
    sync: new OrderBookSyncService(new ReadPacer({ sleep: () => Promise.resolve() }), deduper, () => now),
    emitter: {
      order: (o: CanonicalOrder, meta) =>
        Promise.resolve(void emitted.push([`${o.brokerOrderId}:${o.status}`, meta.channel])),
      trade: (t, meta) => Promise.resolve(void emitted.push([`trade:${t.tradeId}`, meta.channel])),
    },
    publishSystem: (e) => sink.publish(e),
    metrics,
    logger: silentLogger,
    reconnectMinMs: 1_000,
    reconnectMaxMs: 60_000,
    maxAuthFailures: options.maxAuthFailures ?? 3,
    pollIntervalMs: 2_000,
    schedule: (fn, ms) => {
      const entry = { fn, ms };
      scheduled.push(entry);
      return () => scheduled.splice(scheduled.indexOf(entry), 1);
    },
    now: () => now,
    random: () => 1,
  });
  const runScheduled = async () => {
    const next = scheduled.shift();
    next?.fn();
    await flush();
    return next?.ms;
  };
  const system = () =>
    sink.envelopes.map((e) => {
      const d = (e as TypedEnvelope<'broker.connected' | 'broker.disconnected' | 'broker.error'>).data;
      return e.type === 'broker.error'
        ? `error:${d.state}:${(d as { code: string | null }).code}:${(d as { fatal: boolean }).fatal}`
        : `${e.type.slice(7)}:${d.state}`;
    });
  return {
    port,
    sink,
    metrics,
    emitted,
    scheduled,
    service,
    runScheduled,
    system,
    advance: (ms: number) => (now += ms),
    deduper,
  };
}

const open = sampleOrder({
  broker: 'jainam',
  accountId: 'JN0001',
  brokerOrderId: '7',
  status: 'OPEN',
  brokerStatus: 'New',
});
const filled = {
  ...open,
  status: 'FILLED' as const,
  brokerStatus: 'Filled',
  filledQuantity: open.quantity,
  pendingQuantity: 0,
};

describe('AccountConnectionService', () => {
  it('logs in, opens the socket, gap-fills with history, then is synced', async () => {
    const t = setup();
    t.port.book = [filled];
    t.port.history.set('7', [open, filled]);
    await t.service.start();
    expect(t.system()).toEqual(['connected:connected', 'connected:synced']);
    expect(t.emitted).toEqual([
      ['7:OPEN', 'reconciliation'],
      ['7:FILLED', 'reconciliation'],
      ['7:FILLED', 'reconciliation'],
    ]);
    expect(t.service.readiness()).toBe(true);
    expect(t.metrics.calls.filter((c) => c.startsWith('state:'))).toEqual([
      'state:disconnected',
      'state:connecting',
      'state:connected',
      'state:synced',
    ]);
  });

  it('a dropped socket degrades, polls on the timer, and reconnects after the backoff', async () => {
    const t = setup();
    await t.service.start();
    t.port.push('disconnected', 'transport close');
    await flush();
    expect(t.service.state).toBe('degraded');
    expect(t.service.readiness()).toBe('degraded: socket closed: transport close');
    expect(t.scheduled.map((s) => s.ms)).toEqual([1_000]);
    t.port.book = [open];
    t.advance(2_000);
    await t.service.tick();
    expect(t.emitted).toContainEqual(['7:OPEN', 'polling']);
    await t.runScheduled();
    expect(t.service.state).toBe('synced');
    expect(t.metrics.count('reconnect')).toBe(1);
    expect(t.port.loginCount).toBe(1);
    const degraded = t.sink.envelopes.find(
      (e) => e.type === 'broker.disconnected',
    ) as TypedEnvelope<'broker.disconnected'>;
    expect(degraded.data).toMatchObject({
      state: 'degraded',
      retryInMs: 1_000,
      reason: 'socket closed: transport close',
    });
  });

  it('backs off exponentially while the broker stays down', async () => {
    const t = setup();
    t.port.socketError = { state: 'disconnected', error: new Error('connect error') };
    await t.service.start();
    const delays: Array<number | undefined> = [t.scheduled[0].ms];
    for (let i = 0; i < 3; i++) {
      t.port.socketError = { state: 'disconnected', error: new Error('connect error') };
      await t.runScheduled();
      delays.push(t.scheduled[0]?.ms);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('does not poll while synced', async () => {
    const t = setup();
    await t.service.start();
    const before = t.emitted.length;
    t.advance(10_000);
    await t.service.tick();
    expect(t.emitted.length).toBe(before);
  });

  it('a logout: one new login at once, an error event, back to synced', async () => {
    const t = setup();
    await t.service.start();
    t.port.push('logged-out', 'server logout (session replaced or ended)');
    await flush();
    expect(t.scheduled.map((s) => s.ms)).toEqual([0]);
    await t.runScheduled();
    expect(t.port.loginCount).toBe(2);
    expect(t.service.state).toBe('synced');
    expect(t.system()).toContain('error:synced:logout:false');
  });

  it('a token refused by the socket gets one new login and a retry within the same attempt', async () => {
    const t = setup();
    t.port.loginCount = 1; // a session already exists
    t.port.socketError = { state: 'auth-failed', error: new Error('server error: Invalid Token') };
    await t.service.start();
    expect(t.port.loginCount).toBe(2);
    expect(t.port.socketConnects).toBe(2);
    expect(t.service.state).toBe('synced');
  });

  it('stands down after repeated login failures, and says why', async () => {
    const t = setup({ maxAuthFailures: 3 });
    t.port.loginError = authError();
    await t.service.start();
    await t.runScheduled();
    await t.runScheduled();
    expect(t.service.state).toBe('stood-down');
    expect(t.scheduled).toEqual([]);
    expect(t.service.readiness()).toMatch(
      /^stood-down: login refused 3 times in a row: .*Invalid appKey or secretKey/,
    );
    expect(t.system().slice(-2)).toEqual(['disconnected:stood-down', 'error:stood-down:e-user-0005:true']);
    expect(t.metrics.count('authFailure')).toBe(3);
  });

  it('stands down when another login keeps taking the session', async () => {
    const t = setup({ maxAuthFailures: 2 });
    await t.service.start();
    t.port.push('logged-out', 'x');
    await flush();
    await t.runScheduled();
    t.port.push('logged-out', 'x');
    await flush();
    expect(t.service.state).toBe('stood-down');
    expect(t.service.readiness()).toMatch(/session replaced by another login 2 times/);
  });

  it('a user not on event-driven mode never opens the socket and is polled', async () => {
    const t = setup({ eventDriven: false });
    t.port.book = [open];
    await t.service.start();
    expect(t.port.socketConnects).toBe(0);
    expect(t.service.state).toBe('synced');
    expect(t.emitted).toEqual([['7:OPEN', 'polling']]);
    t.port.book = [filled];
    t.advance(2_000);
    await t.service.tick();
    expect(t.emitted.at(-1)).toEqual(['7:FILLED', 'polling']);
  });

  it('stop ends in disconnected and cancels the pending reconnect', async () => {
    const t = setup();
    await t.service.start();
    t.port.push('disconnected', 'transport close');
    await flush();
    await t.service.stop();
    expect(t.service.state).toBe('disconnected');
    expect(t.scheduled).toEqual([]);
  });
});
