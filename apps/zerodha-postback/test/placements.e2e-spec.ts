import { parseEnvelope, type TypedEnvelope } from '@fillwire/events';
import { startStack, waitFor, type Stack } from '@fillwire/testing';
import Redis from 'ioredis';
import { KiteConnect } from 'kiteconnect';
import WebSocket from 'ws';
import { postbackOf } from './kite-payloads';

jest.setTimeout(120_000);

type OrderUpdated = TypedEnvelope<'order.updated'>;

interface Frame {
  event: string;
  data?: { order?: { brokerOrderId: string; status: string } };
}

/**
 * Kite pushes nothing when an order is placed: a resting LIMIT order placed through order-api must
 * still reach OPEN on the bus and on the screens, from zerodha-postback's placement check
 * (order-api, zerodha-postback, notifier and the simulator as child processes, postbacks and ticker
 * order frames dropped).
 */
describe('zerodha-postback placement check', () => {
  let stack: Stack;
  let redis: Redis;
  let accessToken: string;

  const updates = async (orderId: string): Promise<OrderUpdated[]> =>
    (await redis.xrange(`${stack.prefix}:events`, '-', '+'))
      .map(([, fields]) => parseEnvelope(fields[fields.indexOf('envelope') + 1]))
      .filter((e): e is OrderUpdated => e.type === 'order.updated' && e.key === orderId);

  /** The order's history as Kite's REST answers it (raw rows, IST timestamps as strings). */
  const kiteHistory = async (orderId: string): Promise<Array<Record<string, unknown>>> => {
    const res = await fetch(`${stack.sim.kiteUrl}/orders/${orderId}`, {
      headers: { 'X-Kite-Version': '3', Authorization: `token kite-demo:${accessToken}` },
    });
    return ((await res.json()) as { data: Array<Record<string, unknown>> }).data;
  };

  /** zerodha-postback's Kite order-history reads so far (fillwire_broker_rest_calls_total). */
  const historyReads = async (): Promise<number> => {
    const text = await (await fetch(`${stack.url('zerodha-postback')}/metrics`)).text();
    return [
      ...text.matchAll(/^fillwire_broker_rest_calls_total\{[^}]*operation="order_history"[^}]*\} (\d+)$/gm),
    ]
      .map((m) => Number(m[1]))
      .reduce((a, n) => a + n, 0);
  };

  const place = async (body: Record<string, unknown>): Promise<string> => {
    const res = await fetch(`${stack.url('order-api')}/v1/orders`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${stack.apiKeys.demo}` },
      body: JSON.stringify({ accountId: 'AB1234', exchange: 'NSE', product: 'MIS', quantity: 1, ...body }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { orderId: string }).orderId;
  };

  beforeAll(async () => {
    stack = await startStack({
      apps: ['order-api', 'zerodha-postback', 'notifier'],
      // No price walk: a limit below the price stays resting.
      simEnv: { SIM_TICK_MS: '0' },
    });
    redis = new Redis(stack.redisUrl);
    const kite = new KiteConnect({ api_key: 'kite-demo', root: stack.sim.kiteUrl });
    accessToken = (await kite.generateSession('AB1234', 'demo-secret')).access_token;
    // Nothing is pushed for these orders: any OPEN on the bus comes from reading the order.
    await stack.sim.admin('/_sim/faults', {
      reset: true,
      channels: { postback: { drop: 1 }, ticker: { drop: 1 } },
    });
  });

  afterAll(async () => {
    await redis?.quit();
    await stack?.stop();
  });

  it('emits OPEN for a resting limit order without any postback or ticker update; screens show it', async () => {
    // What a screen gets: the orders channel of notifier's WebSocket.
    const frames: Frame[] = [];
    const ws = new WebSocket(`${stack.notifierWsUrl}?token=${stack.apiKeys.demo}`);
    ws.on('message', (raw: Buffer) => frames.push(JSON.parse(raw.toString()) as Frame));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ action: 'subscribe', channels: ['orders'] }));
    await waitFor(() => frames.some((f) => f.event === 'subscribed'), { what: 'the subscription' });

    // Well below the simulator's SBIN price (812.45): the order rests.
    const orderId = await place({ symbol: 'SBIN', side: 'BUY', orderType: 'LIMIT', price: 790 });
    const open = await waitFor(
      async () => (await updates(orderId)).find((e) => e.data.order.status === 'OPEN'),
      { timeoutMs: 20_000, what: `order.updated OPEN for ${orderId}` },
    );
    expect(open).toMatchObject({
      source: 'zerodha-postback',
      channel: 'reconciliation',
      userId: 'demo',
      accountId: 'AB1234',
      broker: 'zerodha',
      data: {
        order: {
          brokerOrderId: orderId,
          status: 'OPEN',
          brokerStatus: 'OPEN',
          price: 790,
          filledQuantity: 0,
        },
      },
    });

    // A postback of the same state (Kite's own row) collapses with it: still one OPEN event.
    const row = (await kiteHistory(orderId)).at(-1)!;
    expect(row.status).toBe('OPEN');
    const delivered = await stack.sim.admin<{ httpStatus: number }>('/_sim/kite/postback', {
      payload: postbackOf(row, 'AB1234', null),
      checksum: 'auto',
    });
    expect(delivered.httpStatus).toBe(200);
    const opens = (await updates(orderId)).filter((e) => e.data.order.status === 'OPEN');
    expect(opens.map((e) => e.id)).toEqual([open.id]);

    await waitFor(
      () =>
        frames.some(
          (f) =>
            f.event === 'order_update' &&
            f.data?.order?.brokerOrderId === orderId &&
            f.data.order.status === 'OPEN',
        ),
      { timeoutMs: 20_000, what: `an order_update frame with OPEN for ${orderId}` },
    );
    ws.close();
  });

  it('adds nothing for an order whose updates did arrive', async () => {
    await stack.sim.admin('/_sim/faults', { reset: true });
    const before = await historyReads();
    const orderId = await place({ symbol: 'INFY', side: 'BUY', orderType: 'MARKET' });
    const filled = await waitFor(
      async () => (await updates(orderId)).find((e) => e.data.order.status === 'FILLED'),
      { timeoutMs: 20_000, what: `order.updated FILLED for ${orderId}` },
    );
    expect(filled.channel).not.toBe('reconciliation');
    // The placement check has read the order and found nothing newer than the pushed fill.
    await waitFor(async () => (await historyReads()) > before, {
      timeoutMs: 20_000,
      what: 'the placement check reading the order history',
    });
    const all = await updates(orderId);
    expect(all.filter((e) => e.data.order.status === 'FILLED')).toHaveLength(1);
    expect(all.filter((e) => e.channel === 'reconciliation')).toEqual([]);
  });
});
