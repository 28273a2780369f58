import { Logger } from '@nestjs/common';
import { sampleOrder, type OrderStatus } from '@fillwire/events';
import type { OrderCatchUp } from '../sync/order-sync.service';
import { PLACEMENT_CHECK_ATTEMPTS, PlacementCheckService } from './placement-check.service';

/** KiteConnectionsService.catchUpOrder as the check sees it: answers from a script, records calls. */
function fakeConnections(answers: Array<OrderCatchUp | null | Error>) {
  const calls: Array<{ accountId: string; orderId: string; at: number }> = [];
  return {
    calls,
    catchUpOrder: (accountId: string, orderId: string): Promise<OrderCatchUp | null> => {
      calls.push({ accountId, orderId, at: Date.now() });
      const answer = answers.length > 1 ? answers.shift() : answers[0];
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer ?? null);
    },
  };
}

const at = (status: OrderStatus, emitted = 0): OrderCatchUp => ({
  emitted,
  current: sampleOrder({ status }),
});

describe('PlacementCheckService', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(['log', 'error', 'warn']);
  });
  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  const service = (connections: ReturnType<typeof fakeConnections>) =>
    new PlacementCheckService({ ZERODHA_PLACEMENT_CHECK_AFTER: 500 }, connections);

  it('reads a placed order once, after the configured delay, when it has left PENDING', async () => {
    const connections = fakeConnections([at('OPEN', 1)]);
    const checks = service(connections);
    checks.schedule('AB1234', 'o1', 'e1');
    await jest.advanceTimersByTimeAsync(499);
    expect(connections.calls).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(connections.calls).toEqual([{ accountId: 'AB1234', orderId: 'o1', at: 500 }]);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(connections.calls).toHaveLength(1);
    expect(checks.pending).toBe(0);
  });

  it('looks again at twice and four times the delay while the broker still has it pending, then gives up', async () => {
    const connections = fakeConnections([at('PENDING')]);
    const checks = service(connections);
    checks.schedule('AB1234', 'o1', 'e1');
    await jest.advanceTimersByTimeAsync(60_000);
    expect(connections.calls.map((c) => c.at)).toEqual([500, 1500, 3500]);
    expect(connections.calls).toHaveLength(PLACEMENT_CHECK_ATTEMPTS);
  });

  it('stops retrying once the order is open, filled or gone from this gateway', async () => {
    for (const [answers, reads] of [
      [[at('PENDING'), at('OPEN', 2)], 2],
      [[at('PENDING'), at('FILLED', 1)], 2],
      [[null], 1],
      [[new Error('Kite said 429')], 1],
    ] as const) {
      const connections = fakeConnections([...answers]);
      const checks = service(connections);
      checks.schedule('AB1234', 'o1', 'e1');
      await jest.advanceTimersByTimeAsync(60_000);
      expect([answers, connections.calls.length]).toEqual([answers, reads]);
    }
  });

  it('checks each order once however often its order.placed is delivered', async () => {
    const connections = fakeConnections([at('OPEN')]);
    const checks = service(connections);
    checks.schedule('AB1234', 'o1', 'e1');
    checks.schedule('AB1234', 'o1', 'e1');
    checks.schedule('CD5678', 'o2', 'e2');
    await jest.advanceTimersByTimeAsync(60_000);
    expect(connections.calls.map((c) => c.orderId).sort()).toEqual(['o1', 'o2']);
  });

  it('on shutdown drops what waits, lets a read in flight finish and takes no new order', async () => {
    const inFlight: Array<(value: OrderCatchUp) => void> = [];
    const connections = {
      calls: 0,
      catchUpOrder: () => {
        connections.calls += 1;
        return new Promise<OrderCatchUp>((resolve) => inFlight.push(resolve));
      },
    };
    const checks = new PlacementCheckService({ ZERODHA_PLACEMENT_CHECK_AFTER: 500 }, connections);
    checks.schedule('AB1234', 'o1', 'e1');
    checks.schedule('AB1234', 'o2', 'e2');
    await jest.advanceTimersByTimeAsync(500);
    expect(connections.calls).toBe(2);
    checks.schedule('AB1234', 'o3', 'e3');
    let stopped = false;
    const stopping = checks.onModuleDestroy().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(10);
    expect(stopped).toBe(false);
    for (const release of inFlight) release(at('PENDING'));
    await jest.advanceTimersByTimeAsync(0);
    checks.schedule('AB1234', 'o4', 'e4');
    await jest.advanceTimersByTimeAsync(60_000);
    await stopping;
    // o3 was waiting and is dropped; o1/o2 are not retried although still pending; o4 never starts.
    expect(connections.calls).toBe(2);
    expect(checks.pending).toBe(0);
  });
});
