import { io, type Socket } from 'socket.io-client';
import { startBrokerSim, type BrokerSim } from '../src/broker-sim';

let sim: BrokerSim;

beforeAll(async () => {
  sim = await startBrokerSim({
    kitePort: 0,
    xtsPort: 0,
    tickMs: 0,
    postbackUrl: 'http://127.0.0.1:9/none',
    scenario: {
      faults: { channels: { postback: { drop: 1 }, ticker: { delayMs: 5 } } },
      funds: { AB1234: 5_000 },
      prices: [{ exchange: 'NSE', tradingsymbol: 'SBIN', price: 800 }],
    },
  });
});

afterAll(async () => {
  await sim?.close();
});

const admin = async (path: string, body?: unknown) => {
  const res = await fetch(sim.kiteUrl + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await res.json()) as { data: Record<string, unknown> };
};

it('applies a scenario at start', async () => {
  const faults = (await admin('/_sim/faults')).data.faults as Record<string, Record<string, unknown>>;
  expect(faults.postback).toEqual(expect.objectContaining({ drop: 1 }));
  expect(faults.ticker).toEqual(expect.objectContaining({ delayMs: 5 }));
  const sbin = sim.engine.findInstrument('NSE', 'SBIN')!;
  expect(sim.engine.lastPrice(sbin)).toBe(800);
  expect(sim.engine.margins('AB1234').funds).toBe(5_000);
});

it('routes XTS socket events through the shared fault injector', async () => {
  const login = await fetch(`${sim.xtsUrl}/interactive/user/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appKey: 'xts-demo', secretKey: 'demo-secret', source: 'WEBAPI' }),
  });
  const { result } = (await login.json()) as { result: { token: string; userID: string } };
  const socket: Socket = io(sim.xtsUrl, {
    path: '/interactive/socket.io',
    query: { token: result.token, userID: result.userID, apiType: 'INTERACTIVE' },
    transports: ['websocket'],
    reconnection: false,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('joined', () => resolve());
      socket.once('connect_error', reject);
    });
    await admin('/_sim/faults', { channel: 'xts-socket', duplicate: 1 });
    const orders: string[] = [];
    const twoCopies = new Promise<void>((resolve) =>
      socket.on('order', (payload: string) => {
        orders.push(payload);
        const filled = orders.filter(
          (o) => (JSON.parse(o) as { OrderStatus: string }).OrderStatus === 'Filled',
        );
        if (filled.length === 2) resolve();
      }),
    );
    const place = await fetch(`${sim.xtsUrl}/interactive/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: result.token },
      body: JSON.stringify({
        exchangeSegment: 'NSECM',
        exchangeInstrumentID: 1594,
        productType: 'MIS',
        orderType: 'MARKET',
        orderSide: 'BUY',
        timeInForce: 'DAY',
        disclosedQuantity: 0,
        orderQuantity: 1,
        limitPrice: 0,
        stopPrice: 0,
        orderUniqueIdentifier: 'sim1',
      }),
    });
    expect(place.status).toBe(200);
    await twoCopies;
    const faults = (await admin('/_sim/faults')).data.faults as Record<
      string,
      { stats: Record<string, number> }
    >;
    expect(faults['xts-socket'].stats.duplicated).toBeGreaterThan(0);
    const dropped = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
    const res = await admin('/_sim/faults', { channel: 'xts-socket', disconnect: true });
    expect(res.data.disconnected).toBe(1);
    await dropped;
  } finally {
    socket.close();
  }
});
