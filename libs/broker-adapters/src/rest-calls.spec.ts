import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JainamAdapter } from './xts/jainam.adapter';
import { StaticInstrumentResolver } from './xts/static-instrument-resolver';
import { ZerodhaAdapter } from './kite/zerodha.adapter';
import { xtsRestOperation, type BrokerRestCallCounter } from './rest-calls';

/** A counter as prom-client keeps one: a tally per label set. */
function recordingCounter(): BrokerRestCallCounter & { tally: Record<string, number> } {
  const tally: Record<string, number> = {};
  return {
    tally,
    inc: ({ broker, operation }) => {
      const key = `${broker} ${operation}`;
      tally[key] = (tally[key] ?? 0) + 1;
    },
  };
}

/** A loopback HTTP server that records every request and answers with `reply`. */
async function fakeBroker(reply: (req: IncomingMessage) => { status: number; body: unknown }) {
  const requests: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      requests.push(`${req.method} ${req.url?.split('?')[0]}`);
      const { status, body } = reply(req);
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise<void>((done) => server.close(() => done())) };
}

const settle = (work: Promise<unknown>) =>
  work.then(
    () => undefined,
    () => undefined,
  );

describe('xtsRestOperation', () => {
  it('names each XTS interactive route', () => {
    expect(xtsRestOperation('POST', '/user/session')).toBe('login');
    expect(xtsRestOperation('DELETE', '/user/session')).toBe('logout');
    expect(xtsRestOperation('GET', '/user/profile')).toBe('profile');
    expect(xtsRestOperation('GET', '/user/balance')).toBe('margins');
    expect(xtsRestOperation('POST', '/orders')).toBe('place');
    expect(xtsRestOperation('PUT', '/orders')).toBe('modify');
    expect(xtsRestOperation('DELETE', '/orders', { appOrderID: '1' })).toBe('cancel');
    expect(xtsRestOperation('GET', '/orders', { clientID: 'JN0001' })).toBe('orders');
    expect(xtsRestOperation('GET', '/orders', { appOrderID: '1' })).toBe('order_history');
    expect(xtsRestOperation('GET', '/orders/trades')).toBe('trades');
    expect(xtsRestOperation('GET', '/portfolio/positions', { dayOrNet: 'NetWise' })).toBe('positions');
    expect(xtsRestOperation('GET', '/orders/dealerorderbook')).toBe('other');
  });
});

describe('REST call counting in the adapters', () => {
  it('ZerodhaAdapter counts every request it sends by operation, refused ones too, and nothing it does not send', async () => {
    // Lists succeed (empty); everything else is refused, as Kite refuses a bad request.
    const kite = await fakeBroker((req) =>
      req.method === 'GET' && !req.url?.startsWith('/user') && !req.url?.startsWith('/portfolio')
        ? { status: 200, body: { status: 'success', data: [] } }
        : { status: 400, body: { status: 'error', message: 'refused', error_type: 'InputException' } },
    );
    const calls = recordingCounter();
    const adapter = new ZerodhaAdapter({
      accountId: 'AB1234',
      apiKey: 'k',
      apiSecret: 's',
      rootUrl: kite.url,
      wsUrl: null,
      restCalls: calls,
    });
    try {
      await settle(adapter.generateSession('AB1234'));
      adapter.setAccessToken('token');
      await settle(adapter.connect());
      await adapter.getOrderBook();
      await adapter.getOrderHistory('1');
      await adapter.getTrades();
      await adapter.getOrderTrades('1');
      await settle(adapter.getPositions());
      const order = {
        accountId: 'AB1234',
        symbol: 'SBIN',
        exchange: 'NSE',
        side: 'BUY',
        product: 'MIS',
        orderType: 'MARKET',
      } as const;
      await settle(adapter.placeOrder({ ...order, quantity: 1 }));
      // Refused before sending (quantity 0 never reaches Kite): not a call.
      await settle(adapter.placeOrder({ ...order, quantity: 0 }));
      await settle(adapter.modifyOrder({ accountId: 'AB1234', brokerOrderId: '1', price: 800 }));
      await settle(adapter.cancelOrder({ accountId: 'AB1234', brokerOrderId: '1' }));
    } finally {
      await kite.close();
    }
    expect(calls.tally).toEqual({
      'zerodha login': 1,
      'zerodha profile': 1,
      'zerodha margins': 1,
      'zerodha orders': 1,
      'zerodha order_history': 1,
      'zerodha trades': 1,
      'zerodha order_trades': 1,
      'zerodha positions': 1,
      'zerodha place': 1,
      'zerodha modify': 1,
      'zerodha cancel': 1,
    });
    expect(Object.values(calls.tally).reduce((a, n) => a + n, 0)).toBe(kite.requests.length);
  });

  it('JainamAdapter counts every XTS request, the login and the history read of a modify included', async () => {
    const xts = await fakeBroker((req) =>
      req.method === 'GET'
        ? { status: 200, body: { type: 'success', code: 's-1', description: 'ok', result: [] } }
        : { status: 400, body: { type: 'error', code: 'e-1', description: 'refused', result: {} } },
    );
    const calls = recordingCounter();
    const adapter = new JainamAdapter({
      accountId: 'JN0001',
      baseUrl: xts.url,
      appKey: 'a',
      secretKey: 's',
      instruments: new StaticInstrumentResolver([{ exchange: 'NSE', symbol: 'SBIN', xtsInstrumentId: 3045 }]),
      socket: false,
      reloginOnAuthError: false,
      restCalls: calls,
    });
    try {
      await settle(adapter.rest.login());
      adapter.rest.setSession({
        token: 't',
        userID: 'JN0001',
        isInvestorClient: true,
        clientCodes: ['JN0001'],
      });
      await adapter.getOrderBook();
      await adapter.getOrderHistory('1');
      await adapter.getTrades();
      await settle(adapter.getPositions());
      await settle(
        adapter.placeOrder({
          accountId: 'JN0001',
          symbol: 'SBIN',
          exchange: 'NSE',
          side: 'BUY',
          quantity: 1,
          orderType: 'MARKET',
          product: 'MIS',
        }),
      );
      // The current order is read first; with none found the PUT is never sent.
      await settle(adapter.modifyOrder({ accountId: 'JN0001', brokerOrderId: '1', price: 800 }));
      await settle(adapter.cancelOrder({ accountId: 'JN0001', brokerOrderId: '1' }));
    } finally {
      await xts.close();
    }
    expect(calls.tally).toEqual({
      'jainam login': 1,
      'jainam orders': 1,
      'jainam order_history': 2,
      'jainam trades': 1,
      'jainam positions': 1,
      'jainam place': 1,
      'jainam cancel': 1,
    });
    expect(Object.values(calls.tally).reduce((a, n) => a + n, 0)).toBe(xts.requests.length);
  });
});
