import { performance } from 'node:perf_hooks';
import { KiteConnect } from 'kiteconnect';
import { io } from 'socket.io-client';
import { startBrokerSim, type BrokerSim } from '../broker-sim';
import { postbackChecksum } from '../kite/kite-format';
import { DEFAULT_KITE_USERS } from '../kite/kite-session.store';
import {
  Inbox,
  openTicker,
  startPostbackReceiver,
  type PostbackReceiver,
  type TickerMessage,
} from '../kite/kite-test-helpers';
import type { LoadReport } from './sim-load.schema';

type Row = Record<string, unknown>;
const SECRET = 'demo-secret';
const KITE_USER = 'ZK0001';
const XTS_USER = { userID: 'JX0001', appKey: 'xts-jx0001', secretKey: 'jx-secret' };

let sim: BrokerSim;
let receiver: PostbackReceiver;
let ticker: { inbox: Inbox<TickerMessage>; close(): void };
let xts: { inbox: Inbox<{ event: string; row: Row }>; close(): void };

async function load(
  body: unknown,
): Promise<{ status: number; body: { status: string; data?: LoadReport; message?: string } }> {
  const res = await fetch(`${sim.kiteUrl}/_sim/load`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { status: string; data?: LoadReport } };
}

beforeAll(async () => {
  receiver = await startPostbackReceiver();
  sim = await startBrokerSim({
    kitePort: 0,
    xtsPort: 0,
    tickMs: 0,
    postbackUrl: receiver.url,
    kiteUsers: [...DEFAULT_KITE_USERS, { userId: KITE_USER, name: 'Load', email: 'zk@example.com' }],
    xtsUsers: [XTS_USER],
  });
  const kc = new KiteConnect({ api_key: 'kite-demo', root: sim.kiteUrl });
  const session = await kc.generateSession(KITE_USER, SECRET);
  const opened = await openTicker(
    `${sim.kiteUrl.replace('http', 'ws')}/?api_key=kite-demo&access_token=${session.access_token}`,
  );
  ticker = { inbox: opened.inbox, close: () => opened.ws.close() };

  const login = await fetch(`${sim.xtsUrl}/interactive/user/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appKey: XTS_USER.appKey, secretKey: XTS_USER.secretKey, source: 'WEBAPI' }),
  });
  const { result } = (await login.json()) as { result: { token: string; userID: string } };
  const socket = io(sim.xtsUrl, {
    path: '/interactive/socket.io',
    query: { token: result.token, userID: result.userID, apiType: 'INTERACTIVE' },
    reconnection: false,
    forceNew: true,
  });
  const inbox = new Inbox<{ event: string; row: Row }>();
  for (const event of ['joined', 'order', 'trade'])
    socket.on(event, (raw: unknown) =>
      inbox.push({ event, row: typeof raw === 'string' ? (JSON.parse(raw) as Row) : {} }),
    );
  await inbox.until((items) => items.some((i) => i.event === 'joined'), 'XTS socket joined');
  xts = { inbox, close: () => socket.close() };
});

afterAll(async () => {
  ticker?.close();
  xts?.close();
  await sim?.close();
  await receiver?.close();
});

describe('POST /_sim/load', () => {
  it('sends paced fills the way each broker does and reports when each one went out', async () => {
    const before = performance.timeOrigin + performance.now();
    const res = await load({
      phases: [
        { rate: 200, durationMs: 50 },
        { rate: 400, durationMs: 50 },
      ],
      accounts: [
        { broker: 'kite', userId: KITE_USER },
        { broker: 'xts', userId: XTS_USER.userID },
      ],
      instruments: [
        { exchange: 'NSE', tradingsymbol: 'SBIN' },
        { exchange: 'NSE', tradingsymbol: 'INFY' },
      ],
    });
    const after = performance.timeOrigin + performance.now();
    expect(res.status).toBe(200);
    const report = res.body.data as LoadReport;
    expect(report).toMatchObject({
      sent: 30,
      failed: 0,
      channels: {
        postback: { sent: 15, failed: 0 },
        ticker: { sent: 15, failed: 0 },
        xts: { sent: 30, failed: 0 },
      },
    });
    expect(report.phaseStartedAt).toHaveLength(2);
    expect(new Set(report.updates.orderId).size).toBe(30);
    expect(report.updates.account).toEqual(Array.from({ length: 30 }, (_, i) => i % 2));
    // Each pass over the two accounts takes the next instrument: SBIN, SBIN, INFY, INFY, SBIN, ...
    expect(report.updates.instrument).toEqual(Array.from({ length: 30 }, (_, i) => Math.floor(i / 2) % 2));
    expect(report.updates.quantity).toEqual(Array.from({ length: 30 }, () => 1));
    const at = report.updates.at;
    expect(at[0]).toBeGreaterThanOrEqual(before);
    expect(at[29]).toBeLessThanOrEqual(after);
    for (let i = 1; i < at.length; i++) expect(at[i]).toBeGreaterThanOrEqual(at[i - 1]);

    const kiteIds = report.updates.orderId.filter((_, i) => i % 2 === 0);
    const xtsIds = report.updates.orderId.filter((_, i) => i % 2 === 1);
    // Postbacks: complete fills with Kite's checksum, one per update.
    const postbacks = await receiver.inbox.until(
      (items) => (items.length >= 15 ? items.map((p) => p.body) : undefined),
      'postbacks',
    );
    expect(postbacks.map((p) => p.order_id).sort()).toEqual([...kiteIds].sort());
    const symbolOf = new Map(
      report.updates.orderId.map((id, i) => [id, report.updates.instrument[i] === 0 ? 'SBIN' : 'INFY']),
    );
    for (const p of postbacks) {
      expect(p).toMatchObject({ user_id: KITE_USER, status: 'COMPLETE', product: 'CNC' });
      expect(p.tradingsymbol).toBe(symbolOf.get(String(p.order_id)));
      expect(p.filled_quantity).toBe(p.quantity);
      expect(p.checksum).toBe(postbackChecksum(String(p.order_id), String(p.order_timestamp), SECRET));
    }
    // The ticker copy of each, with the empty checksum Kite sends there.
    const frames = await ticker.inbox.until((items) => {
      const orders = items.flatMap((m) =>
        m.kind === 'text' ? [JSON.parse(m.text) as { type: string; data: Row }] : [],
      );
      return orders.length >= 15 ? orders : undefined;
    }, 'ticker order frames');
    expect(frames.map((f) => f.data.order_id)).toEqual(kiteIds);
    expect(frames.every((f) => f.type === 'order' && f.data.checksum === '')).toBe(true);
    // XTS: an `order` event (Filled) and a `trade` event per fill, in send order.
    const events = await xts.inbox.until(
      (items) => (items.filter((i) => i.event !== 'joined').length >= 30 ? items : undefined),
      'XTS events',
    );
    const orders = events.filter((e) => e.event === 'order').map((e) => e.row);
    const trades = events.filter((e) => e.event === 'trade').map((e) => e.row);
    expect(orders.map((o) => String(o.AppOrderID))).toEqual(xtsIds);
    expect(trades.map((t) => String(t.AppOrderID))).toEqual(xtsIds);
    expect(orders.every((o) => o.OrderStatus === 'Filled' && o.LoginID === XTS_USER.userID)).toBe(true);
    expect(new Set(trades.map((t) => t.ExecutionID)).size).toBe(15);
  });

  it('continues the ids on the next request', async () => {
    const first = await load({
      phases: [{ rate: 100, durationMs: 20 }],
      accounts: [{ broker: 'xts', userId: 'JX0001' }],
    });
    const second = await load({
      phases: [{ rate: 100, durationMs: 20 }],
      accounts: [{ broker: 'xts', userId: 'JX0001' }],
    });
    const ids = [
      ...(first.body.data as LoadReport).updates.orderId,
      ...(second.body.data as LoadReport).updates.orderId,
    ];
    expect(new Set(ids).size).toBe(4);
  });

  it('counts an update that reached nobody as failed', async () => {
    const res = await load({
      phases: [{ rate: 100, durationMs: 30 }],
      accounts: [{ broker: 'xts', userId: 'NOBODY' }],
    });
    expect(res.body.data).toMatchObject({ sent: 3, failed: 3, channels: { xts: { sent: 6, failed: 6 } } });
  });

  it('refuses bad input, unknown Kite users and a second load while one runs', async () => {
    expect((await load({ phases: [], accounts: [] })).status).toBe(400);
    const badInstrument = await load({
      phases: [{ rate: 1, durationMs: 1000 }],
      accounts: [{ broker: 'xts', userId: 'JX0001' }],
      instruments: [{ exchange: 'NSE', tradingsymbol: 'NOPE' }],
    });
    expect(badInstrument.status).toBe(400);
    expect(badInstrument.body.message).toMatch(/NSE:NOPE/);
    const unknown = await load({
      phases: [{ rate: 1, durationMs: 1000 }],
      accounts: [{ broker: 'kite', userId: 'XX9999' }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/XX9999/);
    const seen = xts.inbox.items.length;
    // Four fills over 1.5 s: once the first has arrived, the load is still running.
    const long = load({
      phases: [{ rate: 2, durationMs: 2000 }],
      accounts: [{ broker: 'xts', userId: 'JX0001' }],
    });
    await xts.inbox.until((items) => items.length > seen || undefined, 'the first fill of the running load');
    const second = await load({
      phases: [{ rate: 10, durationMs: 100 }],
      accounts: [{ broker: 'xts', userId: 'JX0001' }],
    });
    expect(second.status).toBe(409);
    expect((await long).status).toBe(200);
  });
});
