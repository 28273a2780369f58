import type { TypedEnvelope } from '@fillwire/events';
import { freePort, startBrokerSimProcess, waitFor, type BrokerSimProcess } from '@fillwire/testing';
import { KiteConnect } from 'kiteconnect';
import { AppModule } from '../src/app.module';
import { KiteConnectionsService } from '../src/connections/kite-connections.service';
import { startApp, type RunningApp } from './app-harness';

type Kite = InstanceType<typeof KiteConnect>;

/**
 * An account with no token in config (FILLWIRE_DEMO=0) lives on the sessions order-api's Kite login
 * flow stores at `<prefix>:broker-session:zerodha:<account>`. Postbacks are dropped at the simulator,
 * so a fill reaches the event log by the ticker only: proof that the gateway's ticker runs on the
 * session in Redis.
 */
describe('zerodha-postback takes up the Kite login flow session (no token in config)', () => {
  let sim: BrokerSimProcess;
  let gateway: RunningApp;
  let connections: KiteConnectionsService;

  const state = () => connections.states().AB1234;
  const sessionKey = () => `${gateway.config.FILLWIRE_PREFIX}:broker-session:zerodha:AB1234`;
  /** What order-api's callback does after a login: a fresh Kite session, stored in Redis. */
  const loginFlow = async (): Promise<Kite> => {
    const kite = new KiteConnect({ api_key: sim.env.KITE_API_KEY, root: sim.kiteUrl });
    const session = await kite.generateSession('AB1234', sim.env.KITE_API_SECRET);
    kite.setAccessToken(session.access_token);
    await gateway.redis.set(sessionKey(), session.access_token, 'PX', 3_600_000);
    return kite;
  };
  const brokerConnected = async () =>
    (await gateway.events()).filter((e) => e.type === 'broker.connected' && e.accountId === 'AB1234').length;
  const fillArrivesByTicker = async (kite: Kite): Promise<void> => {
    const { order_id } = await kite.placeOrder('regular', {
      exchange: 'NSE',
      tradingsymbol: 'SBIN',
      transaction_type: 'BUY',
      quantity: 1,
      product: 'MIS',
      order_type: 'MARKET',
    });
    await waitFor(
      async () =>
        (await gateway.events()).find(
          (e: TypedEnvelope) =>
            e.type === 'order.updated' &&
            e.key === order_id &&
            e.channel === 'ticker' &&
            e.data.order.status === 'FILLED',
        ),
      { timeoutMs: 15_000, what: `ticker fill of ${order_id}` },
    );
  };

  beforeAll(async () => {
    const port = await freePort();
    sim = await startBrokerSimProcess({
      ZERODHA_POSTBACK_URL: `http://127.0.0.1:${port}/zerodha/postback`,
      SIM_PARTIAL_FILL_PROBABILITY: '0',
      SIM_TICK_MS: '0',
    });
    await sim.admin('/_sim/faults', { channel: 'postback', drop: 1 });
    gateway = await startApp(
      AppModule,
      {
        FILLWIRE_DEMO: '0',
        KITE_API_KEY: sim.env.KITE_API_KEY,
        KITE_API_SECRET: sim.env.KITE_API_SECRET,
        KITE_ROOT_URL: sim.kiteUrl,
        KITE_WS_URL: sim.env.KITE_WS_URL,
        ZERODHA_ACCOUNTS: 'AB1234:alice',
        ZERODHA_MARKET_HOURS: 'always',
        // No polling fallback in this test: only the ticker can deliver.
        ZERODHA_POLL_AFTER: '10m',
      },
      port,
    );
    connections = gateway.app.get(KiteConnectionsService);
  });
  afterAll(async () => {
    await gateway?.close();
    await sim?.stop();
  });

  it('stands down without a session, then connects once the login flow stores one', async () => {
    await waitFor(() => state() === 'stood-down', { what: 'AB1234 stood down' });
    expect((await fetch(`${gateway.url}/ready`)).status).toBe(503);

    const kite = await loginFlow();
    await waitFor(() => state() === 'synced', { timeoutMs: 15_000, what: 'AB1234 synced' });
    expect((await fetch(`${gateway.url}/ready`)).status).toBe(200);
    await fillArrivesByTicker(kite);
  });

  it('moves its ticker to a new session stored while it is connected', async () => {
    const before = await brokerConnected();
    const old = new KiteConnect({ api_key: sim.env.KITE_API_KEY, root: sim.kiteUrl });
    old.setAccessToken((await gateway.redis.get(sessionKey())) ?? '');
    const kite = await loginFlow();
    // A reconnect is announced again as broker.connected.
    await waitFor(async () => (await brokerConnected()) > before && state() === 'synced', {
      timeoutMs: 15_000,
      what: 'a reconnect with the new session',
    });
    // The old session ends; the gateway, on the new one, keeps receiving.
    await old.invalidateAccessToken();
    await fillArrivesByTicker(kite);
    expect(state()).toBe('synced');
  });

  it("after Kite ends the session (the 06:00 expiry) it stands down, and the next day's login brings it back", async () => {
    await sim.admin('/_sim/faults', { channel: 'ticker', tokenExpiry: 'AB1234' });
    await waitFor(() => state() === 'stood-down', { timeoutMs: 15_000, what: 'AB1234 stood down' });
    const kite = await loginFlow();
    await waitFor(() => state() === 'synced', { timeoutMs: 15_000, what: 'AB1234 synced again' });
    await fillArrivesByTicker(kite);
  });
});
