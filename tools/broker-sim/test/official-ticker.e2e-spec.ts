import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { KiteConnect } from 'kiteconnect';
import { startBrokerSim, type BrokerSim } from '../src/broker-sim';
import { Inbox } from '../src/kite/kite-test-helpers';

interface Line {
  event: string;
  data?: unknown;
}

let sim: BrokerSim;
let child: ChildProcess | undefined;

beforeAll(async () => {
  sim = await startBrokerSim({
    kitePort: 0,
    xtsPort: 0,
    tickMs: 0,
    partialFillProbability: 0,
    postbackUrl: 'http://127.0.0.1:9/none',
  });
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child?.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
  await sim?.close();
});

it('is accepted by the official KiteTicker: ticks and order_update arrive', async () => {
  const kc = new KiteConnect({ api_key: 'kite-demo', root: sim.kiteUrl });
  const session = await kc.generateSession('AB1234', 'demo-secret');
  child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', resolve(__dirname, 'official-ticker.child.ts')],
    {
      env: {
        ...process.env,
        KITE_API_KEY: 'kite-demo',
        KITE_ACCESS_TOKEN: session.access_token,
        KITE_TICKER_ROOT: `${sim.kiteUrl.replace('http', 'ws')}/`,
        KITE_TOKENS: '779521',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = new Inbox<Line>();
  createInterface({ input: child.stdout! }).on('line', (l) => {
    try {
      lines.push(JSON.parse(l) as Line);
    } catch {
      // not one of ours
    }
  });
  await lines.until((ls) => ls.some((l) => l.event === 'connect') || undefined, 'connect', 20_000);

  const sbin = sim.engine.findInstrumentByToken(779521)!;
  sim.engine.setPrice(sbin, 816.35);
  const tick = await lines.until(
    (ls) =>
      ls
        .filter((l) => l.event === 'ticks')
        .flatMap((l) => l.data as { instrument_token: number; last_price: number; mode: string }[])
        .find((t) => t.last_price === 816.35),
    'tick at 816.35',
  );
  expect(tick).toEqual(expect.objectContaining({ instrument_token: 779521, mode: 'full' }));

  const { order_id } = await kc.placeOrder('regular', {
    exchange: 'NSE',
    tradingsymbol: 'SBIN',
    transaction_type: 'BUY',
    quantity: 2,
    product: 'MIS',
    order_type: 'MARKET',
  });
  const update = await lines.until(
    (ls) =>
      ls
        .filter((l) => l.event === 'order_update')
        .map((l) => l.data as { order_id: string; status: string })
        .find((o) => o.order_id === order_id && o.status === 'COMPLETE'),
    'order_update',
  );
  expect(update).toEqual(expect.objectContaining({ order_id, status: 'COMPLETE', user_id: 'AB1234' }));
  expect(lines.items.some((l) => l.event === 'disconnect')).toBe(false);
});
