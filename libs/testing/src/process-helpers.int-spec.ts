import { NodeProcess, cleanEnv } from './node-process';
import { startBrokerSimProcess } from './broker-sim-process';
import { startServiceProcess } from './service-process';

jest.setTimeout(90_000);

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((fn) => fn()));
});

describe('NodeProcess', () => {
  it('awaits output lines and a bounded exit', async () => {
    const proc = new NodeProcess(
      [
        '-e',
        "process.on('SIGTERM', () => { console.error('bye'); process.exit(3); }); setInterval(() => {}, 1000); console.log('ready');",
      ],
      cleanEnv({}),
    );
    cleanup.push(() => proc.kill());
    await expect(proc.waitForLine(/^ready$/, 10_000)).resolves.toBe('ready');
    proc.signal('SIGTERM');
    await expect(proc.waitExit(10_000)).resolves.toEqual({ code: 3, signal: null });
    expect(proc.stderr).toEqual(['bye']);
    expect(proc.exit).toEqual({ code: 3, signal: null });
  });

  it('rejects a line wait when the process exits first, with its output', async () => {
    const proc = new NodeProcess(['-e', "console.log('only line')"], cleanEnv({}));
    cleanup.push(() => proc.kill());
    await expect(proc.waitForLine(/never/, 10_000)).rejects.toThrow(/exited[\s\S]*only line/);
  });
});

describe('startBrokerSimProcess and startServiceProcess', () => {
  it('runs the simulators on free ports and a service against them, both stop with exit 0', async () => {
    const sim = await startBrokerSimProcess();
    cleanup.push(() => sim.process.kill());
    expect(sim.adminUrl).toBe(`${sim.kiteUrl}/_sim`);
    expect(sim.env).toMatchObject({
      KITE_ROOT_URL: sim.kiteUrl,
      KITE_WS_URL: sim.kiteUrl.replace('http', 'ws'),
      XTS_BASE_URL: sim.xtsUrl,
      KITE_API_KEY: 'kite-demo',
    });
    expect((await fetch(`${sim.adminUrl}/health`)).status).toBe(200);

    const service = await startServiceProcess('zerodha-postback', { ...sim.env, LOG_LEVEL: 'warn' });
    cleanup.push(() => service.process.kill());
    expect(service.url).toBe(`http://127.0.0.1:${service.port}`);
    expect((await fetch(`${service.url}/health`)).status).toBe(200);
    // Ready once its Kite accounts are connected to the simulator.
    await service.ready();
    expect((await fetch(`${service.url}/ready`)).status).toBe(200);

    await expect(service.stop()).resolves.toEqual({ code: 0, signal: null });
    await expect(service.ready(5_000)).rejects.toThrow(/zerodha-postback \/ready[\s\S]*exited/);
    await expect(sim.stop()).resolves.toEqual({ code: 0, signal: null });
  });

  it('calls the simulator admin API: GET without a body, POST with one, `data` back, errors with the body', async () => {
    const sim = await startBrokerSimProcess();
    cleanup.push(() => sim.process.kill());
    const instruments =
      await sim.admin<Array<{ tradingsymbol: string; exchange: string }>>('/_sim/instruments');
    expect(instruments).toEqual(
      expect.arrayContaining([expect.objectContaining({ tradingsymbol: 'SBIN', exchange: 'NSE' })]),
    );

    const moved = await sim.admin<{ tradingsymbol: string; lastPrice: number }>('/_sim/price', {
      tradingsymbol: 'SBIN',
      exchange: 'NSE',
      price: 801.5,
    });
    expect(moved).toEqual(expect.objectContaining({ tradingsymbol: 'SBIN', lastPrice: 801.5 }));

    await expect(sim.admin('/_sim/price', { tradingsymbol: 'NOPE', price: 1 })).rejects.toThrow(
      /\/_sim\/price: HTTP 400 .*unknown instrument/,
    );
    await expect(sim.admin('/_sim/nowhere')).rejects.toThrow(/HTTP 404/);
    await expect(sim.admin('/oms/orders')).rejects.toThrow(/must start with \/_sim\//);
    await expect(sim.stop()).resolves.toEqual({ code: 0, signal: null });
  });

  it('fails with the output when the service cannot boot', async () => {
    await expect(startServiceProcess('portfolio-manager', { REDIS_URL: 'http://not-redis' })).rejects.toThrow(
      /portfolio-manager \/health[\s\S]*REDIS_URL/,
    );
  });
});
